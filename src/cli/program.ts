import { Command, CommanderError } from 'commander';
import { formatError, TsrunError } from '../core/errors';
import { ADHOC_FLAGS, registerAdhocCommand } from './adhoc';
import { quietOnBrokenPipe } from './terminal';
import { runSecrets } from '../core/secrets';
import { EXIT, exitCodeFor } from './exit-codes';
import { registerDocCommand } from './doc';
import { registerInventoryCommand } from './inventory';
import { registerMergeCommand } from './merge';
import { registerPlaybookCommand } from './playbook';
import { registerLabCommands } from '../lab/cli';
import { registerBenchCommand } from '../bench/index';
import { registerDriftCommand } from '../drift/command';
import { registerPlanCommands } from '../plan/command';
import { versionText } from './version';

/** The whole command line (every command registered); returns the process exit code. */
export async function runProgram(argv: string[]): Promise<number> {
  let exit: number = EXIT.OK;
  quietOnBrokenPipe();
  const program = new Command('tsrun')
    .description('Agentless, Ansible-style playbook runner')
    .version(versionText(), '-V, --version', "the version, the configuration file in use and Node's version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlaybookCommand(program, (c) => (exit = c));
  registerAdhocCommand(program, (c) => (exit = c));
  registerDriftCommand(program, (c) => (exit = c));
  registerPlanCommands(program, (c) => (exit = c));
  registerInventoryCommand(program);
  registerMergeCommand(program, (c) => (exit = c));
  registerLabCommands(program);
  registerBenchCommand(program);
  registerDocCommand(program);
  try {
    await program.parseAsync(adhocShorthand(argv, program), { from: 'user' });
    // lab commands report through process.exitCode
    return exit !== EXIT.OK ? exit : typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (err instanceof TsrunError) {
      process.stderr.write(`${runSecrets.mask(formatError(err))}\n`);
      return exitCodeFor(err.code);
    }
    process.stderr.write(`${runSecrets.mask(`ERROR! unexpected: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)}\n`);
    return EXIT.ERROR;
  }
}

/** `tsrun PATTERN -m MODULE ...` is `tsrun adhoc PATTERN -m MODULE ...`, as `ansible PATTERN -m ...`. */
function adhocShorthand(argv: string[], program: Command): string[] {
  const first = argv[0];
  if (!first || first.startsWith('-') || program.commands.some((c) => c.name() === first || c.aliases().includes(first))) return argv;
  return argv.some((a) => ADHOC_FLAGS.has(a) || [...ADHOC_FLAGS].some((f) => f.startsWith('--') && a.startsWith(`${f}=`))) ? ['adhoc', ...argv] : argv;
}
