import { Alias, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode, type Document } from 'yaml';
import { TsrunError } from '../core/errors';
import { setOrigin } from './origin';
import { blockScalarStart, locate, type Pos, type Source } from './source';
import { pyyamlTags } from './tags';

/**
 * Parses YAML text through the `yaml` library's document model (YAML 1.1 as PyYAML reads it): the path for files
 * that use anchors, aliases, merge keys or tags, and the one whose errors name file:line:col.
 */
export function parseWithDocument(src: Source): unknown {
  const doc = parseDocument(src.text, { version: '1.1', prettyErrors: false, uniqueKeys: true, merge: true, customTags: pyyamlTags });
  const err = doc.errors[0];
  if (err) {
    const message = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new TsrunError('PARSE', `malformed YAML: ${message}`, { location: locate(src, err.pos[0]) });
  }
  return convert(doc, doc.contents, src);
}

/** Where a node starts, as an offset; a block scalar's text starts on the line after its `|` or `>`, at its indentation. */
function startOf(node: YamlNode | null | undefined, src: Source): Pos {
  const offset = node?.range?.[0] ?? 0;
  if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) return blockScalarStart(src, offset) ?? offset;
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
    setOrigin(out, { src, at: startOf(node, src), items: node.items.map((item) => inside(item as YamlNode, src)) });
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    const fields: (string | Pos | undefined)[] = [];
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
      const valueNode = pair.value as YamlNode | null;
      fields.push(key, startOf(keyNode, src), valueNode ? inside(valueNode, src) : undefined);
    }
    setOrigin(out, { src, at: startOf(node, src), fields });
    return out;
  }
  return node ?? null;
}
