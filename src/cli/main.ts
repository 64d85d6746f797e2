import { Command, CommanderError } from 'commander';
import { formatError, TsrunError } from '../core/errors';
import { EXIT, exitCodeFor } from './exit-codes';
import { registerInventoryCommand } from './inventory';
import { registerMergeCommand } from './merge';
import { registerPlaybookCommand } from './playbook';
import { registerLabCommands } from '../lab/cli';
import { registerBenchCommand } from '../bench/index';
import { registerDriftCommand } from '../drift/command';
import { registerPlanCommands } from '../plan/command';
import { PACKAGE_VERSION } from './version';

/** Entry point: runs the command line and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exit: number = EXIT.OK;
  const program = new Command('tsrun')
    .description('Agentless, Ansible-style playbook runner')
    .version(PACKAGE_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlaybookCommand(program, (c) => (exit = c));
  registerDriftCommand(program, (c) => (exit = c));
  registerPlanCommands(program, (c) => (exit = c));
  registerInventoryCommand(program);
  registerMergeCommand(program, (c) => (exit = c));
  registerLabCommands(program);
  registerBenchCommand(program);
  program.command('doc').description('Module documentation, generated from argument schemas').argument('[module]').action(async (name?: string) => {
    const { moduleDoc } = await import('./doc');
    process.stdout.write(`${moduleDoc(name)}\n`);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    // lab commands report through process.exitCode
    return exit !== EXIT.OK ? exit : typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (err instanceof TsrunError) {
      process.stderr.write(`${formatError(err)}\n`);
      return exitCodeFor(err.code);
    }
    process.stderr.write(`ERROR! unexpected: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.ERROR;
  }
}
