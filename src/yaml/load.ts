import { readFileSync } from 'node:fs';
import { TsrunError, type SourceLocation } from '../core/errors';
import { parseWithDocument } from './document';
import { NOT_FAST, parseFast } from './fast';
import { at, keyPos, origin, setOrigin, valuePos } from './origin';
import type { Pos } from './source';

/** Where a mapping or list loaded by `loadYaml` came from. */
export function locationOf(value: unknown): SourceLocation | undefined {
  const o = origin(value);
  return at(o, o?.at);
}

/** Where a key of a mapping loaded by `loadYaml` stands; falls back to the mapping's own location. */
export function keyLocation(map: unknown, key: string): SourceLocation | undefined {
  const o = origin(map);
  return at(o, keyPos(o, key) ?? o?.at);
}

/** Where the value of a mapping's key starts (inside the quotes of a quoted scalar); falls back to the key. */
export function valueLocation(map: unknown, key: string): SourceLocation | undefined {
  return exactValueLocation(map, key) ?? keyLocation(map, key);
}

/** Where the item at `index` of a list loaded by `loadYaml` stands (scalars included). */
export function itemLocation(list: unknown, index: number): SourceLocation | undefined {
  if (!Array.isArray(list)) return undefined;
  const o = origin(list);
  return at(o, o?.items?.[index] ?? o?.at);
}

/** Whether `map` was loaded from YAML with a value at `key` (no fallback to the key or the mapping). */
export function exactValueLocation(map: unknown, key: string): SourceLocation | undefined {
  const o = origin(map);
  return at(o, valuePos(o, key));
}

/** Where the item at `index` of a list loaded from YAML stands (no fallback to the list). */
export function exactItemLocation(list: unknown, index: number): SourceLocation | undefined {
  if (!Array.isArray(list)) return undefined;
  const o = origin(list);
  return at(o, o?.items?.[index]);
}

/**
 * Gives a mapping built from loaded ones (a copy, a merge) the locations of its keys and values; the first source
 * with a key wins. Positions stay offsets when every source came from one file (the common case: a task's
 * arguments), so a large playbook does not hold a location object for every argument.
 */
export function locateLike(target: object, sources: unknown[]): void {
  const from = sources.map(origin);
  const srcs = new Set(from.map((o) => o?.src).filter((s) => s !== undefined));
  const raw = srcs.size === 1 && from.every((o) => !o || o.src);
  const fields: (string | Pos | undefined)[] = [];
  for (const key of Object.keys(target)) {
    const i = sources.findIndex((s) => s && typeof s === 'object' && Object.hasOwn(s, key));
    const o = from[i];
    const k = keyPos(o, key);
    const v = valuePos(o, key);
    if (k !== undefined || v !== undefined) fields.push(key, raw ? k : at(o, k), raw ? v : at(o, v));
  }
  const node = raw ? from.find((o) => o?.at !== undefined)?.at : sources.map(locationOf).find(Boolean);
  // a copy exactly sized (an array grown by push keeps spare room): a large playbook holds one per task
  setOrigin(target, { src: raw ? [...srcs][0] : undefined, at: node, fields: fields.slice() });
}

/**
 * Locates the values of a mapping parsed from one scalar (k=v arguments): each at its offset in the text when
 * known, else at the text's start.
 */
export function locateValues(target: object, at: SourceLocation | undefined, text = '', offsets = new Map<string, number>()): void {
  if (!at) return;
  const within = (offset: number): SourceLocation => {
    const before = text.slice(0, offset).split('\n');
    const line = at.line + before.length - 1;
    return before.length === 1 ? { ...at, col: at.col + offset } : { file: at.file, line, col: (at.indent ?? 0) + before[before.length - 1].length + 1 };
  };
  setOrigin(target, { at, fields: Object.keys(target).flatMap((k) => [k, undefined, offsets.has(k) ? within(offsets.get(k)!) : at]).slice() });
}

/** Records where the items of a list built at load time (a `when` made a list, lists joined) stand. */
export function locateItems(list: unknown[], at: (SourceLocation | undefined)[]): void {
  const known = at.filter((l): l is SourceLocation => !!l);
  if (known.length === 0) return;
  setOrigin(list, { ...origin(list), items: at.map((l) => l ?? known[0]) });
}

/**
 * Parses YAML text with 1.1 semantics (0644 octal, yes/no booleans), remembering every node's location: through
 * js-yaml when it reads the file as the `yaml` library would, else (anchors, tags, errors) through `yaml` itself.
 */
export function parseYaml(text: string, file: string): unknown {
  const src = { file, text };
  const value = parseFast(src);
  return value === NOT_FAST ? parseWithDocument(src) : value;
}

/** Reads and parses a YAML file; a missing file is a NOT_FOUND error. */
export function loadYaml(file: string, from?: SourceLocation): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TsrunError('NOT_FOUND', `file not found: ${file}`, { location: from });
  }
  return parseYaml(text, file);
}
