import { readFileSync } from 'node:fs';
import type Handlebars from 'handlebars';
import { type SourceLocation, TsrunError } from '../core/errors';
import { type Node, walkNodes } from '../expr/ast';
import { scopeOf, unknownNames, value } from '../expr/evaluate';
import { ExprSyntaxError } from '../expr/lexer';
import { parseJinja } from '../expr/parser';
import { type CaptureBox, JX, TemplateFault, handlebars, handlebarsLib, lenientHelpers } from './engine';
import { JinjaFault, parseTemplate, printed, renderStmts } from './jinja';
import { TemplateSyntaxError, captureWhole, rewriteProgram } from './rewrite';
import { exactItemLocation, exactValueLocation } from '../yaml/load';
import { type Segment, contentOffset, positionOf, segment } from './segments';

/** Where a template came from, for error messages: the task, the location of the string, what it is. */
export interface RenderWhere {
  task?: string;
  /** Location of the template's first character (a YAML scalar's position, or line 1 col 1 of a template file). */
  location?: SourceLocation;
  /** What is being rendered, e.g. "argument dest"; prefixed to error messages. */
  what?: string;
}

/** Which syntax a template file uses: `.j2` is Jinja (statements included), `.hbs` Handlebars, others by content. */
export type Syntax = 'jinja' | 'handlebars' | 'auto';

/** A Jinja expression inside a Handlebars template, evaluated by the `__jx` helper in the block's context. */
export interface EmbeddedExpr {
  node: Node;
  pos: Pos;
}

type Compiled =
  /** The whole string is one `{{ expression }}`: its value keeps its type. */
  | { kind: 'whole'; node: Node; pos: Pos }
  /** Text and `{{ expressions }}` only. */
  | { kind: 'parts'; parts: (string | EmbeddedExpr)[] }
  /** `{% statements %}`: the Jinja template renderer. */
  | { kind: 'jinja'; stmts: ReturnType<typeof parseTemplate> }
  /** Handlebars blocks or helpers, with the Jinja expressions among them handed to `__jx`. */
  | { kind: 'hbs'; fn: Handlebars.TemplateDelegate; whole: boolean; exprs: EmbeddedExpr[] };

const MAX_CACHE = 10_000;
/**
 * Compiled templates by syntax, then by their text itself: a key made by joining the syntax to a large text
 * would copy the whole text on every lookup (one 7 MB copy per host for a template file).
 */
const cache = new Map<Syntax, Map<string, Compiled>>();

type Pos = { line: number; column: number };

/** Errors already located by a nested render (a variable's own template): an outer render keeps their place. */
const settled = new WeakSet<TsrunError>();

function located(err: TsrunError, pos: Pos | undefined, where: RenderWhere): TsrunError {
  if (settled.has(err)) return err;
  let location: SourceLocation | undefined;
  let suffix = '';
  if (pos && where.location) {
    const base = where.location;
    // a block scalar's later lines are indented as its first line is
    const indent = base.indent ?? 0;
    location = { file: base.file, line: base.line + pos.line - 1, col: pos.line === 1 ? base.col + pos.column : indent + pos.column + 1 };
  } else if (pos) {
    suffix = ` (template line ${pos.line}, column ${pos.column + 1})`;
  } else {
    location = where.location;
  }
  const message = `${where.what ? `${where.what}: ` : ''}${err.message}${suffix}`;
  const out = new TsrunError(err.code, message, { location, task: where.task ?? err.task, expected: err.expected, cause: err });
  if (location) settled.add(out);
  return out;
}

/** Handlebars parse errors: the jison parser leaves its last token's position on the shared lexer. */
function parseFailure(err: unknown): TemplateSyntaxError {
  if (err instanceof TemplateSyntaxError) return err;
  const e = err as Error & { lineNumber?: number; column?: number };
  if (typeof e.lineNumber === 'number') {
    return new TemplateSyntaxError(`template syntax error: ${e.message.replace(/ - \d+:\d+$/, '')}`, { line: e.lineNumber, column: e.column ?? 0 });
  }
  const lexer = (handlebarsLib() as unknown as { Parser?: { lexer?: { yylloc?: { first_line: number; first_column: number } } } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  const got = /got '([^']+)'\s*$/.exec(e.message)?.[1];
  const what = got === 'EOF' ? 'unexpected end of template (unclosed {{ or block?)' : got ? `unexpected ${got.toLowerCase()}` : e.message.split('\n')[0];
  return new TemplateSyntaxError(`template syntax error: ${what}`, { line: loc?.first_line ?? 1, column: loc?.first_column ?? 0 });
}

