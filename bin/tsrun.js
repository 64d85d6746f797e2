#!/usr/bin/env node
// Runs the bundle that `npm run build` makes (dist/tsrun.cjs) when it is newer than every source file, for a
// fast start; otherwise the TypeScript sources through tsx, so a checkout being edited never runs stale code.
// CommonJS (bin/package.json), so that a start from the bundle never sets up Node's ES module loader.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const src = join(__dirname, '../src');
const bundle = join(__dirname, '../dist/tsrun.cjs');

function built() {
  if (!existsSync(bundle)) return undefined;
  const stat = statSync(bundle);
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(`${entry.parentPath}/${entry.name}`).mtimeMs > stat.mtimeMs) return undefined;
  }
  return stat;
}

async function run(argv) {
  const stat = built();
  if (stat) {
    const loaded = require('./bundle.js').loadBundle(bundle, stat);
    process.exitCode = await loaded.exports.main(argv);
    loaded.save();
    return;
  }
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(argv);
}

run(process.argv.slice(2));
