import { lineOf, lineStarts } from '../core/lines';
import { TemplateSyntaxError } from './rewrite';

/** One piece of a template: text, `{{ expression }}`, `{% statement %}` or `{# comment #}`. */
export interface Segment {
  kind: 'text' | 'expr' | 'stmt' | 'comment';
  /** The text, or the tag's content without its delimiters and whitespace-control marks. */
  body: string;
  /** Offset of the segment in the template, and of the content (after `{{`/`{{-`). */
  start: number;
  bodyStart: number;
  /** `{{-` / `{%-`: strip whitespace before; `-}}` / `-%}`: strip whitespace after. */
  trimLeft: boolean;
  trimRight: boolean;
  /** The whole tag as written. */
  raw: string;
  /** A Handlebars escape `\{{ x }}`: printed as written, without the backslash. */
  escaped?: boolean;
}

/** Where a tag's content starts, after its delimiter and leading spaces: errors point there. */
export function contentOffset(seg: Segment): number {
  return seg.bodyStart + (/^\s*/.exec(seg.body)?.[0].length ?? 0);
}

/** Line (1-based) and column (0-based) of an offset. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const { line, start } = lineOf(startsFor(source), offset);
  return { line: line + 1, column: offset - start };
}

let lastStarts: { source: string; starts: number[] } | undefined;

/** Where each line of `source` starts, kept for the last source: a template's every tag asks, so once per template, not per tag. */
function startsFor(source: string): number[] {
  if (lastStarts?.source === source) return lastStarts.starts;
  lastStarts = { source, starts: lineStarts(source) };
  return lastStarts.starts;
}

const CLOSERS: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };

/** Where a tag's closer is, skipping quoted strings inside expressions and statements. */
function closerAt(source: string, from: number, closer: string, quoted: boolean): number {
  let quote = '';
  // `{{ {'a': {'b': 1}} }}`: braces of dict literals inside an expression do not close it (Jinja's lexer too)
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (quoted && (c === '"' || c === "'")) quote = c;
    else if (quoted && c === '{') depth++;
    else if (depth === 0 && source.startsWith(closer, i)) return i;
    else if (quoted && c === '}' && depth > 0) depth--;
  }
  return -1;
}

/**
 * Splits a template into segments. `handlebarsEscapes` keeps `\{{ x }}` as text (the Handlebars rule, used
 * outside Jinja statement templates); `statements` recognises `{% %}` and `{# #}` tags.
 */
export function segment(source: string, statements: boolean, handlebarsEscapes: boolean): Segment[] {
  const out: Segment[] = [];
  const opener = statements ? /\{\{|\{%|\{#/g : /\{\{/g;
  let pos = 0;
  let textStart = 0;
  const pushText = (end: number) => {
    if (end > textStart) out.push({ kind: 'text', body: source.slice(textStart, end), start: textStart, bodyStart: textStart, trimLeft: false, trimRight: false, raw: source.slice(textStart, end) });
  };
  for (;;) {
    opener.lastIndex = pos;
    const m = opener.exec(source);
    if (!m) break;
    const open = m[0];
    const at = m.index;
    const close = CLOSERS[open];
    const escaped = handlebarsEscapes && open === '{{' && source[at - 1] === '\\' && source[at - 2] !== '\\';
    // Handlebars' triple-stash `{{{ x }}}` closes with `}}}`
    const triple = open === '{{' && source[at + 2] === '{';
    const end = closerAt(source, at + 2, triple ? '}}}' : close, open !== '{#' && !triple);
    if (end < 0) throw new TemplateSyntaxError(`template syntax error: unclosed '${open}' (no '${close}' after it)`, positionOf(source, at));
    const tagEnd = end + (triple ? 3 : close.length);
    if (escaped) {
      pushText(at - 1);
      out.push({ kind: 'text', body: source.slice(at, tagEnd), start: at - 1, bodyStart: at, trimLeft: false, trimRight: false, raw: source.slice(at - 1, tagEnd), escaped: true });
    } else {
      pushText(at);
      let bodyStart = at + 2;
      let bodyEnd = end;
      const trimLeft = source[bodyStart] === '-';
      if (trimLeft || source[bodyStart] === '+') bodyStart++;
      const trimRight = source[bodyEnd - 1] === '-' && bodyEnd - 1 >= bodyStart;
      if (trimRight || (source[bodyEnd - 1] === '+' && open === '{%')) bodyEnd--;
      const kind = open === '{{' ? 'expr' : open === '{%' ? 'stmt' : 'comment';
      out.push({ kind, body: source.slice(bodyStart, bodyEnd), start: at, bodyStart, trimLeft, trimRight, raw: source.slice(at, tagEnd) });
    }
    pos = tagEnd;
    textStart = tagEnd;
  }
  pushText(source.length);
  return out;
}
