import { TsrunError } from '../core/errors';
import { contains, deepEqual, isMapping, truthy, typeName } from './values';

/** A Jinja/Ansible test (`x is defined`, `result is changed`), given the value and the test's arguments. */
type Test = (value: unknown, args: unknown[], kwargs?: Record<string, unknown>) => boolean;

function result(name: string, value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw new TsrunError('SCHEMA', `'is ${name}' expects a registered task result, got ${typeName(value)}`, { expected: 'a registered result' });
}

/** The pattern of match/search/regex: `(pattern, ignorecase=False, multiline=False)`, by position or keyword. */
function regex(name: string, [pattern, ignorecase, multiline]: unknown[], kwargs: Record<string, unknown> = {}): RegExp {
  if (typeof pattern !== 'string') throw new TsrunError('SCHEMA', `'is ${name}' expects a pattern string`);
  const flags = ((kwargs.ignorecase ?? ignorecase) === true ? 'i' : '') + ((kwargs.multiline ?? multiline) === true ? 'm' : '');
  return new RegExp(pattern.replace(/\(\?P</g, '(?<'), flags);
}

/** Tests that may be applied to an undefined variable. */
export const LENIENT_TESTS: ReadonlySet<string> = new Set(['defined', 'undefined']);

/** The tests `is` understands. */
export const tests: ReadonlyMap<string, Test> = new Map<string, Test>([
  ['defined', (v) => v !== undefined],
  ['undefined', (v) => v === undefined],
  ['none', (v) => v === null],
  ['true', (v) => v === true],
  ['false', (v) => v === false],
  ['truthy', (v) => truthy(v)],
  ['falsy', (v) => !truthy(v)],
  ['string', (v) => typeof v === 'string'],
  ['number', (v) => typeof v === 'number'],
  ['integer', (v) => Number.isInteger(v)],
  ['float', (v) => typeof v === 'number' && !Number.isInteger(v)],
  ['boolean', (v) => typeof v === 'boolean'],
  ['mapping', (v) => isMapping(v)],
  ['sequence', (v) => Array.isArray(v) || typeof v === 'string'],
  ['iterable', (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v)],
  ['even', (v) => typeof v === 'number' && v % 2 === 0],
  ['odd', (v) => typeof v === 'number' && Math.abs(v % 2) === 1],
  ['changed', (v) => truthy(result('changed', v).changed)],
  ['failed', (v) => truthy(result('failed', v).failed)],
  ['succeeded', (v) => !truthy(result('succeeded', v).failed)],
  ['success', (v) => !truthy(result('success', v).failed)],
  ['skipped', (v) => truthy(result('skipped', v).skipped)],
  ['match', (v, args, kw) => typeof v === 'string' && regex('match', args, kw).exec(v)?.index === 0],
  ['search', (v, args, kw) => typeof v === 'string' && regex('search', args, kw).test(v)],
  ['in', (v, args) => contains(args[0], v) === true],
  ['contains', (v, args) => contains(v, args[0]) === true],
  ['regex', (v, args, kw) => typeof v === 'string' && regexTest(v, args, kw ?? {})],
  ['equalto', (v, [x]) => deepEqual(v, x)],
  ['eq', (v, [x]) => deepEqual(v, x)],
  ['==', (v, [x]) => deepEqual(v, x)],
  ['ne', (v, [x]) => !deepEqual(v, x)],
  ['!=', (v, [x]) => !deepEqual(v, x)],
  ['sameas', (v, [x]) => v === x],
  ['lt', (v, [x]) => order('lt', v, x) < 0],
  ['<', (v, [x]) => order('<', v, x) < 0],
  ['le', (v, [x]) => order('le', v, x) <= 0],
  ['<=', (v, [x]) => order('<=', v, x) <= 0],
  ['gt', (v, [x]) => order('gt', v, x) > 0],
  ['greaterthan', (v, [x]) => order('greaterthan', v, x) > 0],
  ['>', (v, [x]) => order('>', v, x) > 0],
  ['ge', (v, [x]) => order('ge', v, x) >= 0],
  ['>=', (v, [x]) => order('>=', v, x) >= 0],
  ['lessthan', (v, [x]) => order('lessthan', v, x) < 0],
  ['divisibleby', (v, [x]) => typeof v === 'number' && typeof x === 'number' && v % x === 0],
  ['lower', (v) => typeof v === 'string' && v === v.toLowerCase()],
  ['upper', (v) => typeof v === 'string' && v === v.toUpperCase()],
  ['callable', () => false],
  ['subset', (v, [x]) => Array.isArray(v) && Array.isArray(x) && v.every((i) => contains(x, i) === true)],
  ['superset', (v, [x]) => Array.isArray(v) && Array.isArray(x) && x.every((i) => contains(v, i) === true)],
  ['version', (v, args) => versionTest(v, args)],
  ['version_compare', (v, args) => versionTest(v, args)],
  ['abs', (v) => typeof v === 'string' && v.startsWith('/')],
]);

/** `regex(pattern, ignorecase, multiline, match_type='search')`: match_type may be match, search or fullmatch. */
function regexTest(v: string, args: unknown[], kwargs: Record<string, unknown>): boolean {
  const type = String(kwargs.match_type ?? args[3] ?? 'search');
  const re = regex('regex', args, kwargs);
  if (type === 'search') return re.test(v);
  if (type === 'match') return re.exec(v)?.index === 0;
  // anchored, so an alternative that is not the leftmost-first one may still match the whole string
  if (type === 'fullmatch') return new RegExp(`^(?:${re.source})$`, re.flags.replace('m', '')).test(v);
  throw new TsrunError('SCHEMA', `'is regex' does not know match_type '${type}'`, { expected: 'match, search or fullmatch' });
}

function order(name: string, a: unknown, b: unknown): number {
  const same = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!same) throw new TsrunError('SCHEMA', `'is ${name}' cannot compare ${typeName(a)} with ${typeName(b)}`, { expected: 'two numbers or two strings' });
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

const VERSION_OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0, '<=': (c) => c <= 0, le: (c) => c <= 0, '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0, '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0, '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

/** Loose version comparison as Python's LooseVersion: numbers compare as numbers, words as text. */
export function compareVersions(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|[a-z]+/gi) ?? [];
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1;
    if (y[i] === undefined) return 1;
    const [p, q] = [x[i], y[i]];
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    const c = numeric ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

function versionTest(v: unknown, [other, op = 'eq']: unknown[]): boolean {
  const check = VERSION_OPS[String(op)];
  if (!check) throw new TsrunError('SCHEMA', `'is version' does not know the operator '${String(op)}'`, { expected: Object.keys(VERSION_OPS).join(', ') });
  return check(compareVersions(String(v), String(other)));
}