/** A mustache that only Handlebars reads: blocks, `else`, comments, partials, triple-stash, `~` whitespace control. */
function handlebarsOnly(seg: Segment): boolean {
  // Handlebars' sigils stand right after the braces (`{{#each}}`); `{{ {'a': 1} }}` is a Jinja dict
  return (/^[#/^!>&{~]/.test(seg.body) && !seg.trimLeft) || /^\s*else(\s|$)/.test(seg.body);
}

/** Whether a template uses Jinja statements or comments (not Handlebars' `{{#block}}`). */
export function hasStatements(source: string): boolean {
  return /\{%|(^|[^{])\{#/.test(source);
}

/** Names of the variables an expression reads at its top level. */
function namesIn(node: Node): Set<string> {
  const names = new Set<string>();
  walkNodes(node, (n) => { if (n.k === 'name') names.add(n.name); });
  return names;
}

interface Classified {
  seg: Segment;
  node?: Node;
  error?: ExprSyntaxError;
}

/**
 * Decides, per `{{ }}`, who reads it: a Jinja expression when its content parses as one (and calls no
 * Handlebars helper like `upper (x)`, and reads no block parameter of an enclosing `{{#each x as |p|}}`);
 * Handlebars otherwise. An unknown filter or test is an error here, before anything is rendered.
 */
function classify(source: string, segs: Segment[]): Classified[] {
  const blockParams: string[][] = [];
  const out: Classified[] = [];
  for (const seg of segs) {
    if (seg.kind !== 'expr') continue;
    const body = seg.body.trimStart();
    if (body.startsWith('#')) blockParams.push(/\bas\s+\|([^|]*)\|/.exec(body)?.[1].trim().split(/\s+/) ?? []);
    else if (body.startsWith('/')) blockParams.pop();
    if (handlebarsOnly(seg)) { out.push({ seg }); continue; }
    let node: Node;
    try {
      node = parseJinja(seg.body);
    } catch (err) {
      if (err instanceof ExprSyntaxError) { out.push({ seg, error: err }); continue; }
      throw err;
    }
    const bad = unknownNames(node);
    if (bad && bad.message.startsWith('unknown function')) { out.push({ seg }); continue; }
    if (bad) throw new TemplateSyntaxError(`${bad.message} in '${seg.raw}'`, positionOf(source, seg.bodyStart + bad.pos));
    const params = new Set(blockParams.flat());
    if (params.size && [...namesIn(node)].some((n) => params.has(n))) { out.push({ seg }); continue; }
    out.push({ seg, node });
  }
  return out;
}

function compileMixed(source: string): Compiled {
  const segs = segment(source, false, true);
  const exprs = classify(source, segs);
  const jinja = new Map(exprs.filter((e) => e.node).map((e) => [e.seg, { node: e.node!, pos: positionOf(source, contentOffset(e.seg)) }]));
  if (exprs.every((e) => e.node)) {
    const trimmedSegs = segs.map((s, i) => {
      if (s.kind !== 'text') return s;
      let body = s.body;
      if (segs[i - 1]?.trimRight) body = body.replace(/^\s+/, '');
      if (segs[i + 1]?.trimLeft) body = body.replace(/\s+$/, '');
      return { ...s, body };
    });
    const parts = trimmedSegs.map((s) => (s.kind === 'text' ? s.body : jinja.get(s)!)).filter((p) => p !== '');
    if (parts.length === 1 && typeof parts[0] !== 'string' && segs.length === 1) return { kind: 'whole', ...parts[0] };
    return { kind: 'parts', parts };
  }
  const list: EmbeddedExpr[] = [];
  const text = segs.map((s) => {
    const e = jinja.get(s);
    if (!e) return s.raw;
    list.push(e);
    // keep the template's lines where they were, for Handlebars' own error positions
    const newlines = '\n'.repeat(s.raw.split('\n').length - 1);
    return `{{${s.trimLeft ? '~' : ''}${JX} ${list.length - 1}${s.trimRight ? '~' : ''}}}${newlines ? `{{!${newlines}}}` : ''}`;
  }).join('');
  try {
    const ast = handlebarsLib().parse(text);
    rewriteProgram(ast, lenientHelpers);
    const whole = captureWhole(ast);
    return { kind: 'hbs', fn: handlebars().compile(ast, { noEscape: true, compat: true }), whole, exprs: list };
  } catch (err) {
    const failed = exprs.find((e) => e.error);
    if (failed?.error && !(err instanceof TemplateSyntaxError)) {
      const at = positionOf(source, failed.seg.bodyStart + failed.error.pos);
      throw new TemplateSyntaxError(`syntax error in '${failed.seg.raw}': ${failed.error.message} (not a Jinja expression, nor a Handlebars helper call)`, at);
    }
    throw parseFailure(err);
  }
}

function compile(source: string, syntax: Syntax): Compiled {
  let bySource = cache.get(syntax);
  if (!bySource) cache.set(syntax, (bySource = new Map<string, Compiled>()));
  const cached = bySource.get(source);
  if (cached) return cached;
  const compiled: Compiled = syntax === 'jinja' || (syntax === 'auto' && hasStatements(source))
    ? { kind: 'jinja', stmts: parseTemplate(source) }
    : compileMixed(source);
  if (bySource.size >= MAX_CACHE) bySource.clear();
  bySource.set(source, compiled);
  return compiled;
}

/**
 * Ansible's preserve_trailing_newlines: a result ends with at least as many newlines as its template, so the newline
 * after a closing `{% endif %}` at the end of a file survives trim_blocks.
 */
function keepTrailingNewlines(source: string, text: string): string {
  // counted from the end: a regex replace would copy the whole text (twice per render of a large file)
  const count = (t: string) => {
    let n = 0;
    while (n < t.length && t.charCodeAt(t.length - 1 - n) === 10) n++;
    return n;
  };
  return text + '\n'.repeat(Math.max(0, count(source) - count(text)));
}

function run(source: string, vars: Record<string, unknown>, where: RenderWhere, typed: boolean, syntax: Syntax = 'auto'): unknown {
  const scope = scopeOf(vars, { task: where.task });
  let at: Pos | undefined;
  try {
    const c = compile(source, syntax);
    switch (c.kind) {
      case 'whole': {
        at = c.pos;
        const v = value(scope, c.node);
        // Ansible's finalize: a value that is one expression giving None is empty text
        if (v === null) return '';
        return typed ? v : printed(v);
      }
      case 'parts':
        return c.parts.map((p) => {
          if (typeof p === 'string') return p;
          at = p.pos;
          return printed(value(scope, p.node));
        }).join('');
      case 'jinja':
        return keepTrailingNewlines(source, renderStmts(c.stmts, scope));
      default: {
        const box: CaptureBox = {};
        // Prototype access stays denied (as by default); saying so explicitly also silences Handlebars' console warning.
        const text = c.fn(vars, { data: { tsrunCapture: box, tsrunJinja: c.exprs }, allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
        if (!c.whole) return text;
        return typed ? box.value : (handlebars().helpers.__out as (v: unknown) => string)(box.value);
      }
    }
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw located(err, err.pos, where);
    if (err instanceof TemplateFault) throw located(err.inner, err.pos, where);
    if (err instanceof JinjaFault) throw located(err.inner, err.pos, where);
    if (err instanceof TsrunError) throw located(err, at, where);
    throw located(new TsrunError('SCHEMA', `template error: ${(err as Error).message}`, { cause: err }), at, where);
  }
}

/**
 * Renders a template string. A string that is one whole expression (`"{{ port }}"`) returns the value with its
 * type (number, list...); anything else returns text. Strings without `{{` are returned as they are.
 */
export function render(source: string, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  if (!source.includes('{{') && !hasStatements(source)) return source;
  return run(source, vars, where, true);
}

/** Renders a template string to text (lists and mappings as JSON). */
export function renderString(source: string, vars: Record<string, unknown>, where: RenderWhere = {}): string {
  if (!source.includes('{{') && !hasStatements(source)) return source;
  return run(source, vars, where, false) as string;
}

/**
 * Renders every string inside lists and mappings (keys too, as text); returns a new value. Values that came from
 * YAML are located at their own line and column, so an error points at the value that uses the variable.
 */
export function renderDeep(value: unknown, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  if (typeof value === 'string') return render(value, vars, where);
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, vars, { ...where, location: exactItemLocation(value, i) ?? where.location }));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [renderString(k, vars, where), renderDeep(v, vars, { ...where, location: exactValueLocation(value, k) ?? where.location })]),
    );
  }
  return value;
}

/** Renders the text of a template file already read; errors name the file and its own line. */
export function renderText(source: string, file: string, vars: Record<string, unknown>, where: RenderWhere = {}): string {
  const syntax: Syntax = file.endsWith('.j2') ? 'jinja' : file.endsWith('.hbs') ? 'handlebars' : 'auto';
  return run(source, vars, { task: where.task, what: `template ${file}`, location: { file, line: 1, col: 1 } }, false, syntax) as string;
}

/** Checks a string's template syntax without rendering it (load-time checks): syntax, filters, tests. */
export function checkTemplate(source: string, where: RenderWhere = {}): void {
  if (!source.includes('{{') && !hasStatements(source)) return;
  try {
    compile(source, 'auto');
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw located(err, err.pos, where);
    throw err;
  }
}

/** Renders a template file (the template module); errors point at the file's own lines. */
export function renderFile(path: string, vars: Record<string, unknown>, where: RenderWhere = {}): string {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TsrunError('NOT_FOUND', `template file not found: ${path}`, { cause: err, task: where.task, location: where.location });
  }
  const syntax: Syntax = path.endsWith('.j2') ? 'jinja' : path.endsWith('.hbs') ? 'handlebars' : 'auto';
  return run(source, vars, { ...where, location: { file: path, line: 1, col: 1 } }, false, syntax) as string;
}
