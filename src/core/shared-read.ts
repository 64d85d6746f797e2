import { readFileSync, statSync } from 'node:fs';

/**
 * Reads of controller files that every host of a task needs (copy's src, template's source), made once while
 * any host still holds the result: ten hosts copying one 30 MB file hold one 30 MB buffer, not ten. A file
 * whose modification time or size changed is read again.
 */
const buffers = new Map<string, WeakRef<Buffer>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (!buffers.get(key)?.deref()) buffers.delete(key);
});

function keyOf(path: string): string {
  const st = statSync(path);
  return `${path}\0${st.mtimeMs}\0${st.size}`;
}

/** The bytes of a file, shared with the other readers of the same unchanged file (never modify them). */
export function readShared(path: string): Buffer {
  const key = keyOf(path);
  const held = buffers.get(key)?.deref();
  if (held) return held;
  const bytes = readFileSync(path);
  buffers.set(key, new WeakRef(bytes));
  forget.register(bytes, key);
  return bytes;
}

/** How many template texts are kept: the compiled templates keep them anyway (their cache is keyed by the text). */
const MAX_TEXTS = 16;
const texts = new Map<string, string>();

/**
 * The text of a file, the same string for every reader of the same unchanged file: the template cache finds a
 * compiled template by its text, and one string compares at once where an equal copy is read in full.
 */
export function readSharedText(path: string): string {
  const key = keyOf(path);
  const held = texts.get(key);
  if (held !== undefined) return held;
  const text = readFileSync(path, 'utf8');
  if (texts.size >= MAX_TEXTS) texts.delete(texts.keys().next().value!);
  texts.set(key, text);
  return text;
}
