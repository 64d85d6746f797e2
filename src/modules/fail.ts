import type { Module } from './types';

/** Fails the host with a message. */
export const fail: Module<{ msg: string }> = {
  name: 'fail',
  returns: {},
  summary: 'Fail the host with a custom message (usually with `when`).',
  controllerOnly: true,
  args: { msg: { type: 'str', default: 'Failed as requested from task', description: 'The failure message.' } },
  examples: '- fail: msg="unsupported distribution"\n  when: ansible_os_family != "Debian"',
  async run(_ctx, args) {
    return { changed: false, failed: true, msg: args.msg };
  },
};
