import { TsrunError } from '../../core/errors';
import { tests } from '../../expr/tests';
import { contains, deepEqual, isMapping, ownProperty, truthy, typeName } from '../../expr/values';
import { stringify } from './data';
import { type Filter, asList, asString, wrongType } from './types';

function asMapping(filter: string, value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw wrongType(filter, 'a mapping', value);
}

/** Reads a dotted attribute path (`a.b`) from an item; undefined when any step is missing. */
function attribute(item: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, key) => ownProperty(cur, key), item);
}

function requireAttr(filter: string, attr: unknown): string {
  return asString(filter, attr);
}

/**
 * Jinja's selectattr/rejectattr condition: `(attr)` is truthiness, `(attr, test, args...)` applies a test
 * (`'defined'`, `'equalto'`, `'=='`, `'match'`...). A second argument that names no test compares for equality:
 * the Handlebars helper's older form `select_attr users "role" "web"`.
 */
function attrMatches(item: unknown, path: string, rest: unknown[]): boolean {
  const value = attribute(item, path);
  if (rest.length === 0) return truthy(value);
  const test = typeof rest[0] === 'string' ? tests.get(rest[0]) : undefined;
  return test ? test(value, rest.slice(1)) : deepEqual(value, rest[0]);
}

function order(a: unknown, b: unknown): number {
  const x = typeof a === 'string' ? a.toLowerCase() : a;
  const y = typeof b === 'string' ? b.toLowerCase() : b;
  if (typeof x !== typeof y || (typeof x !== 'string' && typeof x !== 'number')) {
    throw new TsrunError('SCHEMA', `sort cannot compare ${typeName(a)} with ${typeName(b)}`, { expected: 'numbers or strings' });
  }
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>, recursive: boolean): Record<string, unknown> {
  const out = { ...target };
  for (const [k, v] of Object.entries(source)) {
    out[k] = recursive && isMapping(out[k]) && isMapping(v) ? merge(out[k] as Record<string, unknown>, v, true) : v;
  }
  return out;
}

function flatten(list: unknown[], levels: number): unknown[] {
  return list.flatMap((x) => (Array.isArray(x) && levels > 0 ? flatten(x, levels - 1) : [x]));
}

