/** A word of an INI host line and the 1-based column where it starts. */
export interface Word {
  text: string;
  col: number;
}

/** Thrown for an unterminated quote; `col` is where the quote opened. */
export class QuoteError extends Error {
  constructor(readonly col: number) {
    super('no closing quotation');
  }
}

/**
 * Splits a host line like POSIX shlex with comments, as Ansible does: whitespace separates words,
 * '...' is literal, "..." honours \" and \\, a backslash outside quotes escapes the next character,
 * and an unquoted # starts a comment.
 */
export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  let cur: Word | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (/\s/.test(ch)) {
      if (cur) words.push(cur);
      cur = undefined;
      continue;
    }
    if (ch === '#') break;
    cur ??= { text: '', col: i + 1 };
    if (ch === "'" || ch === '"') {
      const end = closeQuote(line, i);
      if (end < 0) throw new QuoteError(i + 1);
      const inner = line.slice(i + 1, end);
      cur.text += ch === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
      i = end;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur.text += line[++i];
    } else {
      cur.text += ch;
    }
  }
  if (cur) words.push(cur);
  return words;
}

function closeQuote(line: string, open: number): number {
  const q = line[open];
  for (let j = open + 1; j < line.length; j++) {
    if (q === '"' && line[j] === '\\') j++;
    else if (line[j] === q) return j;
  }
  return -1;
}

const INT = /^[-+]?(0|[1-9]\d*)$/;
const FLOAT = /^[-+]?((\d+\.\d*|\.\d+)([eE][-+]?\d+)?|\d+[eE][-+]?\d+)$/;
const QUOTED = /^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$/;

/**
 * Reads an INI value as Ansible's ast.literal_eval does for the common cases: integers, floats,
 * True/False/None, a quoted string, JSON-compatible lists and dicts; anything else stays a string.
 * A trailing ` # comment` after such a literal is dropped, as Python's parser would.
 */
export function parseIniValue(raw: string): unknown {
  const v = raw;
  const lit = literal(v);
  if (lit.ok) return lit.value;
  const hash = v.search(/\s#/);
  if (hash > 0) {
    const before = literal(v.slice(0, hash).trim());
    if (before.ok) return before.value;
  }
  return v;
}

function literal(v: string): { ok: boolean; value?: unknown } {
  if (INT.test(v) || FLOAT.test(v)) return { ok: true, value: Number(v) };
  if (v === 'True' || v === 'False') return { ok: true, value: v === 'True' };
  if (v === 'None') return { ok: true, value: null };
  const q = QUOTED.exec(v);
  if (q) return { ok: true, value: (q[1] ?? q[2]).replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t' })[c] ?? c) };
  if (/^[[{]/.test(v)) {
    try {
      return { ok: true, value: JSON.parse(v) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: false };
}
