import type { Module } from './types';

/** Prints a message or a variable's value; never changes anything. */
export const debug: Module<{ msg?: unknown; var?: string; verbosity: number }> = {
  name: 'debug',
  summary: 'Print a message or the value of a variable or expression.',
  controllerOnly: true,
  args: {
    msg: { type: 'raw', description: 'The message to print (rendered). Default "Hello world!".' },
    var: { type: 'str', description: 'A variable name or expression whose value is printed.' },
    verbosity: { type: 'int', default: 0, description: 'Print only at this -v level or above.' },
  },
  examples: '- debug: msg="proxy is {{ proxy }}"\n- debug: var=result.stdout_lines',
  async run(ctx, args) {
    if (args.var !== undefined) {
      const value = ctx.evaluate(args.var);
      return { changed: false, data: { [args.var]: value, debug_output: { [args.var]: value } } };
    }
    const msg = args.msg ?? 'Hello world!';
    return { changed: false, msg: typeof msg === 'string' ? msg : JSON.stringify(msg), data: { debug_output: msg } };
  },
};
