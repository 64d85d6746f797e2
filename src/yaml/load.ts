import { readFileSync } from 'node:fs';
import { Alias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import { TsrunError, type SourceLocation } from '../core/errors';
import { pyyamlTags } from './tags';

/** A loaded file: its name and line starts, from which an offset becomes line:col when a location is asked for. */
interface Source {
  file: string;
  lines: LineCounter;
}

/**
 * Where a mapping or list loaded by `loadYaml` came from, as offsets into its file: one record per node, and
 * line:col computed only when a message needs it (a large file holds millions of nodes, few of them ever located).
 */
interface Origin {
  src: Source;
  at: number;
  /** A mapping's keys, and where their values start (inside the quotes of a quoted scalar). */
  keys?: Map<string, number>;
  values?: Map<string, number>;
  /** A list's items, scalars included. */
  items?: number[];
}

const origins = new WeakMap<object, Origin>();

function origin(value: unknown): Origin | undefined {
  return value && typeof value === 'object' ? origins.get(value) : undefined;
}

function locate(src: Source, offset: number): SourceLocation {
  const pos = src.lines.linePos(offset);
  return { file: src.file, line: pos.line, col: pos.col };
}

function at(o: Origin | undefined, offset: number | undefined): SourceLocation | undefined {
  return o && offset !== undefined ? locate(o.src, offset) : undefined;
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
  const o = origin(map);
  return at(o, o?.values?.get(key)) ?? keyLocation(map, key);
}

/** Where the item at `index` of a list loaded by `loadYaml` stands (scalars included). */
export function itemLocation(list: unknown, index: number): SourceLocation | undefined {
  if (!Array.isArray(list)) return undefined;
  const o = origin(list);
  return at(o, o?.items?.[index] ?? o?.at);
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
  return convert(doc, doc.contents, { file, lines });
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

function offset(node: YamlNode | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

function convert(doc: Document, node: unknown, src: Source): unknown {
  if (node instanceof Alias) {
    const target = node.resolve(doc);
    if (target === undefined) {
      throw new TsrunError('PARSE', `undefined YAML alias '*${node.source}': no anchor '&${node.source}' before it`, { location: locate(src, offset(node)), expected: 'an anchor (&name) defined earlier in the same file' });
    }
    return convert(doc, target, src);
  }
  if (isScalar(node)) return node.value;
  if (isSeq(node)) {
    const out = node.items.map((item) => convert(doc, item, src));
    origins.set(out, { src, at: offset(node), items: node.items.map((item) => offset(item as YamlNode)) });
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const keys = new Map<string, number>();
    const values = new Map<string, number>();
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
      keys.set(key, offset(keyNode));
      const valueNode = pair.value as YamlNode | null;
      if (valueNode) {
        // a quoted scalar's value starts after its quote (one character, on the same line)
        const quoted = isScalar(valueNode) && (valueNode.type === 'QUOTE_DOUBLE' || valueNode.type === 'QUOTE_SINGLE');
        values.set(key, offset(valueNode) + (quoted ? 1 : 0));
      }
    }
    origins.set(out, { src, at: offset(node), keys, values });
    return out;
  }
  return node ?? null;
}
