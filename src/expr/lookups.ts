import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { renderString } from '../template/render';
import { type Scope, exprError } from './evaluate';
import { isMapping } from './values';

/** Where lookup('file'/'template') searches: the role's folder, then the playbook's (Ansible's search path). */
function findFile(scope: Scope, kind: 'files' | 'templates', name: string): string {
  if (isAbsolute(name)) return name;
  const dirs = [scope.get('role_path'), scope.get('playbook_dir')].filter((d): d is string => typeof d === 'string');
  const candidates = dirs.flatMap((d) => [join(d, kind, name), join(d, name)]);
  const hit = candidates.find((c) => existsSync(c));
  if (!hit) throw exprError(scope, 'UNDEFINED', `lookup could not find the file '${name}'`, candidates.length ? `one of ${candidates.join(', ')}` : 'an absolute path');
  return hit;
}

function read(scope: Scope, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw exprError(scope, 'UNDEFINED', `lookup could not read '${path}': ${(err as Error).message}`);
  }
}

/** Ansible's inventory patterns over `groups`: names, groups, `a:b` union, `a:&b` intersection, `a:!b` exclusion. */
function hostnames(scope: Scope, pattern: string): string[] {
  const groups = scope.get('groups');
  const all = isMapping(groups) && Array.isArray(groups.all) ? (groups.all as string[]) : [];
  const one = (p: string): string[] => {
    if (p === 'all' || p === '*') return all;
    if (isMapping(groups) && Array.isArray(groups[p])) return groups[p] as string[];
    if (p.includes('*')) {
      const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return all.filter((h) => re.test(h));
    }
    return all.includes(p) ? [p] : [];
  };
  let out: string[] = [];
  for (const part of pattern.split(/[:,]/).map((s) => s.trim()).filter(Boolean)) {
    if (part.startsWith('!')) { const drop = new Set(one(part.slice(1))); out = out.filter((h) => !drop.has(h)); }
    else if (part.startsWith('&')) { const keep = new Set(one(part.slice(1))); out = out.filter((h) => keep.has(h)); }
    else out = [...new Set([...out, ...one(part)])];
  }
  return out;
}

type Plugin = (scope: Scope, term: string, kwargs: Record<string, unknown>) => unknown;

const PLUGINS: Record<string, Plugin> = {
  env: (_scope, term, kw) => process.env[term] ?? (kw.default !== undefined ? kw.default : ''),
  file: (scope, term, kw) => {
    const text = read(scope, findFile(scope, 'files', term));
    return kw.rstrip === false ? text : text.replace(/\s+$/, '');
  },
  template: (scope, term) => {
    const path = findFile(scope, 'templates', term);
    return renderString(read(scope, path), scope.vars ?? {}, { location: { file: path, line: 1, col: 1 } });
  },
  vars: (scope, term, kw) => {
    const v = scope.get(term);
    if (v !== undefined) return v;
    if (kw.default !== undefined) return kw.default;
    throw exprError(scope, 'UNDEFINED', `lookup('vars'): no variable '${term}'`);
  },
  inventory_hostnames: (scope, term) => hostnames(scope, term),
  items: (_scope, term) => term,
  // each term is one item, a list too (query('list', [1, 2]) is [[1, 2]]); items flattens one level
  list: (_scope, term) => [term],
};

/** `lookup(name, terms...)` / `query(name, terms...)`: lists come back joined with commas unless a list is wanted. */
export function lookup(scope: Scope, args: unknown[], kwargs: Record<string, unknown>, wantList: boolean): unknown {
  const [name, ...terms] = args;
  const plugin = typeof name === 'string' ? PLUGINS[name.replace(/^ansible\.builtin\./, '')] : undefined;
  if (!plugin) throw exprError(scope, 'PARSE', `unknown lookup '${String(name)}'`, `one of ${Object.keys(PLUGINS).join(', ')}`);
  const results = terms.flatMap((t) => {
    const r = plugin(scope, typeof t === 'string' ? t : (t as string), kwargs);
    return Array.isArray(r) && name !== 'vars' ? r : [r];
  });
  if (wantList) return results;
  // as Ansible: text results are joined with commas; other values (numbers, lists) stay a list, or the one value
  if (results.every((r) => typeof r === 'string')) return results.join(',');
  return results.length === 1 ? results[0] : results;
}
