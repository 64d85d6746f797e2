import type { SourceLocation } from '../core/errors';
import { locate, type Pos, type Source } from './source';

/**
 * Where a mapping or list came from: one record per node, offsets turned into `file:line:col` only when a message
 * asks (a large file holds millions of nodes, few of them ever located). A mapping's keys are one flat array of
 * triples (name, where the key stands, where its value starts or undefined), looked up linearly: most mappings hold
 * a handful of keys, and a flat array costs a fraction of two Maps.
 */
export interface Origin {
  src?: Source;
  at?: Pos;
  fields?: (string | Pos | undefined)[];
  items?: Pos[];
}

/**
 * Kept on the value itself under a symbol, not enumerable (no copy, spread, key list or JSON sees it): a WeakMap of
 * millions of entries cost more time and garbage collection than the parse itself.
 */
const ORIGIN = Symbol('tsrun.origin');
/** Name -> index of a large mapping's triples, built on the first look-up (a vars file may hold thousands of keys). */
const indexes = new WeakMap<Origin, Map<string, number>>();
const LINEAR = 48;

export function setOrigin(value: object, o: Origin): void {
  Object.defineProperty(value, ORIGIN, { value: o, writable: true, configurable: true });
}

export function origin(value: unknown): Origin | undefined {
  return value && typeof value === 'object' ? (value as { [ORIGIN]?: Origin })[ORIGIN] : undefined;
}

/** The index of `key`'s triple in a mapping's fields, or -1. */
export function field(o: Origin | undefined, key: string): number {
  const f = o?.fields;
  if (!f) return -1;
  if (f.length <= LINEAR) {
    // from the end: a key met twice (1 and "1") is located where its value was last set
    for (let i = f.length - 3; i >= 0; i -= 3) if (f[i] === key) return i;
    return -1;
  }
  let index = indexes.get(o);
  if (!index) {
    index = new Map();
    for (let i = 0; i < f.length; i += 3) index.set(f[i] as string, i);
    indexes.set(o, index);
  }
  return index.get(key) ?? -1;
}

export function keyPos(o: Origin | undefined, key: string): Pos | undefined {
  const i = field(o, key);
  return i < 0 ? undefined : (o!.fields![i + 1] as Pos | undefined);
}

export function valuePos(o: Origin | undefined, key: string): Pos | undefined {
  const i = field(o, key);
  return i < 0 ? undefined : (o!.fields![i + 2] as Pos | undefined);
}

export function at(o: Origin | undefined, pos: Pos | undefined): SourceLocation | undefined {
  if (pos === undefined || !o) return undefined;
  return typeof pos === 'number' ? locate(o.src!, pos) : pos;
}
