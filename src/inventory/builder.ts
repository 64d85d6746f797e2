import { TsrunError, type SourceLocation } from '../core/errors';

/** A group as the parsers build it: direct members and the variables written in inventory files. */
export interface GroupData {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Record<string, unknown>;
}

/** A host as the parsers build it: direct groups, variables written in inventory files, first source. */
export interface HostData {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
  /** Absolute path of the inventory file that named it first; undefined for `-i host1,host2`. */
  source?: string;
}

/** The mutable inventory graph shared by all sources while they are parsed, then reconciled once. */
export class InventoryBuilder {
  /** Groups by name, in order of first mention. */
  readonly groups = new Map<string, GroupData>();
  /** Hosts by name. */
  readonly hosts = new Map<string, HostData>();
  /** Host names in order of first mention across all sources. */
  readonly order: string[] = [];
  private depths = new Map<string, number>();

  constructor() {
    this.group('all');
    this.addChild('all', 'ungrouped');
  }

  /** Returns the group, creating it on first use. */
  group(name: string): GroupData {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {} };
      this.groups.set(name, g);
    }
    return g;
  }

  /** Returns the host, creating it (and fixing its inventory order) on first use. */
  host(name: string, source: string | undefined): HostData {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, groups: [], vars: {}, source };
      this.hosts.set(name, h);
      this.order.push(name);
    }
    return h;
  }

  /** Adds a host (created if needed) to a group (created if needed). */
  addHost(name: string, group: string, source: string | undefined): HostData {
    const h = this.host(name, source);
    const g = this.group(group);
    if (!g.hosts.includes(name)) g.hosts.push(name);
    if (!h.groups.includes(group)) h.groups.push(group);
    return h;
  }

  /** Makes `child` a child group of `parent`, refusing a cycle; `loc` is where the user wrote it. */
  addChild(parent: string, child: string, loc?: SourceLocation): void {
    const path = this.pathDown(child, parent);
    if (path) {
      throw new TsrunError('SCHEMA', `adding group "${child}" as a child of "${parent}" makes a cycle: ${[parent, ...path].join(' -> ')}`, {
        location: loc,
        expected: 'child groups that never lead back to their parent',
      });
    }
    const p = this.group(parent);
    const c = this.group(child);
    if (!p.children.includes(child)) p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
  }

  /** The group path from `from` down to `to` (both included), or undefined when `to` is not below `from`. */
  private pathDown(from: string, to: string): string[] | undefined {
    if (from === to) return [from];
    for (const kid of this.groups.get(from)?.children ?? []) {
      const rest = this.pathDown(kid, to);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  /** Ansible's reconciliation: parentless groups go under 'all', hosts in no real group go to 'ungrouped'. */
  finish(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.group('ungrouped');
    for (const h of this.hosts.values()) {
      const real = h.groups.filter((n) => n !== 'all' && n !== 'ungrouped');
      if (real.length === 0 && !h.groups.includes('ungrouped')) this.addHost(h.name, 'ungrouped', h.source);
      if (real.length > 0 && h.groups.includes('ungrouped')) {
        h.groups = h.groups.filter((n) => n !== 'ungrouped');
        ungrouped.hosts = ungrouped.hosts.filter((n) => n !== h.name);
      }
    }
    this.depths.clear();
  }

  /** A group and all its ancestors, 'all' included. */
  ancestors(names: string[]): Set<string> {
    const out = new Set<string>();
    const visit = (n: string): void => {
      if (out.has(n)) return;
      out.add(n);
      for (const p of this.groups.get(n)?.parents ?? []) visit(p);
    };
    names.forEach(visit);
    out.add('all');
    return out;
  }

  /** Sorts groups as Ansible merges their variables: by depth below 'all', then ansible_group_priority, then name. */
  sortGroups(names: Iterable<string>): string[] {
    const key = (n: string): [number, number] => [this.depth(n), Number(this.groups.get(n)?.vars.ansible_group_priority ?? 1)];
    return [...names].sort((a, b) => {
      const [da, pa] = key(a);
      const [db, pb] = key(b);
      return da - db || pa - pb || (a < b ? -1 : a > b ? 1 : 0);
    });
  }

  /** Longest path from 'all' (depth 0), as Ansible's Group.depth. */
  private depth(name: string): number {
    const known = this.depths.get(name);
    if (known !== undefined) return known;
    const parents = this.groups.get(name)?.parents ?? [];
    const d = name === 'all' ? 0 : Math.max(0, ...parents.map((p) => this.depth(p) + 1));
    this.depths.set(name, d);
    return d;
  }
}
