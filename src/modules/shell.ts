import { randomBytes } from 'node:crypto';
import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { commandContract, commandReturns, commonArgs, invocation, type CommandState, type Invocation } from './sys/run-command';
import { stateModule } from './types';
import { arg, argsSchema, optional, type ArgsOf } from './schema';

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  ...commonArgs,
  executable: optional(arg.path('The shell to run the command with, e.g. /bin/bash (default /bin/sh).')),
});

/** Runs a command line through a shell (/bin/sh unless `executable` says otherwise). */
export const shell = stateModule<ArgsOf<typeof Args>, CommandState, Invocation>({
  name: 'shell',
  schema: Args,
  returns: commandReturns,
  summary: 'Execute a command line through a shell on the host',
  description:
    'Runs the text through `/bin/sh -c` (or `executable -c`), so pipes, redirections and variables work. ' +
    'With creates/removes the command is idempotent; without them it always reports changed. Check mode as for command: ' +
    'creates/removes decide changed or not; without them the task is skipped, as in Ansible (in a --check prediction: unknown).',
  freeForm: 'cmd',
  examples: '- shell: ps aux | grep nginx > /tmp/ps.txt\n- shell:\n    cmd: set -o pipefail; curl -s x | tar xz\n    executable: /bin/bash',
  ...commandContract<ArgsOf<typeof Args>>((args) => {
    if (!args.cmd?.trim()) throw new TsrunError('SCHEMA', 'shell: the command is empty', { expected: 'a command line' });
    // the text reaches the shell through a here-document on fd 3, never its arguments, so `ps` never shows it
    // (stdin stays the task's own)
    const end = `TSRUN_CMD_${randomBytes(8).toString('hex')}`;
    return invocation(args, `exec ${quote(args.executable ?? '/bin/sh')} /dev/fd/3 3<<'${end}'\n${args.cmd}\n${end}`, args.cmd);
  }),
});
