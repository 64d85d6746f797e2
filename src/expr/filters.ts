import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { TsrunError } from '../core/errors';
import { findFilter } from '../template/filters/index';
import type { Node } from './ast';
import { type Scope, defined, evalNode, exprError, value } from './evaluate';
import { percentFormat, pyJson, pyRepr, pyStr, Undef } from './pyvalues';
import { tests } from './tests';
import { deepEqual, isMapping, ownProperty, truthy, typeName } from './values';

/** A filter of the expression language: the input, positional and keyword arguments. */
type JinjaFilter = (scope: Scope, input: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function attr(item: unknown, path: unknown): unknown {
  return String(path).split('.').reduce<unknown>((cur, key) => ownProperty(cur, key), item);
}

function list(scope: Scope, v: unknown, filter: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMapping(v)) return Object.keys(v);
  if (typeof v === 'string') return [...v];
  throw exprError(scope, 'SCHEMA', `${filter} expects a list, got ${typeName(v)}`, 'a list');
}

function testOf(scope: Scope, name: unknown) {
  const test = typeof name === 'string' ? tests.get(name) : undefined;
  if (!test) throw exprError(scope, 'PARSE', `unknown test '${String(name)}'`, `one of ${[...tests.keys()].filter((t) => /^\w+$/.test(t)).join(', ')}`);
  return test;
}

function selecting(keep: boolean): JinjaFilter {
  return (scope, input, [name, ...args]) => list(scope, input, keep ? 'select' : 'reject').filter((item) => {
    const ok = name === undefined ? truthy(item) : testOf(scope, name)(item, args);
    return ok === keep;
  });
}

function selectingAttr(keep: boolean): JinjaFilter {
  return (scope, input, [path, name, ...args]) => list(scope, input, keep ? 'selectattr' : 'rejectattr').filter((item) => {
    const v = attr(item, path);
    // as in Ansible, a missing attribute is an error when its truth is asked (a test such as 'defined' sees it)
    const ok = name === undefined ? truthy(v ?? defined(scope, new Undef(`item.${String(path)}`))) : testOf(scope, name)(v, args);
    return ok === keep;
  });
}

function applyFilter(scope: Scope, name: string, input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const own = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
  if (own) return own(scope, input, args, kwargs);
  const shared = findFilter(name);
  if (!shared) throw exprError(scope, 'PARSE', `unknown filter '${name}'`, 'a filter listed in docs/templates.md');
  return shared.fn([input, ...args], kwargs);
}

