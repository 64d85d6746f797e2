import type { Module } from './types';

/** Fails the host when any condition is false, naming the first that failed. */
export const assert: Module<{ that: unknown[]; fail_msg?: string; success_msg?: string; quiet: boolean }> = {
  name: 'assert',
  returns: {
    assertion: { type: 'str', returned: 'failed', description: 'The first condition that did not hold.', sample: 'x > 1' },
    evaluated_to: { type: 'bool', returned: 'failed', description: 'What it evaluated to.', sample: false },
  },
  summary: 'Check that conditions hold; fail with a message when one does not.',
  controllerOnly: true,
  args: {
    that: { type: 'list', required: true, description: 'Conditions in `when` syntax; all must be true.' },
    fail_msg: { type: 'str', aliases: ['msg'], description: 'Message when a condition is false.' },
    success_msg: { type: 'str', description: 'Message when all conditions hold.' },
    quiet: { type: 'bool', default: false, description: 'Print less on success.' },
  },
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
};
