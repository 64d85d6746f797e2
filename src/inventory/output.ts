import { didYouMean } from '../modules/args';
import { TsrunError } from '../core/errors';
import type { Inventory } from './types';

// Magic variables ansible-inventory leaves out of its output (its INTERNAL_VARS that tsrun sets).
const INTERNAL = new Set(['inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups', 'hostvars', 'omit', 'playbook_dir']);

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ansible's `groups` magic variable: each group's hosts, its descendants' included, in inventory order. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inv.groups.keys()) out[g] = inv.order.filter((h) => inv.hosts.get(h)?.groups.includes(g));
  return out;
}

/** A host's variables as `ansible-inventory --host NAME` prints them (magic variables removed). */
export function inventoryHost(inv: Inventory, name: string): Record<string, unknown> {
  const host = inv.hosts.get(name);
  if (!host) throw new TsrunError('USAGE', `no host "${name}" in the inventory${didYouMean(name, inv.order)}`, { expected: 'a host name' });
  return sortKeys(Object.fromEntries(Object.entries(host.vars).filter(([k]) => !INTERNAL.has(k)))) as Record<string, unknown>;
}

/** The JSON of `ansible-inventory --list`: `_meta.hostvars`, then each non-empty group's sorted `hosts`/`children`. */
export function inventoryList(inv: Inventory): unknown {
  const out: Record<string, unknown> = {};
  const visit = (name: string): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    const entry: Record<string, string[]> = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts].sort(byName);
    if (g.children.length) entry.children = [...g.children].sort(byName);
    if (Object.keys(entry).length) out[name] = entry;
    entry.children?.forEach(visit);
  };
  visit('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of inv.order) {
    const vars = inventoryHost(inv, h);
    if (Object.keys(vars).length) hostvars[h] = vars;
  }
  out._meta = { hostvars };
  return sortKeys(out);
}

/** The text tree of `ansible-inventory --graph [GROUP]`: child groups (sorted) before hosts (sorted). */
export function inventoryGraph(inv: Inventory, group = 'all'): string {
  if (!inv.groups.has(group)) {
    throw new TsrunError('USAGE', `--graph needs a group name; "${group}" is not a group${didYouMean(group, inv.groups.keys())}`, {
      expected: 'a group name such as all',
    });
  }
  const lines: string[] = [];
  const draw = (name: string, depth: number): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    lines.push(`${'  |'.repeat(depth)}${depth ? '--' : ''}@${name}:`);
    [...g.children].sort(byName).forEach((c) => draw(c, depth + 1));
    if (name !== 'all') for (const h of [...g.hosts].sort(byName)) lines.push(`${'  |'.repeat(depth + 1)}--${h}`);
  };
  draw(group, 0);
  return lines.join('\n');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort(byName).map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}
