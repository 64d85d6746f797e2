import { applyService, planServiceRead, predictServiceRead, readService, type ServiceRead } from './sys/service-run';
import type { ServiceChange } from './sys/service-plan';
import { stateModule } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

/** Arguments the service and systemd modules share. */
export const serviceArgs = {
  state: optional(arg.choice(['started', 'stopped', 'restarted', 'reloaded'], 'started/stopped are idempotent; restarted and reloaded always act (a stopped service is started).')),
  enabled: optional(arg.bool('Whether the service starts at boot.')),
};

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  name: arg.str('The service name, e.g. nginx.'),
  ...serviceArgs,
});

/** Starts, stops, restarts or reloads a service and sets whether it starts at boot (systemd or sysvinit). */
export const service = stateModule<ArgsOf<typeof Args>, ServiceRead, ServiceChange>({
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
  examples: '- service:\n    name: nginx\n    state: started\n    enabled: yes',
  schema: Args,
  read: (ctx, args) => readService(ctx, { name: args.name, state: args.state, enabled: args.enabled }),
  plan: (r) => planServiceRead(r),
  apply: (ctx, _args, plan, r) => applyService(ctx, plan, r),
  predict: (model, _args, plan, r) => predictServiceRead(model, plan, r),
});
