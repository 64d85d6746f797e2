import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { pyyamlTags } from '../yaml/tags';
import { TsrunError, type SourceLocation } from '../core/errors';

/** A parsed YAML file that can turn its nodes back into file:line:col. */
export class YamlFile {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  /** Parses with YAML 1.1 semantics (0644 is octal, yes/no are booleans); throws PARSE at the first error. */
  constructor(text: string, readonly file: string) {
    this.doc = parseDocument(text, { version: '1.1', customTags: pyyamlTags, lineCounter: this.lines, prettyErrors: false });
    const err = this.doc.errors[0];
    if (err) {
      throw new TsrunError('PARSE', `malformed YAML: ${err.message.split('\n')[0]}`, { location: this.at(err.pos[0]), expected: 'valid YAML' });
    }
  }

  /** The location of a byte offset. */
  at(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** The location of a node (its start), or of the file's start when it has none. */
  loc(node: unknown): SourceLocation {
    const range = (node as Node | undefined)?.range;
    return this.at(range ? range[0] : 0);
  }

  /** Follows an alias to the node it names. */
  resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  /** The plain JS value of a node. */
  value(node: unknown): unknown {
    const n = this.resolve(node) as Node | null | undefined;
    return n ? n.toJS(this.doc) : null;
  }
}

/** A few words naming a YAML node's kind, for error messages. */
export function kindOf(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'nothing' : `the ${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'nothing';
}

/** True for a missing node or an empty scalar (`key:` with no value). */
export function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}