/** Python's round (Jinja's 'common' method): a tie goes to the even neighbour, so 2.5 rounds to 2. */
function halfEven(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function sortKey(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function cmp(a: unknown, b: unknown): number {
  const [x, y] = [sortKey(a), sortKey(b)];
  if (typeof x !== typeof y) throw new TsrunError('SCHEMA', `cannot compare ${typeName(a)} with ${typeName(b)}`);
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function combine(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = recursive && isMapping(out[k]) && isMapping(v) ? combine(out[k], v, true) : v;
  return out;
}

function unique(items: unknown[]): unknown[] {
  return items.filter((x, i) => items.findIndex((y) => deepEqual(x, y)) === i);
}

function pyRegex(pattern: unknown, flags = ''): RegExp {
  return new RegExp(String(pattern).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'), flags);
}

/** Filters whose Jinja form differs from the Handlebars helper of the same name, or that only Jinja has. */
const FILTERS: Record<string, JinjaFilter> = {
  map: (scope, input, [name, ...args], kwargs) => {
    const items = list(scope, input, 'map');
    if (name === undefined) {
      if (kwargs.attribute === undefined) throw exprError(scope, 'SCHEMA', "map needs a filter name or attribute='...'");
      return items.map((i) => attr(i, kwargs.attribute) ?? (Object.hasOwn(kwargs, 'default') ? kwargs.default : defined(scope, new Undef(`item.${String(kwargs.attribute)}`))));
    }
    return items.map((i) => applyFilter(scope, String(name), i, args, kwargs));
  },
  select: selecting(true),
  reject: selecting(false),
  selectattr: selectingAttr(true),
  rejectattr: selectingAttr(false),
  extract: (scope, key, [container, more]) => {
    let v = ownProperty(container, key as string);
    for (const k of more === undefined ? [] : Array.isArray(more) ? more : [more]) v = ownProperty(v, k as string);
    return defined(scope, v === undefined ? new Undef(`extract(${pyStr(key)})`) : v);
  },
  format: (_scope, input, args) => percentFormat(String(input), args),
  combine: (scope, input, args, kwargs) => {
    const all = [input, ...args].flat();
    for (const m of all) if (!isMapping(m)) throw exprError(scope, 'SCHEMA', `combine expects mappings, got ${typeName(m)}`);
    return (all as Record<string, unknown>[]).reduce((acc, m) => combine(acc, m, kwargs.recursive === true), {});
  },
  list: (scope, input) => list(scope, input, 'list'),
  string: (_scope, input) => pyStr(input),
  to_json: (_scope, input) => pyJson(input),
  abs: (scope, input) => Math.abs(Number(defined(scope, input))),
  round: (_scope, input, [precision = 0, method = 'common']) => {
    const f = 10 ** Number(precision);
    const n = Number(input) * f;
    const r = method === 'ceil' ? Math.ceil(n) : method === 'floor' ? Math.floor(n) : halfEven(n);
    return r / f;
  },
  reverse: (scope, input) => (typeof input === 'string' ? [...input].reverse().join('') : [...list(scope, input, 'reverse')].reverse()),
  title: (_scope, input) => String(input).replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  wordcount: (_scope, input) => String(input).split(/\s+/).filter(Boolean).length,
  count: (scope, input) => (typeof input === 'string' ? input.length : list(scope, input, 'count').length),
  length: (scope, input) => (typeof input === 'string' ? input.length : isMapping(input) ? Object.keys(input).length : list(scope, input, 'length').length),
  first: (scope, input) => list(scope, input, 'first')[0] ?? new Undef('first of an empty list'),
  last: (scope, input) => list(scope, input, 'last').at(-1) ?? new Undef('last of an empty list'),
  join: (scope, input, [sep = ''], kwargs) => list(scope, input, 'join').map((i) => pyStr(kwargs.attribute !== undefined ? attr(i, kwargs.attribute) : i)).join(String(sep)),
  sum: (scope, input, [attribute, start = 0], kwargs) => {
    const path = kwargs.attribute ?? attribute;
    const st = kwargs.start ?? start;
    return list(scope, input, 'sum').reduce<unknown>((acc, i) => {
      const v = path !== undefined ? attr(i, path) : i;
      if (Array.isArray(acc) && Array.isArray(v)) return [...acc, ...v];
      return Number(acc) + Number(v);
    }, st);
  },
  sort: (scope, input, [reverse = false, caseSensitive = false, attribute], kwargs) => {
    const rev = kwargs.reverse ?? reverse;
    const path = kwargs.attribute ?? attribute;
    const sensitive = (kwargs.case_sensitive ?? caseSensitive) === true;
    const key = (v: unknown) => (path !== undefined ? attr(v, path) : v);
    const out = [...list(scope, input, 'sort')].sort((a, b) => (sensitive ? ((key(a) as number) < (key(b) as number) ? -1 : (key(a) as number) > (key(b) as number) ? 1 : 0) : cmp(key(a), key(b))));
    return rev === true ? out.reverse() : out;
  },
  unique: (scope, input) => unique(list(scope, input, 'unique')),
  union: (scope, input, [other]) => unique([...list(scope, input, 'union'), ...list(scope, other, 'union')]),
  intersect: (scope, input, [other]) => unique(list(scope, input, 'intersect').filter((x) => list(scope, other, 'intersect').some((y) => deepEqual(x, y)))),
  difference: (scope, input, [other]) => unique(list(scope, input, 'difference').filter((x) => !list(scope, other, 'difference').some((y) => deepEqual(x, y)))),
  symmetric_difference: (scope, input, [other]) => {
    const [a, b] = [list(scope, input, 'symmetric_difference'), list(scope, other, 'symmetric_difference')];
    return unique([...a.filter((x) => !b.some((y) => deepEqual(x, y))), ...b.filter((x) => !a.some((y) => deepEqual(x, y)))]);
  },
  zip: (scope, input, others) => {
    const lists = [input, ...others].map((l) => list(scope, l, 'zip'));
    return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_x, i) => lists.map((l) => l[i]));
  },
  min: (scope, input, _args, kwargs) => [...list(scope, input, 'min')].sort((a, b) => cmp(kwargs.attribute !== undefined ? attr(a, kwargs.attribute) : a, kwargs.attribute !== undefined ? attr(b, kwargs.attribute) : b))[0],
  max: (scope, input, _args, kwargs) => [...list(scope, input, 'max')].sort((a, b) => cmp(kwargs.attribute !== undefined ? attr(a, kwargs.attribute) : a, kwargs.attribute !== undefined ? attr(b, kwargs.attribute) : b)).at(-1),
  int: (_scope, input, [fallback = 0, base = 10], kwargs) => {
    const b = Number(kwargs.base ?? base);
    if (typeof input === 'boolean') return input ? 1 : 0;
    if (typeof input === 'number') return Math.trunc(input);
    const text = String(input).trim();
    const n = b === 10 ? Number(text) : Number.parseInt(text.replace(/^0[xob]/i, ''), b);
    return Number.isNaN(n) || text === '' ? (kwargs.default ?? fallback) : Math.trunc(n);
  },
  regex_findall: (_scope, input, [pattern], kwargs) => {
    const re = pyRegex(pattern, `g${kwargs.ignorecase === true ? 'i' : ''}${kwargs.multiline === true ? 'm' : ''}`);
    return [...String(input).matchAll(re)].map((m) => (m.length > 2 ? m.slice(1) : m[1] ?? m[0]));
  },
  regex_escape: (_scope, input) => String(input).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
  hash: (_scope, input, [algo = 'sha1']) => createHash(String(algo)).update(String(input)).digest('hex'),
  md5: (_scope, input) => createHash('md5').update(String(input)).digest('hex'),
  sha1: (_scope, input) => createHash('sha1').update(String(input)).digest('hex'),
  checksum: (_scope, input) => createHash('sha1').update(String(input)).digest('hex'),
  type_debug: (_scope, input) => (input === null ? 'NoneType' : typeof input === 'string' ? 'str' : typeof input === 'boolean' ? 'bool' : typeof input === 'number' ? (Number.isInteger(input) ? 'int' : 'float') : Array.isArray(input) ? 'list' : 'dict'),
  items: (scope, input) => {
    if (!isMapping(input)) throw exprError(scope, 'SCHEMA', `items expects a mapping, got ${typeName(input)}`);
    return Object.entries(input);
  },
  dict: (scope, input) => Object.fromEntries(list(scope, input, 'dict') as [string, unknown][]),
  center: (_scope, input, [width = 80]) => {
    const s = String(input);
    const pad = Math.max(0, Number(width) - s.length);
    return ' '.repeat(Math.floor(pad / 2)) + s + ' '.repeat(Math.ceil(pad / 2));
  },
  pprint: (_scope, input) => pyRepr(input),
  // PyYAML's default: collections of scalars in flow style (`a: [1, 2]`), others as blocks
  to_yaml: (_scope, input) => {
    const doc = new YAML.Document(input);
    YAML.visit(doc, {
      Seq: (_k, n) => { if (n.items.every((i) => YAML.isScalar(i))) n.flow = true; },
      Map: (_k, n) => { if (n !== doc.contents && n.items.every((p) => YAML.isScalar(p.value))) n.flow = true; },
    });
    return doc.toString({ flowCollectionPadding: false, lineWidth: 0 });
  },
  // Python's shlex.quote
  quote: (_scope, input) => {
    const s = pyStr(input);
    return s !== '' && /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
  },
  repr: (_scope, input) => pyRepr(input),
};

/** Filters that accept an undefined input (default, mandatory...) as the Handlebars helpers declare it. */
function lenient(name: string): boolean {
  return !Object.hasOwn(FILTERS, name) && findFilter(name)?.lenient === true;
}

/** `input | name(args)`: the expression language's filters first, then the shared template helpers. */
export function callFilter(scope: Scope, node: Extract<Node, { k: 'filter' }>): unknown {
  const raw = evalNode(scope, node.input);
  const input = raw instanceof Undef ? (lenient(node.name) ? undefined : defined(scope, raw)) : raw;
  const args = node.args.map((a) => value(scope, a));
  const kwargs = Object.fromEntries(node.kwargs.map(([k, v]) => [k, value(scope, v)]));
  try {
    return applyFilter(scope, node.name, input, args, kwargs);
  } catch (err) {
    if (err instanceof TsrunError && !err.location) throw exprError(scope, err.code as 'SCHEMA', `${node.name}: ${err.message}`, err.expected);
    throw err;
  }
}

/** Whether a filter name is known (load-time checks). */
export function isFilter(name: string): boolean {
  return Object.hasOwn(FILTERS, name) || findFilter(name) !== undefined;
}

/** The filters only the expression language has (or has in its own form), for the reference's completeness test. */
export function jinjaFilterNames(): string[] {
  return Object.keys(FILTERS);
}
