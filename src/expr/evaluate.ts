import { TsrunError } from '../core/errors';
import type { RenderWhere } from '../template/render';
import { type Node, walkNodes } from './ast';
import { callFilter, isFilter } from './filters';
import { ExprSyntaxError } from './lexer';
import { callGlobal, callMethod } from './methods';
import { parseJinja } from './parser';
import { percentFormat, pyStr, Undef } from './pyvalues';
import { LENIENT_TESTS, tests } from './tests';
import { BLOCKED_NAMES, contains, deepEqual, ownProperty, truthy, typeName } from './values';

/** What an expression can read: variables by name, and where it is written (for errors and file lookups). */
export interface Scope {
  /** A variable's value; undefined when it is not defined. */
  get(name: string): unknown;
  where: RenderWhere;
  /** The variables object behind the scope, for lookup('template'). */
  vars?: Record<string, unknown>;
}

/** A scope over a plain variables object (getters on it stay lazy: only what is read is rendered). */
export function scopeOf(vars: Record<string, unknown>, where: RenderWhere = {}): Scope {
  return { get: (name) => (Object.hasOwn(vars, name) ? vars[name] : undefined), where, vars };
}

/** An error in an expression, located at the place the expression is written. */
export function exprError(scope: Scope, code: 'UNDEFINED' | 'SCHEMA' | 'PARSE', message: string, expected?: string): TsrunError {
  const w = scope.where;
  return new TsrunError(code, `${w.what ? `${w.what}: ` : ''}${message}`, { location: w.location, task: w.task, expected });
}

/** Fails on an undefined value; returns anything else. */
export function defined<T>(scope: Scope, value: T | Undef): T {
  if (value instanceof Undef) throw exprError(scope, 'UNDEFINED', value.message);
  return value;
}

function number(scope: Scope, v: unknown, op: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw exprError(scope, 'SCHEMA', `'${op}' expects numbers, got ${typeName(v)}`, 'numbers (convert text with | int or | float)');
}

function compare(scope: Scope, op: string, l: unknown, r: unknown): boolean {
  switch (op) {
    case '==': return deepEqual(l, r);
    case '!=': return !deepEqual(l, r);
    case 'in': case 'not in': {
      const found = contains(r, l);
      if (found === undefined) throw exprError(scope, 'SCHEMA', `'${op}' needs a list, mapping or string on its right, got ${typeName(r)}`);
      return op === 'in' ? found : !found;
    }
    default: {
      const same = (typeof l === 'number' || typeof l === 'boolean') && (typeof r === 'number' || typeof r === 'boolean')
        || (typeof l === 'string' && typeof r === 'string')
        || (Array.isArray(l) && Array.isArray(r));
      if (!same) throw exprError(scope, 'SCHEMA', `cannot compare ${typeName(l)} ${op} ${typeName(r)}`, 'two numbers or two strings (convert with | int)');
      const c = order(l, r);
      return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
    }
  }
}

function order(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = order(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const [x, y] = [a as number, b as number];
  return x < y ? -1 : x > y ? 1 : 0;
}

function arithmetic(scope: Scope, op: string, l: unknown, r: unknown): unknown {
  if (op === '+') {
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
  }
  if (op === '*') {
    if (typeof l === 'string' && typeof r === 'number') return l.repeat(Math.max(0, r));
    if (Array.isArray(l) && typeof r === 'number') return Array.from({ length: Math.max(0, r) }, () => l).flat();
  }
  if (op === '%' && typeof l === 'string') return percentFormat(l, Array.isArray(r) ? r : [r]);
  if (op === '~') return pyStr(l) + pyStr(r);
  const [a, b] = [number(scope, l, op), number(scope, r, op)];
  if ((op === '/' || op === '//' || op === '%') && b === 0) throw exprError(scope, 'SCHEMA', 'division by zero');
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '//': return Math.floor(a / b);
    case '%': return ((a % b) + b) % b;
    case '**': return a ** b;
    default: throw exprError(scope, 'PARSE', `unsupported operator '${op}'`);
  }
}

/** Source-like text of a node, for messages about undefined values. */
export function describe(node: Node): string {
  switch (node.k) {
    case 'name': return node.name;
    case 'attr': return `${describe(node.obj)}.${node.name}`;
    case 'index': return `${describe(node.obj)}[${node.key.k === 'lit' ? JSON.stringify(node.key.value) : describe(node.key)}]`;
    case 'lit': return JSON.stringify(node.value);
    default: return 'the value';
  }
}

function member(scope: Scope, node: Node, obj: unknown, key: unknown): unknown {
  if (obj instanceof Undef) return new Undef(describe(node), obj.why ?? `'${obj.name}' is not defined`);
  if (typeof key !== 'string' && typeof key !== 'number') throw exprError(scope, 'SCHEMA', `an index must be a string or a number, got ${typeName(key)}`);
  if (BLOCKED_NAMES.has(String(key))) throw exprError(scope, 'PARSE', `access to '${String(key)}' is not allowed`);
  const found = ownProperty(obj, key);
  if (found !== undefined) return found;
  const where = node.k === 'attr' || node.k === 'index' ? describe(node.obj) : 'the value';
  return new Undef(describe(node), `'${where}' is ${obj === null ? 'null' : `a ${typeName(obj)}`} without '${String(key)}'`);
}

