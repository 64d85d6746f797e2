#!/usr/bin/env node
// Runs the bundle that `npm run build` makes (dist/tsrun.mjs) when it is newer than every source file, for a
// fast start; otherwise the TypeScript sources through tsx, so a checkout being edited never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../src', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/tsrun.mjs', import.meta.url));

function fresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > built) return false;
  }
  return true;
}

let main;
if (fresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
