import picomatch from 'picomatch';
import { didYouMean } from '../modules/args';
import { TsrunError } from '../core/errors';
import type { Inventory } from './types';

const SUBSCRIPT = /^(.+)\[(?:(-?\d+)|(\d+):(\d+)?)\]$/;

/**
 * Selects hosts as Ansible does: `all`, `*`, group and host names, globs (`web*`), regexes (`~web[12]`,
 * matched from the start), subscripts (`web[0]`, `web[1:2]`), unions (`a:b`, `a,b`), intersections
 * (`a:&b`) and exclusions (`a:!b`), applied unions first, then intersections, then exclusions.
 * `limit` uses the same syntax and intersects. Returns names in inventory order; a term that
 * matches no host or group is an error naming it.
 */
export function selectHosts(inv: Inventory, pattern: string, limit?: string): string[] {
  let picked = evaluate(inv, pattern);
  if (limit !== undefined && limit.trim() !== '') {
    const allowed = evaluate(inv, limit);
    picked = new Set([...picked].filter((h) => allowed.has(h)));
  }
  const rank = new Map(inv.order.map((h, i) => [h, i]));
  return [...picked].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/** Splits a pattern into terms: on commas if it has any, else on colons outside [...]. */
export function splitPattern(pattern: string): string[] {
  const parts = pattern.includes(',') ? pattern.split(',') : (pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function evaluate(inv: Inventory, pattern: string): Set<string> {
  const terms = inv.hosts.has(pattern.trim()) ? [pattern.trim()] : splitPattern(pattern);
  const plain = terms.filter((t) => t[0] !== '&' && t[0] !== '!');
  const ordered = [...(plain.length ? plain : ['all']), ...terms.filter((t) => t[0] === '&'), ...terms.filter((t) => t[0] === '!')];
  let hosts = new Set<string>();
  for (const term of ordered) {
    if (term[0] === '&') {
      const that = matchTerm(inv, term.slice(1));
      hosts = new Set([...hosts].filter((h) => that.has(h)));
    } else if (term[0] === '!') {
      const that = matchTerm(inv, term.slice(1));
      hosts = new Set([...hosts].filter((h) => !that.has(h)));
    } else {
      matchTerm(inv, term).forEach((h) => hosts.add(h));
    }
  }
  return hosts;
}

function matchTerm(inv: Inventory, term: string): Set<string> {
  const sub = term[0] === '~' ? null : SUBSCRIPT.exec(term);
  if (!sub) return new Set(enumerate(inv, term));
  const found = enumerate(inv, sub[1]);
  const at = (i: number): number => (i < 0 ? found.length + i : i);
  const picked = sub[2] !== undefined ? found.slice(at(Number(sub[2])), at(Number(sub[2])) + 1) : found.slice(Number(sub[3]), sub[4] === undefined ? undefined : Number(sub[4]) + 1);
  if (picked.length === 0) throw new TsrunError('SCHEMA', `no hosts matched the subscripted pattern "${term}" (${found.length} hosts before the subscript)`, { expected: 'an index within the group' });
  return new Set(picked);
}

/** Hosts a single term names, in inventory order: matching groups' members, else (or for globs/regexes) matching hosts. */
function enumerate(inv: Inventory, term: string): string[] {
  const test = matcher(term);
  const groups = [...inv.groups.keys()].filter((g) => test(g));
  const out = new Set<string>();
  for (const g of groups) for (const h of inv.order) if (inv.hosts.get(h)?.groups.includes(g)) out.add(h);
  if (groups.length === 0 || /^~|[.?*[]/.test(term)) {
    for (const h of inv.order) if (test(h)) out.add(h);
  }
  if (out.size === 0 && groups.length === 0 && inv.hosts.get(term)?.implicit) out.add(term);
  if (out.size === 0 && groups.length === 0) {
    throw new TsrunError('SCHEMA', `host pattern "${term}" matches no host or group${didYouMean(term, [...inv.groups.keys(), ...inv.order])}`, {
      expected: 'a host or group name, a glob such as web*, or ~regex',
    });
  }
  return [...out];
}

function matcher(term: string): (name: string) => boolean {
  if (term[0] === '~') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${term.slice(1)})`);
    } catch (e) {
      throw new TsrunError('PARSE', `invalid regular expression in host pattern "${term}": ${(e as Error).message}`, { cause: e });
    }
    return (name) => re.test(name);
  }
  if (!/[*?[]/.test(term)) return (name) => name === term;
  // fnmatch negates a class with [!...]; picomatch spells it [^...].
  const glob = picomatch(term.replace(/\[!/g, '[^'), { dot: true });
  return (name) => glob(name);
}
