import { TsrunError } from '../core/errors';
import { serviceArgs } from './service';
import { applyService, planServiceRead, predictServiceRead, readService, type ServiceRead } from './sys/service-run';
import type { ServiceChange } from './sys/service-plan';
import { stateModule } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  name: optional(arg.str('The unit name, e.g. nginx or nginx.service.', { aliases: ['service', 'unit'] })),
  ...serviceArgs,
  masked: optional(arg.bool('Whether the unit is masked (cannot be started at all).')),
  daemon_reload: arg.bool('Run systemctl daemon-reload first.', { default: false, aliases: ['daemon-reload'] }),
  daemon_reexec: arg.bool('Run systemctl daemon-reexec first.', { default: false, aliases: ['daemon-reexec'] }),
  scope: arg.choice(['system', 'user'], "Which manager: the system's, or the calling user's (--user).", { default: 'system' }),
  no_block: arg.bool('Do not wait for start/stop jobs to finish (--no-block).', { default: false }),
});

/** Manages systemd units: state, enabled, masked, and daemon-reload. */
export const systemd = stateModule<ArgsOf<typeof Args>, ServiceRead, ServiceChange>({
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
  examples: '- systemd:\n    name: app\n    state: restarted\n    daemon_reload: yes',
  schema: Args,
  read(ctx, args) {
    if (!args.name && !args.daemon_reload && !args.daemon_reexec) {
      throw new TsrunError('SCHEMA', 'systemd: name is required unless daemon_reload or daemon_reexec is set', { expected: 'name: UNIT' });
    }
    if (!args.name && (args.state || args.enabled !== undefined || args.masked !== undefined)) {
      throw new TsrunError('SCHEMA', 'systemd: state, enabled and masked need a unit name', { expected: 'name: UNIT' });
    }
    return readService(
      ctx,
      { name: args.name ?? '', state: args.state, enabled: args.enabled, masked: args.masked },
      { daemonReload: args.daemon_reload, daemonReexec: args.daemon_reexec, userScope: args.scope === 'user', noBlock: args.no_block },
    );
  },
  plan: (r) => planServiceRead(r),
  apply: (ctx, _args, plan, r) => applyService(ctx, plan, r),
  predict: (model, _args, plan, r) => predictServiceRead(model, plan, r),
});