function slice(scope: Scope, obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (typeof obj !== 'string' && !Array.isArray(obj)) throw exprError(scope, 'SCHEMA', `cannot slice ${typeName(obj)}`);
  const s = step === undefined || step === null ? 1 : number(scope, step, 'slice');
  const items = typeof obj === 'string' ? [...obj] : obj;
  const n = items.length;
  const clamp = (v: unknown, dflt: number) => {
    if (v === undefined || v === null) return dflt;
    const i = number(scope, v, 'slice');
    return i < 0 ? Math.max(i + n, s > 0 ? 0 : -1) : Math.min(i, s > 0 ? n : n - 1);
  };
  const out: unknown[] = [];
  if (s > 0) for (let i = clamp(start, 0); i < clamp(stop, n); i += s) out.push(items[i]);
  else for (let i = clamp(start, n - 1); i > clamp(stop, -1); i += s) out.push(items[i]);
  return typeof obj === 'string' ? out.join('') : out;
}

/** Evaluates a node; the result may be an Undef (only tests, default and attribute access look through those). */
export function evalNode(scope: Scope, node: Node): unknown {
  switch (node.k) {
    case 'lit': return node.value;
    case 'name': {
      if (BLOCKED_NAMES.has(node.name)) throw exprError(scope, 'PARSE', `access to '${node.name}' is not allowed`);
      const v = scope.get(node.name);
      return v === undefined ? new Undef(node.name) : v;
    }
    case 'list': return node.items.map((n) => value(scope, n));
    case 'dict': return Object.fromEntries(node.entries.map(([k, v]) => [pyStr(value(scope, k)), value(scope, v)]));
    case 'attr': return member(scope, node, evalNode(scope, node.obj), node.name);
    case 'index': return member(scope, node, evalNode(scope, node.obj), value(scope, node.key));
    case 'slice': return slice(scope, value(scope, node.obj), node.start && value(scope, node.start), node.stop && value(scope, node.stop), node.step && value(scope, node.step));
    case 'unary': {
      if (node.op === 'not') return !truthy(value(scope, node.arg));
      const v = number(scope, value(scope, node.arg), node.op);
      return node.op === '-' ? -v : v;
    }
    case 'binary': {
      if (node.op === 'and') { const l = value(scope, node.left); return truthy(l) ? value(scope, node.right) : l; }
      if (node.op === 'or') { const l = value(scope, node.left); return truthy(l) ? l : value(scope, node.right); }
      return arithmetic(scope, node.op, value(scope, node.left), value(scope, node.right));
    }
    case 'compare': {
      let left = value(scope, node.first);
      for (const [op, rn] of node.rest) {
        const right = value(scope, rn);
        if (!compare(scope, op, left, right)) return false;
        left = right;
      }
      return true;
    }
    case 'cond':
      if (truthy(value(scope, node.test))) return evalNode(scope, node.then);
      // Jinja's missing else gives an undefined that Ansible prints as empty text (the differential suite shows it)
      return node.else ? evalNode(scope, node.else) : '';
    case 'filter': return callFilter(scope, node);
    case 'test': return runTest(scope, node);
    case 'call': return call(scope, node);
    default: throw exprError(scope, 'PARSE', 'unsupported expression');
  }
}

/** Evaluates a node whose value must be defined. */
export function value(scope: Scope, node: Node): unknown {
  return defined(scope, evalNode(scope, node));
}

function runTest(scope: Scope, node: Extract<Node, { k: 'test' }>): boolean {
  const test = tests.get(node.name);
  if (!test) throw exprError(scope, 'PARSE', `unknown test 'is ${node.name}'`, `one of ${[...tests.keys()].filter((t) => /^\w+$/.test(t)).join(', ')}`);
  const raw = evalNode(scope, node.input);
  const v = raw instanceof Undef ? (LENIENT_TESTS.has(node.name) ? undefined : defined(scope, raw)) : raw;
  const args = node.args.map((a) => value(scope, a));
  const kwargs = Object.fromEntries(node.kwargs.map(([k, a]) => [k, value(scope, a)]));
  try {
    return test(v, args, kwargs) !== node.negate;
  } catch (err) {
    if (err instanceof TsrunError) throw exprError(scope, 'SCHEMA', err.message, err.expected);
    throw err;
  }
}