/** Lists and mappings. */
export const listFilters: Filter[] = [
  {
    name: 'list', signature: 'ITEM...', description: 'A list of the arguments (to iterate over literals).',
    example: { template: '{{#each (list "a" "b")}}{{this}};{{/each}}', output: 'a;b;' }, fn: (args) => args,
  },
  {
    name: 'dict', signature: 'key=VALUE...', description: 'A mapping of the named arguments.',
    example: { template: '{{to_json (dict port=80)}}', output: '{"port":80}' }, fn: (_args, named) => ({ ...named }),
  },
  {
    name: 'join', signature: 'LIST [SEP]', description: 'The items of LIST as text, separated by SEP (default none).',
    example: { template: '{{join nodes ", "}}', vars: { nodes: ['a', 'b'] }, output: 'a, b' },
    fn: ([v, sep]) => asList('join', v).map(stringify).join(sep === undefined ? '' : asString('join', sep)),
  },
  {
    name: 'first', signature: 'LIST', description: 'The first item of LIST (or first character of a text).',
    example: { template: '{{first nodes}}', vars: { nodes: ['a', 'b'] }, output: 'a' },
    fn: ([v]) => (typeof v === 'string' ? v.charAt(0) : asList('first', v)[0]),
  },
  {
    name: 'last', signature: 'LIST', description: 'The last item of LIST (or last character of a text).',
    example: { template: '{{last nodes}}', vars: { nodes: ['a', 'b'] }, output: 'b' },
    fn: ([v]) => (typeof v === 'string' ? v.slice(-1) : asList('last', v).at(-1)),
  },
  {
    name: 'length', aliases: ['count'], signature: 'VALUE', description: 'Number of items in a list or mapping, or characters in a text.',
    example: { template: '{{length nodes}}', vars: { nodes: ['a', 'b'] }, output: '2' },
    fn: ([v]) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      return Object.keys(asMapping('length', v)).length;
    },
  },
  {
    name: 'unique', signature: 'LIST', description: 'LIST without repeated items, in first-seen order.',
    example: { template: '{{join (unique x) ","}}', vars: { x: [1, 2, 1] }, output: '1,2' },
    fn: ([v]) => asList('unique', v).filter((x, i, all) => all.findIndex((y) => deepEqual(x, y)) === i),
  },
  {
    name: 'sort', signature: 'LIST [reverse=true] [attribute=NAME]', description: 'LIST sorted (text case-insensitively), optionally by an attribute of its items.',
    example: { template: '{{join (sort x) ","}}', vars: { x: ['b', 'A', 'c'] }, output: 'A,b,c' },
    fn: ([v], named) => {
      const attr = named.attribute === undefined ? undefined : requireAttr('sort', named.attribute);
      const key = (x: unknown): unknown => (attr === undefined ? x : attribute(x, attr));
      const sorted = [...asList('sort', v)].sort((a, b) => order(key(a), key(b)));
      return named.reverse === true ? sorted.reverse() : sorted;
    },
  },
  {
    name: 'keys', signature: 'MAPPING', description: 'The keys of MAPPING.',
    example: { template: '{{join (keys m) ","}}', vars: { m: { a: 1, b: 2 } }, output: 'a,b' }, fn: ([v]) => Object.keys(asMapping('keys', v)),
  },
  {
    name: 'values', signature: 'MAPPING', description: 'The values of MAPPING.',
    example: { template: '{{join (values m) ","}}', vars: { m: { a: 1, b: 2 } }, output: '1,2' }, fn: ([v]) => Object.values(asMapping('values', v)),
  },
  {
    name: 'dict2items', signature: 'MAPPING [key_name=key] [value_name=value]', description: 'MAPPING as a list of {key, value} items.',
    example: { template: '{{#each (dict2items m)}}{{key}}={{value}} {{/each}}', vars: { m: { a: 1, b: 2 } }, output: 'a=1 b=2 ' },
    fn: ([v], named) => {
      const k = named.key_name === undefined ? 'key' : asString('dict2items', named.key_name);
      const val = named.value_name === undefined ? 'value' : asString('dict2items', named.value_name);
      return Object.entries(asMapping('dict2items', v)).map(([key, value]) => ({ [k]: key, [val]: value }));
    },
  },
  {
    name: 'items2dict', signature: 'LIST [key_name=key] [value_name=value]', description: 'A list of {key, value} items as a mapping.',
    example: { template: '{{to_json (items2dict x)}}', vars: { x: [{ key: 'a', value: 1 }] }, output: '{"a":1}' },
    fn: ([v], named) => {
      const k = named.key_name === undefined ? 'key' : asString('items2dict', named.key_name);
      const val = named.value_name === undefined ? 'value' : asString('items2dict', named.value_name);
      return Object.fromEntries(asList('items2dict', v).map((item) => [asString('items2dict', attribute(item, k)), attribute(item, val)]));
    },
  },
  {
    name: 'map_attr', aliases: ['map_attribute'], signature: 'LIST ATTR [default=VALUE]', description: "The ATTR of every item (Ansible's map(attribute=ATTR)); dotted paths allowed.",
    example: { template: '{{join (map_attr users "name") ","}}', vars: { users: [{ name: 'ann' }, { name: 'bob' }] }, output: 'ann,bob' },
    fn: ([v, attr], named) =>
      asList('map_attr', v).map((item, i) => {
        const value = attribute(item, requireAttr('map_attr', attr));
        if (value !== undefined) return value;
        if (Object.hasOwn(named, 'default')) return named.default;
        throw new TsrunError('UNDEFINED', `map_attr: item ${i} has no attribute '${String(attr)}'`);
      }),
  },
  {
    name: 'select_attr', aliases: ['selectattr'], signature: 'LIST ATTR [TEST [ARGS...]]', description: 'The items whose ATTR is truthy, or passes TEST (a test name such as defined, equalto, match; any other value: equals it).',
    example: { template: '{{join (map_attr (select_attr users "admin") "name") ","}}', vars: { users: [{ name: 'ann', admin: true }, { name: 'bob' }] }, output: 'ann' },
    fn: (args) => {
      const [v, attr] = args;
      const path = requireAttr('select_attr', attr);
      return asList('select_attr', v).filter((item) => attrMatches(item, path, args.slice(2)));
    },
  },
  {
    name: 'reject_attr', aliases: ['rejectattr'], signature: 'LIST ATTR [TEST [ARGS...]]', description: 'The items select_attr would leave out.',
    example: { template: '{{join (map_attr (reject_attr users "admin") "name") ","}}', vars: { users: [{ name: 'ann', admin: true }, { name: 'bob' }] }, output: 'bob' },
    fn: (args) => {
      const [v, attr] = args;
      const path = requireAttr('reject_attr', attr);
      return asList('reject_attr', v).filter((item) => !attrMatches(item, path, args.slice(2)));
    },
  },
  {
    name: 'contains', signature: 'CONTAINER ITEM', description: 'True when ITEM is in CONTAINER (list member, mapping key or substring).',
    example: { template: '{{contains groups "web"}}', vars: { groups: ['web', 'db'] }, output: 'true' },
    fn: ([c, item]) => contains(c, item) ?? (() => { throw wrongType('contains', 'a list, mapping or text', c); })(),
  },
  {
    name: 'in', signature: 'ITEM CONTAINER', description: 'True when ITEM is in CONTAINER (contains with the arguments swapped).',
    example: { template: '{{in "b" "abc"}}', output: 'true' },
    fn: ([item, c]) => contains(c, item) ?? (() => { throw wrongType('in', 'a list, mapping or text', c); })(),
  },
  {
    name: 'range', signature: '[START] END [STEP]', description: 'Numbers from START (default 0) up to but not including END.',
    example: { template: '{{join (range 3) ","}}', output: '0,1,2' },
    fn: (args) => {
      const nums = args.map((a) => (typeof a === 'number' ? a : Number.NaN));
      const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
      if ([start, end, step].some((n) => !Number.isInteger(n)) || step === 0) throw wrongType('range', 'integers (and a non-zero step)', args);
      const out: number[] = [];
      for (let i = start; step > 0 ? i < end : i > end; i += step) {
        if (out.length >= 100_000) throw new TsrunError('SCHEMA', 'range is limited to 100000 items');
        out.push(i);
      }
      return out;
    },
  },
  {
    name: 'concat', signature: 'LIST LIST...', description: 'The lists joined into one list.',
    example: { template: '{{join (concat a b) ","}}', vars: { a: [1], b: [2, 3] }, output: '1,2,3' },
    fn: (args) => args.flatMap((a) => asList('concat', a)),
  },
  {
    name: 'merge', aliases: ['combine'], signature: 'MAPPING MAPPING... [recursive=true]', description: "The mappings merged, later keys winning (Ansible's combine); recursive=true merges nested mappings.",
    example: { template: '{{to_json (merge a b)}}', vars: { a: { x: 1, y: 1 }, b: { y: 2 } }, output: '{"x":1,"y":2}' },
    fn: (args, named) => args.reduce<Record<string, unknown>>((acc, m) => merge(acc, asMapping('merge', m), named.recursive === true), {}),
  },
  {
    name: 'flatten', signature: 'LIST [LEVELS]', description: 'Nested lists flattened (all levels, or LEVELS deep).',
    example: { template: '{{join (flatten x) ","}}', vars: { x: [1, [2, [3]]] }, output: '1,2,3' },
    fn: ([v, levels = undefined], named) => flatten(asList('flatten', v), typeof (levels ?? named.levels) === 'number' ? Number(levels ?? named.levels) : Infinity),
  },
  {
    name: 'min', signature: 'LIST', description: 'The smallest item of LIST.',
    example: { template: '{{min x}}', vars: { x: [3, 1, 2] }, output: '1' }, fn: ([v]) => [...asList('min', v)].sort(order)[0],
  },
  {
    name: 'max', signature: 'LIST', description: 'The largest item of LIST.',
    example: { template: '{{max x}}', vars: { x: [3, 1, 2] }, output: '3' }, fn: ([v]) => [...asList('max', v)].sort(order).at(-1),
  },
  {
    name: 'sum', signature: 'LIST', description: 'The sum of the numbers in LIST.',
    example: { template: '{{sum x}}', vars: { x: [1, 2, 3] }, output: '6' },
    fn: ([v]) => asList('sum', v).reduce<number>((acc, n) => {
      if (typeof n !== 'number') throw wrongType('sum', 'a list of numbers', n);
      return acc + n;
    }, 0),
  },
];
