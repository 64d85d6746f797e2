import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { commandReturns, commonArgs, invocation, runCommand } from './sys/run-command';
import { splitWords } from './sys/words';
import { defineModule } from './types';
import { arg, argsSchema, optional } from './schema';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  ...commonArgs,
  argv: optional(arg.list('The command as a list of words; use instead of cmd.')),
});

/** Runs a program with arguments, without a shell: `|`, `>`, `;` and `$VAR` are passed literally. */
export const command = defineModule(Args, {
  name: 'command',
  returns: commandReturns,
  summary: 'Execute a command on the host, without a shell',
  description:
    'Runs a program with its arguments directly (no shell: pipes, redirections and variables are literal words). ' +
    'Give the command as free-form text (split like sh words) or as `argv`. With creates/removes the command ' +
    'is idempotent; without them it always reports changed, and in check mode it is skipped.',
  freeForm: 'cmd',
  examples: '- command: /usr/bin/make install chdir=/src/app creates=/usr/local/bin/app\n- command:\n    argv: [echo, "a | b"]',
  async run(ctx, args) {
    if ((args.cmd === undefined) === (args.argv === undefined)) {
      throw new TsrunError('SCHEMA', 'command: give exactly one of the free-form command (cmd) or argv', { expected: 'cmd or argv' });
    }
    const words = args.argv ?? splitWords(args.cmd!);
    if (words.length === 0) throw new TsrunError('SCHEMA', 'command: the command is empty', { expected: 'a program to run' });
    // A first word such as FOO=1 must stay a program name, never become a shell assignment.
    const script = `exec ${words.map((w, i) => (i === 0 && w.includes('=') ? `'${w.replace(/'/g, `'\\''`)}'` : quote(w))).join(' ')}`;
    return runCommand(ctx, invocation(args, script, words));
  },
});
