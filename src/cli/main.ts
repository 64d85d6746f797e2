import { Command, CommanderError } from 'commander';
import { formatError, TsrunError } from '../core/errors';
import { runSecrets } from '../core/secrets';
import { moduleDoc } from './doc';
import { EXIT, exitCodeFor } from './exit-codes';
import { registerInventoryCommand } from './inventory';
import { registerPlaybookCommand } from './playbook';
import { registerLabCommands } from '../lab/cli';
import { registerBenchCommand } from '../bench/index';

/** Entry point: runs the command line and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exit: number = EXIT.OK;
  const program = new Command('tsrun')
    .description('Agentless, Ansible-style playbook runner')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlaybookCommand(program, (c) => (exit = c));
  registerInventoryCommand(program);
  registerLabCommands(program);
  registerBenchCommand(program);
  program.command('doc').description('Module documentation, generated from argument schemas').argument('[module]').action((name?: string) => {
    process.stdout.write(`${moduleDoc(name)}\n`);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
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
