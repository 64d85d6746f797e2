import { readFileSync } from 'node:fs';
import type Handlebars from 'handlebars';
import { type SourceLocation, TsrunError } from '../core/errors';
import { type CaptureBox, TemplateFault, handlebars, handlebarsLib, lenientHelpers } from './engine';
import { rejectJinjaStatements, translatePipes } from './pipes';
import { TemplateSyntaxError, captureWhole, rewriteProgram } from './rewrite';

/** Where a template came from, for error messages: the task, the location of the string, what it is. */
export interface RenderWhere {
  task?: string;
  /** Location of the template's first character (a YAML scalar's position, or line 1 col 1 of a template file). */
  location?: SourceLocation;
  /** What is being rendered, e.g. "argument dest"; prefixed to error messages. */
  what?: string;
}

interface Compiled {
  fn: Handlebars.TemplateDelegate;
  /** The template is one expression: rendering returns its value with its type. */
  whole: boolean;
}

const MAX_CACHE = 10_000;
const cache = new Map<string, Compiled>();

type Pos = { line: number; column: number };

function located(err: TsrunError, pos: Pos | undefined, where: RenderWhere): TsrunError {
  let location: SourceLocation | undefined;
  let suffix = '';
  if (pos && where.location) {
    const base = where.location;
    location = { file: base.file, line: base.line + pos.line - 1, col: pos.line === 1 ? base.col + pos.column : pos.column + 1 };
  } else if (pos) {
    suffix = ` (template line ${pos.line}, column ${pos.column + 1})`;
  } else {
    location = where.location;
  }
  const message = `${where.what ? `${where.what}: ` : ''}${err.message}${suffix}`;
  return new TsrunError(err.code, message, { location, task: where.task ?? err.task, expected: err.expected, cause: err });
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

function compile(source: string): Compiled {
  const cached = cache.get(source);
  if (cached) return cached;
  let compiled: Compiled;
  try {
    rejectJinjaStatements(source);
    const ast = handlebarsLib().parse(translatePipes(source));
    rewriteProgram(ast, lenientHelpers);
    const whole = captureWhole(ast);
    compiled = { fn: handlebars().compile(ast, { noEscape: true, compat: true }), whole };
  } catch (err) {
    throw parseFailure(err);
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function run(source: string, vars: Record<string, unknown>, where: RenderWhere, typed: boolean): unknown {
  try {
    const { fn, whole } = compile(source);
    const box: CaptureBox = {};
    // Prototype access stays denied (as by default); saying so explicitly also silences Handlebars' console warning.
    const text = fn(vars, { data: { tsrunCapture: box }, allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    if (!whole) return text;
    return typed ? box.value : (handlebars().helpers.__out as (v: unknown) => string)(box.value);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw located(err, err.pos, where);
    if (err instanceof TemplateFault) throw located(err.inner, err.pos, where);
    if (err instanceof TsrunError) throw located(err, undefined, where);
    throw located(new TsrunError('SCHEMA', `template error: ${(err as Error).message}`, { cause: err }), undefined, where);
  }
}

/**
 * Renders a template string. A string that is one whole expression (`"{{ port }}"`) returns the value with its
 * type (number, list...); anything else returns text. Strings without `{{` are returned as they are.
 */
export function render(source: string, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  if (!source.includes('{{') && !source.includes('{%')) return source;
  return run(source, vars, where, true);
}

/** Renders a template string to text (lists and mappings as JSON). */
export function renderString(source: string, vars: Record<string, unknown>, where: RenderWhere = {}): string {
  if (!source.includes('{{') && !source.includes('{%')) return source;
  return run(source, vars, where, false) as string;
}

/** Renders every string inside lists and mappings (keys too, as text); returns a new value. */
export function renderDeep(value: unknown, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  if (typeof value === 'string') return render(value, vars, where);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars, where));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [renderString(k, vars, where), renderDeep(v, vars, where)]),
    );
  }
  return value;
}

/** Renders a template file (the template module); errors point at the file's own lines. */
export function renderFile(path: string, vars: Record<string, unknown>, where: RenderWhere = {}): string {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TsrunError('NOT_FOUND', `template file not found: ${path}`, { cause: err, task: where.task, location: where.location });
  }
  return renderString(source, vars, { ...where, location: { file: path, line: 1, col: 1 } });
}
