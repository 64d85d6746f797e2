import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of tsrun's own package.json, found by walking up from this module, so the answer is the same
 * whether the sources run through tsx (src/core/) or from the bundle (dist/).
 */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'roles'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
