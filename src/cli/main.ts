/** Entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  console.log('tsrun', argv.join(' '));
  return 0;
}
