import Handlebars from 'handlebars';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the role tests need from a template engine. */
export interface Engine {
  /** Which engine this is, for messages. */
  name: string;
  /** Renders a string; a string that is one whole expression returns its value with its type. */
  render(src: string, vars: Record<string, unknown>): unknown;
  /** Renders a string to text. */
  renderString(src: string, vars: Record<string, unknown>): string;
  /** Evaluates a brace-less condition (when, assert.that); only the runner's engine has one. */
  evaluate?(expr: string, vars: Record<string, unknown>): unknown;
  /** Parses a condition without evaluating it; only the runner's engine has one. */
  parse?(expr: string): unknown;
}

interface RunnerTemplate {
  render(src: string, vars: Record<string, unknown>): unknown;
  renderString(src: string, vars: Record<string, unknown>): string;
}
interface RunnerExpr {
  evaluate(expr: string, vars: Record<string, unknown>): unknown;
  parseExpression(expr: string): unknown;
}

/**
 * Stand-ins for the runner's helpers, only those the roles use, with the runner's argument order (value first).
 * `lookup` fails on a missing key and top-level names are strict, as in the runner; helper arguments are not.
 */
function standIn(): Engine {
  const hb = Handlebars.create();
  const empty = (v: unknown) => v === undefined || v === null;
  const sortKeys = (v: unknown): unknown => (Array.isArray(v) ? v.map(sortKeys)
    : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v);
  const fns: Record<string, (...a: unknown[]) => unknown> = {
    default: (v, d) => (empty(v) ? d : v),
    join: (list, sep) => (list as unknown[]).join(String(sep)),
    split: (s, sep) => String(s).split(String(sep)),
    unique: (list) => [...new Set(list as unknown[])],
    length: (v) => (v as unknown[]).length,
    trim: (s) => String(s).trim(),
    to_json: (v) => JSON.stringify(v),
    to_nice_json: (v) => JSON.stringify(sortKeys(v), null, 4),
    merge: (a, b) => ({ ...(a as object), ...(b as object) }),
    concat: (a, b) => [...(a as unknown[]), ...(b as unknown[])],
    contains: (c, i) => (Array.isArray(c) ? c.includes(i) : Object.hasOwn(c as object, String(i))),
    or: (a, b) => a || b,
    eq: (a, b) => a === b,
    ne: (a, b) => a !== b,
    lookup: (c, k) => {
      if (!Object.hasOwn(c as object, String(k))) throw new Error(`lookup: no key '${String(k)}'`);
      return (c as Record<string, unknown>)[String(k)];
    },
  };
  // Handlebars passes its options object last; the stand-ins take only the real arguments.
  for (const [name, fn] of Object.entries(fns)) hb.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
  let captured: unknown;
  hb.registerHelper('__capture', (value: unknown) => {
    captured = value;
    return '';
  });
  const renderString = (src: string, vars: Record<string, unknown>) => hb.compile(src, { noEscape: true, strict: true })(vars);
  return {
    name: 'stand-in helpers',
    renderString,
    render(src, vars) {
      const one = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(src);
      if (!one) return renderString(src, vars);
      captured = undefined;
      renderString(`{{__capture ${one[1].includes(' ') ? `(${one[1]})` : one[1]}}}`, vars);
      return captured;
    },
  };
}

/** The runner's own engine when this checkout has it (src/template, src/expr), else the stand-ins. */
async function load(root: string): Promise<Engine> {
  const tpl = join(root, 'src/template/index.ts');
  const expr = join(root, 'src/expr/index.ts');
  if (!existsSync(tpl)) return standIn();
  const t = (await import(pathToFileURL(tpl).href)) as RunnerTemplate;
  const e = existsSync(expr) ? ((await import(pathToFileURL(expr).href)) as RunnerExpr) : undefined;
  return {
    name: 'runner engine',
    render: (src, vars) => t.render(src, vars),
    renderString: (src, vars) => t.renderString(src, vars),
    evaluate: e ? (src, vars) => e.evaluate(src, vars) : undefined,
    parse: e ? (src) => e.parseExpression(src) : undefined,
  };
}

/** The engine the role tests render with. */
export const engine: Engine = await load(join(import.meta.dirname, '../../..'));
