import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const LOADER = join(ROOT, 'bin/bundle.js');

/**
 * Loads a bundle with bin/bundle.js in a new Node process (within one process V8 finds a compiled source again in
 * its own table and never looks at the cache), runs its main with `argv`, saves the cache, and says what it saw.
 */
async function run(bundle: string, argv: string[] = []): Promise<{ cache: string; result: number }> {
  const code = `const fs = require('node:fs');
const l = require(${JSON.stringify(LOADER)}).loadBundle(process.argv[1], fs.statSync(process.argv[1]));
l.exports.main(process.argv.slice(2)).then((result) => { l.save(); console.log(JSON.stringify({ cache: l.cache, result })); });`;
  const r = await execa('node', ['-e', code, bundle, ...argv]);
  return JSON.parse(r.stdout) as { cache: string; result: number };
}

describe("the bundle's code cache", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bundle = join(dir, 'b.cjs');
  // functions called by main are compiled lazily, so only a cache made after a run holds them
  const source = (n: number) => `function twice(x) { return x * ${n}; }\nexports.main = async (argv) => twice(argv.length);\n`;
  const cacheHead = () => readFileSync(`${bundle}.cache`).subarray(0, 40).toString('latin1').split('\n')[0];

  it('is written after the first run, then used, and the bundle runs the same either way', async () => {
    writeFileSync(bundle, source(2));
    expect(await run(bundle, ['a', 'b', 'c'])).toEqual({ cache: 'none', result: 6 });
    const st = statSync(bundle);
    expect(cacheHead()).toBe(`tsrun-code-cache ${st.size} ${st.mtimeMs}`);
    expect(await run(bundle, ['a'])).toEqual({ cache: 'used', result: 2 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("is never offered for another build of the same length, and is replaced by the new build's", async () => {
    writeFileSync(bundle, source(2));
    await run(bundle);
    writeFileSync(bundle, source(3)); // same length, other code: V8 alone would accept the old cache
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    expect(await run(bundle, ['a', 'b'])).toEqual({ cache: 'none', result: 6 });
    const st = statSync(bundle);
    expect(cacheHead()).toBe(`tsrun-code-cache ${st.size} ${st.mtimeMs}`);
    expect(await run(bundle, ['a'])).toEqual({ cache: 'used', result: 3 });
  });

  it('refused by V8 (damaged, or from another Node), it is rewritten and the run goes on', async () => {
    writeFileSync(bundle, source(2));
    const st = statSync(bundle);
    writeFileSync(`${bundle}.cache`, Buffer.concat([Buffer.from(`tsrun-code-cache ${st.size} ${st.mtimeMs}\n`), Buffer.alloc(512, 7)]));
    expect(await run(bundle, ['a'])).toEqual({ cache: 'rejected', result: 2 });
    expect(await run(bundle)).toEqual({ cache: 'used', result: 0 });
  });

  it('that cannot be written is gone without: no error, no temporary file left', async () => {
    writeFileSync(bundle, source(2));
    rmSync(`${bundle}.cache`, { force: true });
    mkdirSync(`${bundle}.cache`); // rename onto a directory fails, as a read-only install would
    expect(await run(bundle, ['a'])).toEqual({ cache: 'none', result: 2 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    rmSync(`${bundle}.cache`, { recursive: true });
  });

  it('of the built dist/tsrun.cjs was made by the build for this bundle, and V8 takes it', async () => {
    const built = join(ROOT, 'dist/tsrun.cjs');
    let st;
    try {
      st = statSync(built);
    } catch {
      throw new Error(`${built} is missing: npm ci (or npm run build) makes it`);
    }
    // bin/bundle.js reads the bundle as latin1, which equals UTF-8 only for ASCII
    expect(readFileSync(built).every((b) => b < 0x80)).toBe(true);
    expect(readFileSync(`${built}.cache`).subarray(0, 60).toString('latin1').split('\n')[0]).toBe(`tsrun-code-cache ${st.size} ${st.mtimeMs}`);
    const code = `const fs = require('node:fs'); console.log(require(${JSON.stringify(LOADER)}).loadBundle(process.argv[1], fs.statSync(process.argv[1])).cache);`;
    expect((await execa('node', ['-e', code, built])).stdout).toBe('used');
  });
});
