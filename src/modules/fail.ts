import { arg, argsSchema } from './schema';
import { defineModule } from './types';

/** Fails the host with a message. */
export const fail = defineModule(argsSchema({ msg: arg.str('The failure message.', { default: 'Failed as requested from task' }) }), {
  name: 'fail',
  returns: {},
  summary: 'Fail the host with a custom message (usually with `when`).',
  controllerOnly: true,
  examples: '- fail: msg="unsupported distribution"\n  when: ansible_os_family != "Debian"',
  async run(_ctx, args) {
    return { changed: false, failed: true, msg: args.msg };
  },
});
