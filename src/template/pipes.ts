import { filtersByName } from './filters/index';
import { TemplateSyntaxError } from './rewrite';

/** Offsets of top-level `sep` characters in text, outside quotes and parentheses/brackets. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const JINJA_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null', none: 'null', true: 'true', false: 'false' };

/** One Jinja operand as a Handlebars one: literals, and paths with `a[0]` / `a['b']` indexing. */
function operand(raw: string, fail: (why: string) => never): string {
  const text = raw.trim();
  if (/^(['"]).*\1$/s.test(text) || /^-?\d+(\.\d+)?$/.test(text)) return text;
  if (Object.hasOwn(JINJA_LITERALS, text)) return JINJA_LITERALS[text];
  if (!/^[A-Za-z_@][\w@]*(\.[A-Za-z_]\w*|\[\s*(\d+|'[^']*'|"[^"]*")\s*\])*$/.test(text)) fail(`cannot translate '${text}'`);
  return text.replace(/\[\s*(?:(\d+)|'([^']*)'|"([^"]*)")\s*\]/g, (_m, n?: string, a?: string, b?: string) => `.[${n ?? a ?? b}]`);
}

/** One filter application `name(args)` on an already translated input. */
function applyFilter(input: string, segment: string, fail: (why: string) => never): string {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$/s.exec(segment);
  if (!m) fail(`cannot translate filter '${segment.trim()}'`);
  const [, name, argText] = m;
  const args = argText === undefined || argText.trim() === '' ? [] : splitTopLevel(argText, ',');
  const translated = args.map((arg) => {
    const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)(.*)$/s.exec(arg);
    return kw ? `${kw[1]}=${operand(kw[2], fail)}` : operand(arg, fail);
  });
  if (name === 'list' && translated.length === 0) return input; // Jinja's list() of a generator: already a list
  if (name === 'map') {
    const attr = /^attribute=(.*)$/.exec(translated[0] ?? '');
    if (translated.length !== 1 || !attr) fail("only map(attribute='x') can be translated");
    return `(map_attr ${input} ${attr[1]})`;
  }
  if ((name === 'selectattr' || name === 'rejectattr') && translated.length === 3) {
    if (!/^['"](equalto|==|eq)['"]$/.test(translated[1])) fail(`only the 'equalto' test can be translated in ${name}`);
    translated.splice(1, 1);
  }
  if (!filtersByName.has(name)) fail(`unknown filter '${name}'`);
  return `(${name} ${[input, ...translated].join(' ')})`;
}

/**
 * Translates Jinja pipe sugar inside plain mustaches into Handlebars subexpressions, so Ansible users' simple
 * filters work unchanged: `{{ x | default('y') | upper }}` becomes `{{upper (default x 'y')}}`.
 * Block tags, comments and mustaches without a pipe or index are left untouched.
 */
export function translatePipes(source: string): string {
  return source.replace(/\{\{(~?)([^#/!^>&{~][^]*?)(~?)\}\}/g, (whole, open: string, content: string, close: string, offset: number) => {
    const segments = splitTopLevel(content, '|');
    const indexed = segments.length === 1 && /^\s*[\w@]+(\.\w+)*\[/.test(content) && !/\s/.test(content.trim());
    if (segments.length === 1 && !indexed) return whole;
    const fail = (why: string): never => {
      const before = source.slice(0, offset);
      const pos = { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') - 1 };
      throw new TemplateSyntaxError(
        `${why} in '${whole}': tsrun templates are Handlebars; write helpers before their arguments, e.g. {{default proxy "none"}} or {{join (map_attr users "name") ","}}`,
        pos,
      );
    };
    const [head, ...rest] = segments;
    const expr = rest.reduce((acc, seg) => applyFilter(acc, seg, fail), operand(head, fail));
    const inner = expr.startsWith('(') && expr.endsWith(')') && rest.length > 0 ? expr.slice(1, -1) : expr;
    return `{{${open} ${inner} ${close}}}`;
  });
}

/** Rejects Jinja statements (`{% if %}`), which would otherwise be copied into files as text. */
export function rejectJinjaStatements(source: string): void {
  const m = /\{%[-+]?\s*(if|for|set|elif|else|endif|endfor|macro|raw|block|include)\b/.exec(source);
  if (!m) return;
  const before = source.slice(0, m.index);
  throw new TemplateSyntaxError(
    `Jinja statements ('{% ${m[1]} %}') are not supported: tsrun templates are Handlebars, use {{#if cond}}...{{else}}...{{/if}} or {{#each list}}...{{/each}}`,
    { line: before.split('\n').length, column: m.index - before.lastIndexOf('\n') - 1 },
  );
}