function call(scope: Scope, node: Extract<Node, { k: 'call' }>): unknown {
  const args = node.args.map((a) => value(scope, a));
  const kwargs = Object.fromEntries(node.kwargs.map(([k, v]) => [k, value(scope, v)]));
  if (node.fn.k === 'name') return callGlobal(scope, node.fn.name, args, kwargs);
  if (node.fn.k === 'attr') return callMethod(scope, value(scope, node.fn.obj), node.fn.name, args, kwargs);
  throw exprError(scope, 'PARSE', `'${describe(node.fn)}' cannot be called`);
}

const MAX_CACHE = 10_000;
const cache = new Map<string, Node>();

/** Parses an expression (cached); syntax errors are located at the offending column. */
export function parseCached(text: string, where: RenderWhere = {}, offset = 0): Node {
  const hit = cache.get(text);
  if (hit) return hit;
  let node: Node;
  try {
    node = parseJinja(text);
  } catch (err) {
    if (err instanceof ExprSyntaxError) throw syntaxError(text, err, where, offset);
    throw err;
  }
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(text, node);
  return node;
}

/** A located syntax error for an expression that starts `offset` columns after where.location. */
export function syntaxError(text: string, err: ExprSyntaxError, where: RenderWhere, offset = 0): TsrunError {
  const loc = where.location;
  const location = loc ? { ...loc, col: loc.col + offset + err.pos } : undefined;
  return new TsrunError('PARSE', `${where.what ? `${where.what}: ` : ''}syntax error in expression '${text.trim()}' at column ${offset + err.pos + 1}: ${err.message}`, {
    location, task: where.task, expected: "a Jinja expression such as `result.rc != 0 and 'ok' in result.stdout`",
  });
}

/** Names of the functions an expression may call (`range(3)`, `lookup('env', 'HOME')`). */
export const GLOBALS: ReadonlySet<string> = new Set(['range', 'lookup', 'query', 'q', 'dict', 'undef', 'now', 'format']);

/**
 * What Ansible finds when it compiles a template: filters and tests that do not exist, and calls of unknown
 * functions. Returns the offending node's offset and the message, or undefined when all is known.
 */
export function unknownNames(node: Node): { pos: number; message: string; expected: string } | undefined {
  let found: { pos: number; message: string; expected: string } | undefined;
  walkNodes(node, (n) => {
    if (found) return;
    if (n.k === 'filter' && !isFilter(n.name)) found = { pos: n.pos, message: `unknown filter '${n.name}'`, expected: 'a filter listed in docs/templates.md' };
    else if (n.k === 'test' && !tests.has(n.name)) found = { pos: n.pos, message: `unknown test 'is ${n.name}'`, expected: `one of ${[...tests.keys()].filter((t) => /^\w+$/.test(t)).join(', ')}` };
    else if (n.k === 'call' && n.fn.k === 'name' && !GLOBALS.has(n.fn.name)) found = { pos: n.pos, message: `unknown function '${n.fn.name}'`, expected: `one of ${[...GLOBALS].join(', ')}, or a filter after |` };
  });
  return found;
}

/** Parses a condition-style expression and checks its names, without evaluating it (load-time checks). */
export function parseExpression(expr: string, where: RenderWhere = {}): Node {
  const { text, offset } = stripBraces(expr);
  if (text.trim() === '') throw syntaxError(expr, new ExprSyntaxError('empty expression', 0), where, offset);
  const node = parseCached(text, where, offset);
  const bad = unknownNames(node);
  if (bad) throw syntaxError(expr, new ExprSyntaxError(bad.message, bad.pos), where, offset);
  return node;
}

/** Ansible accepts `when: "{{ x }}"` (with a warning): the braces are dropped, columns kept. */
function stripBraces(expr: string): { text: string; offset: number } {
  const m = /^(\s*\{\{-?)([^]*?)(-?\}\}\s*)$/.exec(expr);
  if (!m || m[2].includes('{{') || m[2].includes('}}')) return { text: expr, offset: 0 };
  return { text: m[2], offset: m[1].length };
}

/** Evaluates a condition-style expression (`when`, `that`, `var`) with the given variables; never runs code. */
export function evaluate(expr: string, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  const node = parseExpression(expr, where);
  const scope = scopeOf(vars, { ...where, what: where.what ?? `expression '${expr}'` });
  return value(scope, node);
}

/**
 * Whether a condition holds: a boolean as it is, a string evaluated as an expression, a list when every item
 * holds (Ansible's list of `when` conditions). No condition (undefined/null) holds.
 */
export function isTrue(cond: unknown, vars: Record<string, unknown>, where: RenderWhere = {}): boolean {
  if (cond === undefined || cond === null) return true;
  if (typeof cond === 'boolean') return cond;
  if (typeof cond === 'number') return cond !== 0;
  if (typeof cond === 'string') return truthy(evaluate(cond, vars, where));
  if (Array.isArray(cond)) return cond.every((c) => isTrue(c, vars, where));
  throw new TsrunError('SCHEMA', `a condition must be an expression string, a boolean or a list of them, got ${typeName(cond)}`, {
    location: where.location, task: where.task, expected: 'a string such as "result.rc == 0"',
  });
}
