import { TsrunError } from '../core/errors';
import { stringify } from '../template/filters/data';
import { findFilter } from '../template/filters/index';
import type { RenderWhere } from '../template/render';
import { type ExprNode, parseExpression } from './parse';
import { LENIENT_TESTS, tests } from './tests';
import { BLOCKED_NAMES, contains, deepEqual, ownProperty, truthy, typeName } from './values';

/** Marks a lookup that found nothing, so `is defined` and `default` can see it without an error. */
const MISSING: unique symbol = Symbol('missing');
type Value = unknown;

/** String and mapping methods Ansible users call in conditions; nothing else is callable. */
const METHODS: Record<string, (self: unknown, args: unknown[]) => unknown> = {
  startswith: (s, [p]) => typeof s === 'string' && typeof p === 'string' && s.startsWith(p),
  endswith: (s, [p]) => typeof s === 'string' && typeof p === 'string' && s.endsWith(p),
  lower: (s) => String(s).toLowerCase(),
  upper: (s) => String(s).toUpperCase(),
  strip: (s) => String(s).trim(),
  get: (m, [key, fallback]) => ownProperty(m, String(key)) ?? fallback ?? null,
};

/** Source-like text of a node, for error messages. */
function describe(node: ExprNode): string {
  switch (node.type) {
    case 'Identifier': return node.name as string;
    case 'Literal': return String(node.raw);
    case 'MemberExpression': {
      const obj = describe(node.object as ExprNode);
      const prop = node.property as ExprNode;
      return node.computed ? `${obj}[${describe(prop)}]` : `${obj}.${describe(prop)}`;
    }
    default: return node.type;
  }
}

class Evaluator {
  constructor(private readonly vars: Record<string, unknown>, private readonly where: RenderWhere) {}

  fail(code: 'UNDEFINED' | 'SCHEMA' | 'PARSE', message: string, expected?: string): never {
    throw new TsrunError(code, `${this.where.what ? `${this.where.what}: ` : ''}${message}`, { location: this.where.location, task: this.where.task, expected });
  }

  /** Evaluates a node; an undefined variable anywhere is an error naming it. */
  value(node: ExprNode): Value {
    const v = this.lenient(node);
    if (v === MISSING) this.fail('UNDEFINED', `undefined variable '${describe(node)}'`);
    return v;
  }

  /** Evaluates a node, returning MISSING for an undefined variable or key instead of failing. */
  lenient(node: ExprNode): Value | typeof MISSING {
    switch (node.type) {
      case 'Literal': return node.value;
      case 'Identifier': {
        const name = node.name as string;
        if (BLOCKED_NAMES.has(name)) this.fail('PARSE', `access to '${name}' is not allowed`);
        return Object.hasOwn(this.vars, name) && this.vars[name] !== undefined ? this.vars[name] : MISSING;
      }
      case 'MemberExpression': return this.member(node);
      case 'ArrayExpression': return (node.elements as ExprNode[]).map((e) => this.value(e));
      case 'UnaryExpression': return this.unary(node);
      case 'BinaryExpression': return this.binary(node);
      case 'ConditionalExpression': return truthy(this.value(node.test as ExprNode)) ? this.value(node.consequent as ExprNode) : this.value(node.alternate as ExprNode);
      case 'CallExpression': return this.call(node);
      default: return this.fail('PARSE', `unsupported expression (${node.type})`);
    }
  }

  member(node: ExprNode): Value | typeof MISSING {
    const obj = this.lenient(node.object as ExprNode);
    const prop = node.property as ExprNode;
    const key = node.computed ? this.value(prop) : (prop.name as string);
    if (typeof key !== 'string' && typeof key !== 'number') this.fail('SCHEMA', `index of '${describe(node)}' must be a string or number`);
    if (BLOCKED_NAMES.has(String(key))) this.fail('PARSE', `access to '${String(key)}' is not allowed`);
    if (obj === MISSING) return MISSING;
    const found = ownProperty(obj, key);
    return found === undefined ? MISSING : found;
  }

  unary(node: ExprNode): Value {
    const v = this.value(node.argument as ExprNode);
    switch (node.operator) {
      case 'not': case '!': return !truthy(v);
      case '-': return -this.number(v, '-');
      case '+': return this.number(v, '+');
      default: return this.fail('PARSE', `unsupported operator '${String(node.operator)}'`);
    }
  }

  number(v: unknown, op: string): number {
    if (typeof v !== 'number') this.fail('SCHEMA', `'${op}' expects numbers, got ${typeName(v)}`);
    return v;
  }

