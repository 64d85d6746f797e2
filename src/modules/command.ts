import { TsrunError } from '../core/errors';
import { commandContract, commandReturns, commonArgs, invocation, type CommandState, type Invocation } from './sys/run-command';
import { expandingWord } from './sys/expand-word';
import { splitWords } from './sys/words';
import { stateModule } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  ...commonArgs,
  argv: optional(arg.list('The command as a list of words; use instead of cmd.')),
});

/** Runs a program with arguments, without a shell: `|`, `>`, `;` are passed literally; `$VAR` and `~` expand as in Ansible. */
export const command = stateModule<ArgsOf<typeof Args>, CommandState, Invocation>({
  name: 'command',
  schema: Args,
  returns: commandReturns,
  summary: 'Execute a command on the host, without a shell',
  description:
    'Runs a program with its arguments directly (no shell: pipes, redirections and variables are literal words). ' +
    'Give the command as free-form text (split like sh words) or as `argv`. With creates/removes the command ' +
    'is idempotent; without them it always reports changed. In check mode it reports whether creates/removes would let it run (changed) or not; without them it is skipped, as in Ansible (in a --check prediction: unknown).',
  freeForm: 'cmd',
  examples: '- command: /usr/bin/make install chdir=/src/app creates=/usr/local/bin/app\n- command:\n    argv: [echo, "a | b"]',
  ...commandContract<ArgsOf<typeof Args>>((args) => {
    if ((args.cmd === undefined) === (args.argv === undefined)) {
      throw new TsrunError('SCHEMA', 'command: give exactly one of the free-form command (cmd) or argv', { expected: 'cmd or argv' });
    }
    const words = args.argv ?? splitWords(args.cmd!);
    if (words.length === 0) throw new TsrunError('SCHEMA', 'command: the command is empty', { expected: 'a program to run' });
    // Each word expands $VARS and ~ on the host, as Ansible's command does, and starts quoted: a first word such as
    // FOO=1 stays a program name, never a shell assignment.
    return invocation(args, `exec ${words.map(expandingWord).join(' ')}`, words);
  }),
});
