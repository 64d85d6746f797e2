// Runs dist/tsrun.cjs through V8's code cache. A CommonJS bundle compiled by vm.Script can reuse the bytecode of
// every function an earlier run compiled (ES modules cannot on Node 20), which is most of a short run's start-up.
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/**
 * Loads a CommonJS bundle with the code cache beside it (`FILE.cache`). The cache starts with a line naming the
 * bundle's size and mtime: V8 checks only the source's length, so a cache of another build of the same length
 * must never be offered to it. `save()` writes the cache when there was none or V8 refused it (another Node); it
 * replaces the file whole, and a read-only install simply goes without.
 */
function loadBundle(file, stat) {
  const cacheFile = `${file}.cache`;
  const stamp = Buffer.from(`tsrun-code-cache ${stat.size} ${stat.mtimeMs}\n`);
  let cachedData;
  try {
    const c = readFileSync(cacheFile);
    if (c.subarray(0, stamp.length).equals(stamp)) cachedData = c.subarray(stamp.length);
  } catch {
    // no cache yet
  }
  // the build makes the bundle ASCII only, so latin1 reads it exactly and skips UTF-8 decoding
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  const cache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  return {
    exports: module.exports,
    cache,
    save() {
      if (cache === 'used') return;
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    },
  };
}

module.exports = { loadBundle };
