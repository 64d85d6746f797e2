import { Command } from 'commander';
import { formatError } from '../core/errors';
import { registerLabCommands } from '../lab/index';

/** Entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('tsrun').exitOverride();
  registerLabCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('commander.')) return (err as { exitCode?: number }).exitCode ?? 2;
    process.stderr.write(`${formatError(err)}\n`);
    return 1;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
