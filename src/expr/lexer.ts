/** One token of a Jinja expression; `pos` is its offset in the expression text. */
export interface Token {
  kind: 'name' | 'number' | 'string' | 'op' | 'end';
  text: string;
  /** A string's value with its escapes applied; a number's value. */
  value?: string | number;
  pos: number;
}

/** A syntax error at an offset of the expression text. */
export class ExprSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

// Longest first, so `**` is read before `*` and `//` before `/`.
const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '(', ')', '[', ']', '{', '}', ',', '.', ':', '|', '='];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return { value, end: i + 1 };
    // Python keeps unknown escapes (`'\d+'` stays a regex)
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i];
      value += ESCAPES[next] ?? `\\${next}`;
      continue;
    }
    value += c;
  }
  throw new ExprSyntaxError('unterminated string', start);
}

/** Splits a Jinja expression into tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"') {
      const { value, end } = readString(text, i);
      out.push({ kind: 'string', text: text.slice(i, end), value, pos: i });
      i = end;
      continue;
    }
    const num = /^(?:\d[\d_]*)?(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?/.exec(text.slice(i))![0];
    if (/\d/.test(num[0] ?? '') || (num.startsWith('.') && num.length > 1 && out.at(-1)?.kind !== 'name' && out.at(-1)?.text !== ']' && out.at(-1)?.text !== ')')) {
      out.push({ kind: 'number', text: num, value: Number(num.replace(/_/g, '')), pos: i });
      i += num.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      out.push({ kind: 'name', text: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExprSyntaxError(`unexpected character '${c}'`, i);
    out.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', pos: text.length });
  return out;
}
