import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A CommonJS package loaded on first use rather than at start-up: `tsrun --version` or a local run should not
 * pay for ssh2, Handlebars or the code frame printer. Synchronous, so callers need not become async.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
