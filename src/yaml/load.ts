import { readFileSync } from 'node:fs';
import { Alias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import { TsrunError, type SourceLocation } from '../core/errors';
import { pyyamlTags } from './tags';

/** A loaded file: its name, text and line starts, from which an offset becomes line:col when a location is asked for. */
interface Source {
  file: string;
  text: string;
  lines: LineCounter;
}

/** An offset into a loaded file (a node's start; +1 inside a quoted scalar's quote), or a location already known. */
type Pos = number | SourceLocation;

/**
 * Where a mapping or list came from: one record per node, with offsets turned into `file:line:col` only when a
 * message asks (a large file holds millions of nodes, few of them ever located).
 */
interface Origin {
  src?: Source;
  at?: Pos;
  keys?: Map<string, Pos>;
  values?: Map<string, Pos>;
  items?: Pos[];
}

const origins = new WeakMap<object, Origin>();

function origin(value: unknown): Origin | undefined {
  return value && typeof value === 'object' ? origins.get(value) : undefined;
}

function locate(src: Source, offset: number): SourceLocation {
  const pos = src.lines.linePos(offset);
  return { file: src.file, line: pos.line, col: pos.col };
}

function at(o: Origin | undefined, pos: Pos | undefined): SourceLocation | undefined {
  if (pos === undefined || !o) return undefined;
  return typeof pos === 'number' ? locate(o.src!, pos) : pos;
}

/** Where a mapping or list loaded by `loadYaml` came from. */
export function locationOf(value: unknown): SourceLocation | undefined {
  const o = origin(value);
  return at(o, o?.at);
}

/** Where a key of a mapping loaded by `loadYaml` stands; falls back to the mapping's own location. */
export function keyLocation(map: unknown, key: string): SourceLocation | undefined {
  const o = origin(map);
  return at(o, o?.keys?.get(key) ?? o?.at);
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
  return at(o, o?.values?.get(key));
}

/** Where the item at `index` of a list loaded from YAML stands (no fallback to the list). */
export function exactItemLocation(list: unknown, index: number): SourceLocation | undefined {
  if (!Array.isArray(list)) return undefined;
  const o = origin(list);
  return at(o, o?.items?.[index]);
}

/** Gives a mapping built from loaded ones (a copy, a merge) the locations of its keys and values; the first source with a key wins. */
export function locateLike(target: object, sources: unknown[]): void {
  const keys = new Map<string, Pos>();
  const values = new Map<string, Pos>();
  for (const key of Object.keys(target)) {
    const from = sources.find((s) => s && typeof s === 'object' && Object.hasOwn(s, key)) as object | undefined;
    const k = from && origin(from)?.keys?.has(key) ? keyLocation(from, key) : undefined;
    const v = from && exactValueLocation(from, key);
    if (k) keys.set(key, k);
    if (v) values.set(key, v);
  }
  const node = sources.map(locationOf).find(Boolean);
  origins.set(target, { at: node, keys, values });
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
  origins.set(target, { at, values: new Map(Object.keys(target).map((k) => [k, offsets.has(k) ? within(offsets.get(k)!) : at])) });
}

/** Records where the items of a list built at load time (a `when` made a list, lists joined) stand. */
export function locateItems(list: unknown[], at: (SourceLocation | undefined)[]): void {
  const known = at.filter((l): l is SourceLocation => !!l);
  if (known.length === 0) return;
  const o = origins.get(list);
  origins.set(list, { ...o, items: at.map((l) => l ?? known[0]) });
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
  return convert(doc, doc.contents, { file, text, lines });
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

const INDENT = / */y;

/** Where a node starts, as an offset; a block scalar's text starts on the line after its `|` or `>`, at its indentation. */
function startOf(node: YamlNode | null | undefined, src: Source): Pos {
  const offset = node?.range?.[0] ?? 0;
  if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) {
    const next = src.text.indexOf('\n', offset);
    if (next >= 0) {
      INDENT.lastIndex = next + 1;
      const indent = INDENT.exec(src.text)?.[0].length ?? 0;
      return { file: src.file, line: src.lines.linePos(next + 1).line, col: indent + 1, indent };
    }
  }
  return offset;
}

/** Where a node's text starts: inside the quotes of a quoted scalar (one character, on the same line), where a template's columns count from. */
function inside(node: YamlNode, src: Source): Pos {
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
  const pos = startOf(node, src);
  return quoted && typeof pos === 'number' ? pos + 1 : pos;
}

function convert(doc: Document, node: unknown, src: Source): unknown {
  if (node instanceof Alias) {
    const target = node.resolve(doc);
    if (target === undefined) {
      throw new TsrunError('PARSE', `undefined YAML alias '*${node.source}': no anchor '&${node.source}' before it`, { location: locate(src, node.range?.[0] ?? 0), expected: 'an anchor (&name) defined earlier in the same file' });
    }
    return convert(doc, target, src);
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const out = node.items.map((item) => convert(doc, item, src));
    origins.set(out, { src, at: startOf(node, src), items: node.items.map((item) => inside(item as YamlNode, src)) });
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, Pos>();
    const values = new Map<string, Pos>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // YAML 1.1 merge keys: earlier explicit keys win, as the spec says
        const sources = [convert(doc, pair.value, src)].flat();
        for (const from of sources) if (from && typeof from === 'object') for (const [k, v] of Object.entries(from)) if (!(k in out)) out[k] = v;
        continue;
      }
      const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(convert(doc, keyNode, src));
      out[key] = convert(doc, pair.value, src);
      keys.set(key, startOf(keyNode, src));
      const valueNode = pair.value as YamlNode | null;
      if (valueNode) values.set(key, inside(valueNode, src));
    }
    origins.set(out, { src, at: startOf(node, src), keys, values });
    return out;
  }
  return node ?? null;
}
