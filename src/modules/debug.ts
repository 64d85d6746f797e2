import { TsrunError } from '../core/errors';
import { arg, argsSchema, optional } from './schema';
import { defineModule } from './types';

/** What Ansible prints for `debug: var=` of a name that is not defined: the task is ok, not failed. */
const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  msg: optional(arg.raw('The message to print (rendered). Default "Hello world!".')),
  var: optional(arg.str('A variable name or expression whose value is printed.')),
  verbosity: arg.int('Print only at this -v level or above.', { default: 0 }),
});

/** Prints a message or a variable's value; never changes anything. */
export const debug = defineModule(Args, {
  name: 'debug',
  returns: {
    debug_output: { type: 'raw', returned: 'when printed', description: 'What was printed: msg, or {NAME: value} for var.', sample: 'hello' },
    '<var>': { type: 'raw', returned: 'with var', description: 'The value of the variable or expression, under its own name (as Ansible registers it).', sample: 42 },
  },
  summary: 'Print a message or the value of a variable or expression.',
  controllerOnly: true,
  examples: '- debug: msg="proxy is {{ proxy }}"\n- debug: var=result.stdout_lines',
  async run(ctx, args) {
    // `verbosity: N` prints only at -v N and above; below, the task is skipped, as in Ansible
    const level = Number(ctx.vars.ansible_verbosity ?? 0);
    if (args.verbosity > level) return { changed: false, skipped: true, msg: 'Verbosity threshold not met.' };
    if (args.var !== undefined) {
      let value: unknown;
      try {
        value = ctx.evaluate(args.var);
      } catch (err) {
        if (!(err instanceof TsrunError) || err.code !== 'UNDEFINED') throw err;
        value = NOT_DEFINED;
      }
      return { changed: false, data: { [args.var]: value, debug_output: { [args.var]: value } } };
    }
    const msg = args.msg ?? 'Hello world!';
    return { changed: false, msg: typeof msg === 'string' ? msg : JSON.stringify(msg), data: { debug_output: msg } };
  },
});
