import { load, type LoaderState } from 'js-yaml';
import { setOrigin } from './origin';
import { PLAIN_TAG, yaml11Schema } from './schema11';
import { blockScalarStart, type Pos, type Source } from './source';

/** What `parseFast` returns when the file needs the `yaml` library's path. */
export const NOT_FAST = Symbol('not fast');
const ABORT = new Error('not for the fast path');

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const AMP = 0x26;
const STAR = 0x2a;
const BANG = 0x21;

/** The offset of the first character after spaces, line breaks and comments (where js-yaml's `open` is, a node is not yet). */
function skipSeparation(text: string, pos: number): number {
  for (;;) {
    const ch = text.charCodeAt(pos);
    if (ch === SPACE || ch === TAB || ch === LF || ch === CR) pos++;
    else if (ch === HASH) {
      const eol = text.indexOf('\n', pos);
      if (eol < 0) return text.length;
      pos = eol;
    } else return pos;
  }
}

/**
 * Parses YAML text with js-yaml (several times faster and smaller than the `yaml` document model), keeping the
 * same per-node locations that `parseWithDocument` keeps. Returns NOT_FAST, so that the caller parses the whole
 * file on the `yaml` path, for anything that path reads differently or reports: a js-yaml error, an anchor, an
 * alias, a tag, a merge key, a complex or empty entry that cannot be paired with its value, a BOM or a directive.
 */
export function parseFast(src: Source): unknown {
  const text = src.text;
  if (text.charCodeAt(0) === 0xfeff || text.startsWith('%') || text.includes('\n%')) return NOT_FAST;
  // Every node composed so far whose parent is still open: its start (or -(open + 1) for an empty node) and value.
  const opens: number[] = [];
  const bases: number[] = [];
  const kidAt: number[] = [];
  const kidValue: unknown[] = [];
  let top = 0;

  /** Where a value or list item starts, as the `yaml` path locates it (inside quotes; a block scalar's first line). */
  const valuePos = (start: number, value: unknown): Pos => {
    if (start < 0) {
      // an empty value: where the spaces after its indicator end, as `yaml` places its empty scalar
      let pos = -(start + 1);
      while (text.charCodeAt(pos) === SPACE || text.charCodeAt(pos) === TAB) pos++;
      return pos;
    }
    // a mapping may start with a quoted key: only a scalar is located inside its quotes
    if (value !== null && typeof value === 'object') return start;
    const ch = text[start];
    if (ch === '"' || ch === "'") return start + 1;
    if (ch === '|' || ch === '>') return blockScalarStart(src, start) ?? start;
    return start;
  };

  const mapping = (value: Record<string, unknown>, start: number, base: number, end: number): void => {
    // exactly sized: an array grown by push keeps spare room, and a large playbook holds a million of these
    const fields = new Array<string | Pos | undefined>(((end - base) >> 1) * 3);
    let n = 0;
    let i = base;
    for (; i + 1 < end; i += 2) {
      const keyAt = kidAt[i];
      const key = kidValue[i];
      if (keyAt < 0 || (key !== null && typeof key === 'object')) throw ABORT;
      const name = String(key);
      // `yaml` refuses an implicit key whose `:` is over 1024 characters from its start, js-yaml does not: a key that
      // far from its value (measured to where the value starts, so never less) takes the `yaml` path
      const valueAt = kidAt[i + 1] < 0 ? -(kidAt[i + 1] + 1) : kidAt[i + 1];
      if (valueAt - keyAt > 1024 || name === '<<' || name === '__proto__' || !Object.hasOwn(value, name) || !Object.is(value[name], kidValue[i + 1])) throw ABORT;
      fields[n++] = name;
      fields[n++] = keyAt;
      fields[n++] = valuePos(kidAt[i + 1], kidValue[i + 1]);
    }
    // a block mapping ends with one last attempt at a key that composes nothing
    if (i < end && !(i === end - 1 && kidAt[i] < 0 && text[start] !== '{')) throw ABORT;
    let count = 0;
    for (const own in value) if (Object.hasOwn(value, own)) count++;
    if (n !== fields.length || n / 3 !== count) throw ABORT;
    setOrigin(value, { src, at: start, fields });
  };

  const sequence = (value: unknown[], start: number, base: number, end: number): void => {
    if (end - base !== value.length) throw ABORT;
    const items: Pos[] = new Array<Pos>(value.length);
    for (let i = base; i < end; i++) {
      if (kidAt[i] < 0 || !Object.is(value[i - base], kidValue[i])) throw ABORT;
      items[i - base] = valuePos(kidAt[i], kidValue[i]);
    }
    setOrigin(value, { src, at: start, items });
  };

  const listener = (event: 'open' | 'close', state: LoaderState): void => {
    if (event === 'open') {
      opens.push(state.position);
      bases.push(top);
      return;
    }
    const open = opens.pop()!;
    const base = bases.pop()!;
    const end = top;
    const { kind, result, tag } = state;
    // an anchor or an explicit tag, even on an empty node (`a: !`)
    if (state.anchor !== null || (tag !== null && tag !== '?' && tag !== PLAIN_TAG)) throw ABORT;
    let start: number;
    if (kind === null) {
      if (result !== null) throw ABORT; // an alias
      start = -(open + 1);
    } else {
      start = skipSeparation(text, open);
      const ch = text.charCodeAt(start);
      if (ch === AMP || ch === STAR || ch === BANG) throw ABORT;
      // a node that only wraps the one it composed (a flow collection read where a block key was tried) is that node
      const wraps = end - base === 1 && kidValue[base] === result;
      if (kind === 'mapping' && !wraps) mapping(result as Record<string, unknown>, start, base, end);
      else if (kind === 'sequence' && !wraps) sequence(result as unknown[], start, base, end);
    }
    kidAt[base] = start;
    kidValue[base] = result;
    top = base + 1;
  };

  try {
    return load(text, { schema: yaml11Schema(), listener }) ?? null;
  } catch {
    return NOT_FAST;
  }
}
