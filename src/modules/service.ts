import { runService } from './sys/service-run';
import type { ArgSpec, Module } from './types';

interface ServiceArgs {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
}

/** Arguments the service and systemd modules share. */
export const serviceArgs: ArgSpec = {
  state: { type: 'str', choices: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped are idempotent; restarted and reloaded always act (a stopped service is started).' },
  enabled: { type: 'bool', description: 'Whether the service starts at boot.' },
};

/** Starts, stops, restarts or reloads a service and sets whether it starts at boot (systemd or sysvinit). */
export const service: Module<ServiceArgs> = {
  name: 'service',
  returns: {
    name: { type: 'str', returned: 'with name', description: 'The unit.', sample: 'nginx' },
    state: { type: 'str', returned: 'with name', description: 'started or stopped after the task (or the state asked for).', sample: 'started' },
    enabled: { type: 'bool', returned: 'with name', description: 'Whether it starts at boot after the task.', sample: true },
    status: { type: 'dict', returned: 'with name', description: "The unit's LoadState, ActiveState and UnitFileState before the task, as systemctl show names them.", sample: { LoadState: 'loaded', ActiveState: 'active', UnitFileState: 'enabled' } },
  },
  summary: 'Manage services (systemd, or sysvinit scripts without it)',
  description:
    'Reads the active and enabled state in one round trip, then acts only on the difference. Uses systemctl when systemd ' +
    'runs on the host, else `service NAME ACTION` and update-rc.d/chkconfig for boot links.',
  args: {
    name: { type: 'str', required: true, description: 'The service name, e.g. nginx.' },
    ...serviceArgs,
  },
  examples: '- service:\n    name: nginx\n    state: started\n    enabled: yes',
  async run(ctx, args) {
    return runService(ctx, { name: args.name, state: args.state, enabled: args.enabled });
  },
};
