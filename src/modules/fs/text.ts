import { TsrunError } from '../../core/errors';

/** Splits text into lines that keep their line endings, as Python's splitlines(keepends=True) for \n and \r\n. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A line without its ending. */
export function bare(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/**
 * Compiles a Python `re` pattern as a JavaScript RegExp. The syntax is close: named groups `(?P<n>...)` and
 * `(?P=n)` are translated; other differences (possessive quantifiers, inline flags other than at the start) are not.
 */
export function pyRegex(pattern: string, what: string): RegExp {
  let src = pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let flags = 'u';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f)) flags += f;
  }
  try {
    return new RegExp(src, flags);
  } catch (e) {
    try {
      return new RegExp(src, flags.replace('u', ''));
    } catch {
      throw new TsrunError('SCHEMA', `${what} is not a valid regular expression: ${pattern}`, { cause: e });
    }
  }
}

/** Expands `\1`, `\g<1>` and `\g<name>` in `template` from a match, as Python's match.expand (unmatched groups are empty). */
export function expandBackrefs(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:(\d{1,2})|g<(\w+)>|(\\)|([ntr]))/g, (_all, num: string, g: string, slash: string, esc: string) => {
    if (slash) return '\\';
    if (esc) return esc === 'n' ? '\n' : esc === 't' ? '\t' : '\r';
    const key = num ?? g;
    const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    return v ?? '';
  });
}
