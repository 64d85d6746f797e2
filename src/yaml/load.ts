import { readFileSync } from 'node:fs';
import { Alias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import { TsrunError, type SourceLocation } from '../core/errors';
import { pyyamlTags } from './tags';

/** Source locations of the mappings and sequences a YAML file produced, and of their keys. */
const nodeLocations = new WeakMap<object, SourceLocation>();
const keyLocations = new WeakMap<object, Map<string, SourceLocation>>();
const itemLocations = new WeakMap<object, SourceLocation[]>();
const valueLocations = new WeakMap<object, Map<string, SourceLocation>>();

/** Where a mapping or list loaded by `loadYaml` came from. */
export function locationOf(value: unknown): SourceLocation | undefined {
  return value && typeof value === 'object' ? nodeLocations.get(value) : undefined;
}

/** Where a key of a mapping loaded by `loadYaml` stands; falls back to the mapping's own location. */
export function keyLocation(map: unknown, key: string): SourceLocation | undefined {
  if (!map || typeof map !== 'object') return undefined;
  return keyLocations.get(map)?.get(key) ?? nodeLocations.get(map);
}

/** Where the value of a mapping's key starts (inside the quotes of a quoted scalar); falls back to the key. */
export function valueLocation(map: unknown, key: string): SourceLocation | undefined {
  if (!map || typeof map !== 'object') return undefined;
  return valueLocations.get(map)?.get(key) ?? keyLocation(map, key);
}

/** Where the item at `index` of a list loaded by `loadYaml` stands (scalars included). */
export function itemLocation(list: unknown, index: number): SourceLocation | undefined {
  if (!Array.isArray(list)) return undefined;
  return itemLocations.get(list)?.[index] ?? nodeLocations.get(list);
}

/** Whether `map` was loaded from YAML with a value at `key` (no fallback to the key or the mapping). */
export function exactValueLocation(map: unknown, key: string): SourceLocation | undefined {
  return map && typeof map === 'object' ? valueLocations.get(map)?.get(key) : undefined;
}

/** Where the item at `index` of a list loaded from YAML stands (no fallback to the list). */
export function exactItemLocation(list: unknown, index: number): SourceLocation | undefined {
  return Array.isArray(list) ? itemLocations.get(list)?.[index] : undefined;
}

/** Gives a mapping built from loaded ones (a copy, a merge) the locations of its keys and values; the first source with a key wins. */
export function locateLike(target: object, sources: unknown[]): void {
  const keys = new Map<string, SourceLocation>();
  const values = new Map<string, SourceLocation>();
  for (const key of Object.keys(target)) {
    const from = sources.find((s) => s && typeof s === 'object' && Object.hasOwn(s, key)) as object | undefined;
    const k = from && keyLocations.get(from)?.get(key);
    const v = from && valueLocations.get(from)?.get(key);
    if (k) keys.set(key, k);
    if (v) values.set(key, v);
  }
  const node = sources.map(locationOf).find(Boolean);
  if (node) nodeLocations.set(target, node);
  keyLocations.set(target, keys);
  valueLocations.set(target, values);
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
  nodeLocations.set(target, at);
  valueLocations.set(target, new Map(Object.keys(target).map((k) => [k, offsets.has(k) ? within(offsets.get(k)!) : at])));
}

/** Records where the items of a list built at load time (a `when` made a list, lists joined) stand. */
export function locateItems(list: unknown[], at: (SourceLocation | undefined)[]): void {
  const known = at.filter((l): l is SourceLocation => !!l);
  if (known.length === 0) return;
  itemLocations.set(list, at.map((l) => l ?? known[0]));
}

/** Parses YAML text with 1.1 semantics (0644 octal, yes/no booleans), remembering every node's location. */
export function parseYaml(text: string, file: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true, customTags: pyyamlTags });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new TsrunError('PARSE', `malformed YAML: ${message}`, { location: { file, line: pos.line, col: pos.col } });
  }
  const at = (node: YamlNode | null | undefined): SourceLocation => {
    const offset = node?.range?.[0] ?? 0;
    // a block scalar's text starts on the line after its `|` or `>`, at its indentation
    if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
      const next = text.indexOf('\n', offset);
      const indent = next >= 0 ? (/^ */.exec(text.slice(next + 1))?.[0].length ?? 0) : 0;
      if (next >= 0) return { file, line: lines.linePos(next + 1).line, col: indent + 1, indent };
    }
    const pos = lines.linePos(offset);
    return { file, line: pos.line, col: pos.col };
  };
  return convert(doc, doc.contents, at);
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

/** Where a node's text starts: inside the quotes of a quoted scalar, where a template's columns count from. */
function inside(node: YamlNode, at: (n: YamlNode) => SourceLocation): SourceLocation {
  const v = at(node);
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  return quoted ? { ...v, col: v.col + 1 } : v;
}

function convert(doc: Document, node: unknown, at: (n: YamlNode) => SourceLocation): unknown {
  if (node instanceof Alias) {
    const target = node.resolve(doc);
    if (target === undefined) {
      throw new TsrunError('PARSE', `undefined YAML alias '*${node.source}': no anchor '&${node.source}' before it`, { location: at(node), expected: 'an anchor (&name) defined earlier in the same file' });
    }
    return convert(doc, target, at);
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const out = node.items.map((item) => convert(doc, item, at));
    nodeLocations.set(out, at(node));
    itemLocations.set(out, node.items.map((item) => inside(item as YamlNode, at)));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, SourceLocation>();
    const values = new Map<string, SourceLocation>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // YAML 1.1 merge keys: earlier explicit keys win, as the spec says
        const sources = [convert(doc, pair.value, at)].flat();
        for (const src of sources) if (src && typeof src === 'object') for (const [k, v] of Object.entries(src)) if (!(k in out)) out[k] = v;
        continue;
      }
      const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(convert(doc, keyNode, at));
      out[key] = convert(doc, pair.value, at);
      keys.set(key, at(keyNode));
      const valueNode = pair.value as YamlNode | null;
      if (valueNode) values.set(key, inside(valueNode, at));
    }
    nodeLocations.set(out, at(node));
    keyLocations.set(out, keys);
    valueLocations.set(out, values);
    return out;
  }
  return node ?? null;
}