  binary(node: ExprNode): Value {
    const op = node.operator as string;
    const left = node.left as ExprNode;
    const right = node.right as ExprNode;
    if (op === 'and' || op === '&&') { const l = this.value(left); return truthy(l) ? this.value(right) : l; }
    if (op === 'or' || op === '||') { const l = this.value(left); return truthy(l) ? l : this.value(right); }
    if (op === '|') return this.pipe(left, right);
    if (op === 'is') return this.test(left, right);
    const l = this.value(left);
    const r = this.value(right);
    switch (op) {
      case '==': case '===': return deepEqual(l, r);
      case '!=': case '!==': return !deepEqual(l, r);
      case 'in': case 'not in': {
        const found = contains(r, l);
        if (found === undefined) this.fail('SCHEMA', `'${op}' needs a list, mapping or string on its right, got ${typeName(r)}`);
        return op === 'in' ? found : !found;
      }
      case '<': case '>': case '<=': case '>=': return this.compare(op, l, r);
      case '+':
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
        return this.number(l, op) + this.number(r, op);
      case '~': return stringify(l) + stringify(r);
      case '-': return this.number(l, op) - this.number(r, op);
      case '*': return this.number(l, op) * this.number(r, op);
      case '/': return this.number(l, op) / this.number(r, op);
      case '%': return this.number(l, op) % this.number(r, op);
      default: return this.fail('PARSE', `unsupported operator '${op}'`);
    }
  }

  compare(op: string, l: unknown, r: unknown): boolean {
    const same = (typeof l === 'number' && typeof r === 'number') || (typeof l === 'string' && typeof r === 'string');
    if (!same) this.fail('SCHEMA', `cannot compare ${typeName(l)} ${op} ${typeName(r)}`, 'two numbers or two strings (convert with | int)');
    const [a, b] = [l as number, r as number];
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }

  /** `value | filter` or `value | filter(args)`, with the template helpers as filters. */
  pipe(left: ExprNode, right: ExprNode): Value {
    const call = right.type === 'CallExpression' ? right : undefined;
    const callee = (call ? call.callee : right) as ExprNode;
    if (callee.type !== 'Identifier') this.fail('PARSE', `expected a filter name after '|'`);
    if (callee.name === 'list' && !call) return this.value(left); // Jinja's list() of a generator: already a list
    const filter = findFilter(callee.name as string) ?? this.fail('UNDEFINED', `unknown filter '${String(callee.name)}'`);
    const input = filter.lenient ? this.lenient(left) : this.value(left);
    const args = ((call?.arguments ?? []) as ExprNode[]).map((a) => this.value(a));
    try {
      return filter.fn([input === MISSING ? undefined : input, ...args], {});
    } catch (err) {
      if (err instanceof TsrunError) this.fail(err.code as 'SCHEMA', err.message, err.expected);
      throw err;
    }
  }

  /** `value is test`, `value is not test`, `value is test(args)`. */
  test(left: ExprNode, right: ExprNode): boolean {
    let node = right;
    let negate = false;
    if (node.type === 'UnaryExpression' && node.operator === 'not') { negate = true; node = node.argument as ExprNode; }
    const call = node.type === 'CallExpression' ? node : undefined;
    const target = (call ? call.callee : node) as ExprNode;
    const name = target.type === 'Identifier' ? (target.name as string) : target.type === 'Literal' ? String(target.raw).toLowerCase() : '';
    const test = tests.get(name) ?? this.fail('PARSE', `unknown test 'is ${name || describe(target)}'`, `one of ${[...tests.keys()].join(', ')}`);
    const v = LENIENT_TESTS.has(name) ? this.lenient(left) : this.value(left);
    const args = ((call?.arguments ?? []) as ExprNode[]).map((a) => this.value(a));
    try {
      return test(v === MISSING ? undefined : v, args) !== negate;
    } catch (err) {
      if (err instanceof TsrunError) this.fail('SCHEMA', err.message, err.expected);
      throw err;
    }
  }

  /** Only the whitelisted methods, on the value they are called on. */
  call(node: ExprNode): Value {
    const callee = node.callee as ExprNode;
    const method = callee.type === 'MemberExpression' && !callee.computed ? ((callee.property as ExprNode).name as string) : undefined;
    if (method === undefined || !Object.hasOwn(METHODS, method)) {
      this.fail('PARSE', `function calls are not allowed in expressions ('${describe(callee)}(...)'); use filters (x | length) or tests (x is defined)`,
        `a filter after |, or a method among ${Object.keys(METHODS).join(', ')}`);
    }
    const self = this.value(callee.object as ExprNode);
    return METHODS[method](self, (node.arguments as ExprNode[]).map((a) => this.value(a)));
  }
}

/** Evaluates a `when`-style expression (Python/Jinja syntax) with the given variables; never runs code. */
export function evaluate(expr: string, vars: Record<string, unknown>, where: RenderWhere = {}): unknown {
  const ast = parseExpression(expr, where);
  return new Evaluator(vars, { ...where, what: where.what ?? `expression '${expr}'` }).value(ast);
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
