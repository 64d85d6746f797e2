import { type Scope, exprError } from './evaluate';
import { lookup } from './lookups';
import { percentFormat, pyStr } from './pyvalues';
import { isMapping, ownProperty, typeName } from './values';

type Method = (self: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function pySplit(s: string, sep: unknown, max: unknown): string[] {
  const limit = typeof max === 'number' && max >= 0 ? max : Infinity;
  if (sep === undefined || sep === null) {
    const words = s.trim().split(/\s+/).filter(Boolean);
    if (words.length - 1 <= limit) return words;
    const head = words.slice(0, limit);
    let rest = s.trim();
    for (const w of head) rest = rest.slice(rest.indexOf(w) + w.length).replace(/^\s+/, '');
    return [...head, rest];
  }
  const parts = s.split(String(sep));
  return parts.length - 1 <= limit ? parts : [...parts.slice(0, limit), parts.slice(limit).join(String(sep))];
}

function strip(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = typeof chars === 'string' ? chars : ' \t\n\r\f\v';
  let [a, b] = [0, s.length];
  while (left && a < b && set.includes(s[a])) a++;
  while (right && b > a && set.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

const STRING_METHODS: Record<string, Method> = {
  startswith: (s: string, [p]) => (Array.isArray(p) ? p.some((x) => s.startsWith(String(x))) : s.startsWith(String(p))),
  endswith: (s: string, [p]) => (Array.isArray(p) ? p.some((x) => s.endsWith(String(x))) : s.endsWith(String(p))),
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  strip: (s: string, [c]) => strip(s, c, true, true),
  lstrip: (s: string, [c]) => strip(s, c, true, false),
  rstrip: (s: string, [c]) => strip(s, c, false, true),
  split: (s: string, [sep, max]) => pySplit(s, sep, max),
  splitlines: (s: string) => s.split(/\r?\n/).filter((l, i, all) => i < all.length - 1 || l !== ''),
  replace: (s: string, [a, b, n]) => {
    if (typeof n !== 'number') return s.split(String(a)).join(String(b));
    let out = s;
    for (let i = 0, at = 0; i < n; i++) {
      const hit = out.indexOf(String(a), at);
      if (hit < 0) break;
      out = out.slice(0, hit) + String(b) + out.slice(hit + String(a).length);
      at = hit + String(b).length;
    }
    return out;
  },
  find: (s: string, [x]) => s.indexOf(String(x)),
  index: (s: string, [x]) => s.indexOf(String(x)),
  count: (s: string, [x]) => s.split(String(x)).length - 1,
  join: (s: string, [items]) => (Array.isArray(items) ? items.map(pyStr).join(s) : String(items)),
  format: (s: string, args, kwargs) => s.replace(/\{(\w*)\}/g, (_m, key: string) => {
    if (key === '') return pyStr(args.shift());
    return pyStr(/^\d+$/.test(key) ? args[Number(key)] : kwargs[key]);
  }),
  isdigit: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^[A-Za-z]+$/.test(s),
  isalnum: (s: string) => /^[A-Za-z0-9]+$/.test(s),
  zfill: (s: string, [w]) => s.padStart(Number(w), '0'),
};

const MAPPING_METHODS: Record<string, Method> = {
  get: (m: Record<string, unknown>, [key, fallback]) => ownProperty(m, String(key)) ?? fallback ?? null,
  keys: (m: Record<string, unknown>) => Object.keys(m),
  values: (m: Record<string, unknown>) => Object.values(m),
  items: (m: Record<string, unknown>) => Object.entries(m),
};

const LIST_METHODS: Record<string, Method> = {
  index: (l: unknown[], [x]) => l.indexOf(x),
  count: (l: unknown[], [x]) => l.filter((i) => i === x).length,
};

/** A method call on a value (`name.startswith('web')`, `d.items()`): only these, never a JavaScript method. */
export function callMethod(scope: Scope, self: unknown, name: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const table = typeof self === 'string' ? STRING_METHODS : isMapping(self) ? MAPPING_METHODS : Array.isArray(self) ? LIST_METHODS : {};
  const method = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!method) throw exprError(scope, 'SCHEMA', `a ${typeName(self)} has no method '${name}'`, `one of ${Object.keys(table).join(', ') || '(none)'}`);
  return method(self as never, [...args], kwargs);
}

function range(scope: Scope, args: unknown[]): number[] {
  const nums = args.map((a) => (typeof a === 'number' ? a : Number.NaN));
  if (nums.some((n) => !Number.isInteger(n))) throw exprError(scope, 'SCHEMA', 'range expects integers');
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw exprError(scope, 'SCHEMA', 'range step must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 100_000) throw exprError(scope, 'SCHEMA', 'range is too long (over 100000 items)');
  }
  return out;
}

/** Functions callable by name: range, lookup/query/q, dict, and the `%`-less format helpers. */
export function callGlobal(scope: Scope, name: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
  switch (name) {
    case 'range': return range(scope, args);
    case 'lookup': return lookup(scope, args, kwargs, kwargs.wantlist === true);
    case 'query': case 'q': return lookup(scope, args, kwargs, true);
    case 'dict': return { ...(isMapping(args[0]) ? args[0] : Object.fromEntries((args[0] as [string, unknown][] | undefined) ?? [])), ...kwargs };
    case 'undef': return undefined;
    case 'now': return new Date().toISOString();
    case 'format': return percentFormat(String(args[0]), args.slice(1));
    default: throw exprError(scope, 'PARSE', `unknown function '${name}'`, 'range, lookup, query, dict, or a filter after |');
  }
}
