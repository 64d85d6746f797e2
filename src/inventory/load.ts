import { dirname, join, resolve } from 'node:path';
import { InventoryBuilder, type HostData } from './builder';
import { readSources } from './sources';
import type { Group, Host, Inventory, LoadOptions } from './types';
import { VarsDir } from './varsfiles';

/**
 * Loads and merges `-i` sources (files, directories, `host1,host2,` lists) into an Inventory.
 *
 * Host variable precedence, lowest to highest (Ansible's documented order; later wins, top-level keys replace):
 *  1. inventory file/script group vars: `all` first, then the host's other groups by depth below `all`
 *     (parents before children), then `ansible_group_priority`, then name
 *  2. inventory `group_vars/all` (each source's directory, in `-i` order)
 *  3. playbook `group_vars/all`
 *  4. inventory `group_vars/<group>` (groups ordered as in 1)
 *  5. playbook `group_vars/<group>`
 *  6. inventory file host vars (inline INI `k=v`, YAML host mappings; `inventory_file`/`inventory_dir` sit here)
 *  7. inventory `host_vars/<host>`
 *  8. playbook `host_vars/<host>`
 * Then the magic `inventory_hostname`, `inventory_hostname_short` and `group_names` are set.
 */
export async function loadInventory(sources: string[], opts: LoadOptions = {}): Promise<Inventory> {
  const b = new InventoryBuilder();
  const basedirs = await readSources(sources, b);
  b.finish();
  const invDirs = basedirs.map((d) => ({ groups: new VarsDir(join(d, 'group_vars')), hosts: new VarsDir(join(d, 'host_vars')) }));
  const play = opts.playbookDir ? resolve(opts.playbookDir) : undefined;
  const playDirs = play ? { groups: new VarsDir(join(play, 'group_vars')), hosts: new VarsDir(join(play, 'host_vars')) } : undefined;

  const layered = async (dirs: VarsDir[], names: string[]): Promise<Record<string, unknown>> => {
    const out: Record<string, unknown> = {};
    for (const d of dirs) for (const n of names) Object.assign(out, await d.varsFor(n));
    return out;
  };
  const invGroupDirs = invDirs.map((d) => d.groups);
  const playGroupDirs = playDirs ? [playDirs.groups] : [];
  const allVars = { ...(await layered(invGroupDirs, ['all'])), ...(await layered(playGroupDirs, ['all'])) };

  const hostVars = async (h: HostData, groups: string[]): Promise<Record<string, unknown>> => {
    const others = groups.filter((g) => g !== 'all');
    const fileGroupVars = Object.assign({}, ...groups.map((g) => b.groups.get(g)?.vars ?? {})) as Record<string, unknown>;
    return {
      ...fileGroupVars,
      ...allVars,
      ...(await layered(invGroupDirs, others)),
      ...(await layered(playGroupDirs, others)),
      inventory_file: h.source ?? null,
      inventory_dir: h.source ? dirname(h.source) : null,
      ...h.vars,
      ...(await layered(invDirs.map((d) => d.hosts), [h.name])),
      ...(await layered(playDirs ? [playDirs.hosts] : [], [h.name])),
      inventory_hostname: h.name,
      inventory_hostname_short: h.name.split('.')[0],
      // as Ansible: every group but all, ungrouped included
      group_names: [...others].sort(),
    };
  };

  const hosts = new Map<string, Host>();
  for (const name of b.order) {
    const h = b.hosts.get(name) as HostData;
    const groups = b.sortGroups(b.ancestors(h.groups));
    hosts.set(name, { name, groups, vars: await hostVars(h, groups) });
  }
  if (!hosts.has('localhost')) {
    // Ansible's implicit localhost: in no group, but 'all' group vars and host_vars/localhost apply.
    const vars = await hostVars({ name: 'localhost', groups: [], vars: { ansible_connection: 'local' } }, ['all']);
    hosts.set('localhost', { name: 'localhost', groups: [], vars, implicit: true });
  }

  const groups = new Map<string, Group>();
  for (const g of b.groups.values()) {
    const vars = { ...g.vars, ...(await layered(invGroupDirs, [g.name])), ...(await layered(playGroupDirs, [g.name])) };
    groups.set(g.name, { name: g.name, hosts: [...g.hosts], children: [...g.children], vars });
  }
  return { hosts, groups, order: [...b.order] };
}
