import { arg, argsSchema, optional } from './schema';
import { defineModule } from './types';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  that: arg.list('Conditions in `when` syntax; all must be true.'),
  fail_msg: optional(arg.str('Message when a condition is false.', { aliases: ['msg'] })),
  success_msg: optional(arg.str('Message when all conditions hold.')),
  quiet: arg.bool('Print less on success.', { default: false }),
});

/** Fails the host when any condition is false, naming the first that failed. */
export const assert = defineModule(Args, {
  name: 'assert',
  returns: {
    assertion: { type: 'str', returned: 'failed', description: 'The first condition that did not hold.', sample: 'x > 1' },
    evaluated_to: { type: 'bool', returned: 'failed', description: 'What it evaluated to.', sample: false },
  },
  summary: 'Check that conditions hold; fail with a message when one does not.',
  controllerOnly: true,
  examples: "- assert:\n    that: ['groups.nodes | length == 3', \"'lb' in groups\"]\n    fail_msg: need three nodes",
  async run(ctx, args) {
    for (const cond of args.that) {
      const ok = typeof cond === 'boolean' ? cond : Boolean(ctx.evaluate(String(cond)));
      if (!ok) {
        return { changed: false, failed: true, msg: args.fail_msg ?? 'Assertion failed', data: { assertion: String(cond), evaluated_to: false } };
      }
    }
    return { changed: false, msg: args.success_msg ?? (args.quiet ? undefined : 'All assertions passed') };
  },
});
