import { TsrunError } from '../core/errors';
import { serviceArgs } from './service';
import { runService } from './sys/service-run';
import type { Module } from './types';

interface SystemdArgs {
  name?: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  scope: 'system' | 'user';
  no_block: boolean;
}

/** Manages systemd units: state, enabled, masked, and daemon-reload. */
export const systemd: Module<SystemdArgs> = {
  name: 'systemd',
  returns: {
    name: { type: 'str', returned: 'with name', description: 'The unit.', sample: 'nginx' },
    state: { type: 'str', returned: 'with name', description: 'started or stopped after the task (or the state asked for).', sample: 'started' },
    enabled: { type: 'bool', returned: 'with name', description: 'Whether it starts at boot after the task.', sample: true },
    status: { type: 'dict', returned: 'with name', description: "The unit's LoadState, ActiveState and UnitFileState before the task, as systemctl show names them.", sample: { LoadState: 'loaded', ActiveState: 'active', UnitFileState: 'enabled' } },
  },
  summary: 'Manage systemd units',
  description:
    'Like service, plus masked, daemon_reload (run before reading the unit, so a changed unit file is seen), ' +
    'daemon_reexec, scope=user and no_block. On hosts without systemd, state and enabled fall back to sysvinit.',
  args: {
    name: { type: 'str', aliases: ['service', 'unit'], description: 'The unit name, e.g. nginx or nginx.service.' },
    ...serviceArgs,
    masked: { type: 'bool', description: 'Whether the unit is masked (cannot be started at all).' },
    daemon_reload: { type: 'bool', default: false, aliases: ['daemon-reload'], description: 'Run systemctl daemon-reload first.' },
    daemon_reexec: { type: 'bool', default: false, aliases: ['daemon-reexec'], description: 'Run systemctl daemon-reexec first.' },
    scope: { type: 'str', default: 'system', choices: ['system', 'user'], description: "Which manager: the system's, or the calling user's (--user)." },
    no_block: { type: 'bool', default: false, description: 'Do not wait for start/stop jobs to finish (--no-block).' },
  },
  examples: '- systemd:\n    name: app\n    state: restarted\n    daemon_reload: yes',
  async run(ctx, args) {
    if (!args.name && !args.daemon_reload && !args.daemon_reexec) {
      throw new TsrunError('SCHEMA', 'systemd: name is required unless daemon_reload or daemon_reexec is set', { expected: 'name: UNIT' });
    }
    if (!args.name && (args.state || args.enabled !== undefined || args.masked !== undefined)) {
      throw new TsrunError('SCHEMA', 'systemd: state, enabled and masked need a unit name', { expected: 'name: UNIT' });
    }
    return runService(
      ctx,
      { name: args.name ?? '', state: args.state, enabled: args.enabled, masked: args.masked },
      { daemonReload: args.daemon_reload, daemonReexec: args.daemon_reexec, userScope: args.scope === 'user', noBlock: args.no_block },
    );
  },
};
