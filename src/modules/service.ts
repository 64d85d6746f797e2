import { runService } from './sys/service-run';
import { defineModule } from './types';
import { arg, argsSchema, optional } from './schema';

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
export const service = defineModule(Args, {
  name: 'service',
  summary: 'Manage services (systemd, or sysvinit scripts without it)',
  description:
    'Reads the active and enabled state in one round trip, then acts only on the difference. Uses systemctl when systemd ' +
    'runs on the host, else `service NAME ACTION` and update-rc.d/chkconfig for boot links.',
  examples: '- service:\n    name: nginx\n    state: started\n    enabled: yes',
  async run(ctx, args) {
    return runService(ctx, { name: args.name, state: args.state, enabled: args.enabled });
  },
});
