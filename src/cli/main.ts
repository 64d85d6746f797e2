import { versionText } from './version';

/**
 * Entry point: runs the command line and returns the process exit code. `--version` alone is answered before the
 * commands (and everything they import) are loaded, so it costs little more than starting Node.
 */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${versionText()}\n`);
    return 0;
  }
  const { runProgram } = await import('./program');
  return runProgram(argv);
}
