import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupsMap, loadInventory } from '../../../src/inventory';
import { writeTree } from './tree';

interface Case {
  name: string;
  files: Record<string, string>;
  /** Sources relative to the tree; default: the first file. */
  sources?: string[];
  order: string[];
  /** Expected groupsMap entries (hosts incl. descendants'). */
  groups?: Record<string, string[]>;
  /** Expected subset of each host's vars. */
  vars?: Record<string, Record<string, unknown>>;
  /** Expected direct children per group. */
  children?: Record<string, string[]>;
}

const cases: Case[] = [
  {
    name: 'INI: hosts before any section are ungrouped, inline vars with quotes, ports',
    files: { 'hosts.ini': 'lone ansible_host=10.0.0.9\n[web]\nnode1 ansible_host=10.0.0.1 ansible_port=22 labels="a b"\nnode2:2200\n' },
    order: ['lone', 'node1', 'node2'],
    groups: { all: ['lone', 'node1', 'node2'], ungrouped: ['lone'], web: ['node1', 'node2'] },
    vars: { node1: { ansible_host: '10.0.0.1', ansible_port: 22, labels: 'a b' }, node2: { ansible_port: 2200 } },
  },
  {
    name: 'INI: children and vars sections, forward references, comments',
    files: {
      'hosts': '# comment\n; other comment\n[prod:children]\nweb\ndb  # trailing\n[prod:vars]\nenv = prod\ncount=3\n[web]\nw[1:2]\n[db]\nd[a:b]\n',
    },
    order: ['w1', 'w2', 'da', 'db'],
    groups: { prod: ['w1', 'w2', 'da', 'db'], web: ['w1', 'w2'], ungrouped: [] },
    children: { all: ['ungrouped', 'prod'], prod: ['web', 'db'] },
    vars: { w1: { env: 'prod', count: 3 } },
  },
  {
    name: 'INI: a host listed in a group leaves ungrouped; [all:vars] apply everywhere',
    files: { 'inv.ini': 'a\n[g]\na\n[all:vars]\nx=1\n' },
    order: ['a'],
    groups: { ungrouped: [], g: ['a'] },
    vars: { a: { x: 1 } },
  },
  {
    name: 'YAML: all -> hosts/children/vars, nested groups, YAML 1.1 scalars',
    files: {
      'inv.yml': [
        'all:',
        '  hosts:',
        '    lone:',
        '  vars:',
        '    mode: 0644',
        '    flag: yes',
        '  children:',
        '    prod:',
        '      vars: {env: prod}',
        '      children:',
        '        web:',
        '          hosts:',
        '            node[1:2]:',
        '              http_port: 80',
        '        db:',
        '          hosts: {db1: {ansible_host: 10.0.0.5}}',
      ].join('\n'),
    },
    order: ['lone', 'node1', 'node2', 'db1'],
    groups: { ungrouped: ['lone'], prod: ['node1', 'node2', 'db1'], web: ['node1', 'node2'] },
    children: { all: ['ungrouped', 'prod'], prod: ['web', 'db'] },
    vars: { node1: { mode: 420, flag: true, env: 'prod', http_port: 80 }, db1: { ansible_host: '10.0.0.5', env: 'prod' } },
  },
  {
    name: 'YAML: any top-level group, a group named twice merges, anchors and merge keys',
    files: {
      'inv.yaml': 'web:\n  hosts:\n    a: &base {x: 1, y: 2}\n    b:\n      <<: *base\n      y: 3\ndb:\n  hosts: c\nweb2:\n  children: {web: }\n',
    },
    order: ['a', 'b', 'c'],
    groups: { web: ['a', 'b'], db: ['c'], web2: ['a', 'b'] },
    children: { all: ['ungrouped', 'db', 'web2'], web2: ['web'] },
    vars: { a: { x: 1, y: 2 }, b: { x: 1, y: 3 } },
  },
  {
    name: 'directory: INI, YAML and extensionless files merged; docs, hidden files and vars dirs skipped',
    files: {
      'inv/01-hosts': '[web]\nw1\n',
      'inv/02-more.yml': 'web:\n  hosts:\n    w2:\n',
      'inv/03-yaml-without-ext': 'db:\n  hosts:\n    d1:\n',
      'inv/sub/04.ini': '[db]\nd2\n',
      'inv/README.md': 'not an inventory [',
      'inv/notes.txt': 'not an inventory [',
      'inv/.hidden': 'not an inventory [',
      'inv/group_vars/web.yml': 'gv: 1\n',
    },
    sources: ['inv'],
    order: ['w1', 'w2', 'd1', 'd2'],
    groups: { web: ['w1', 'w2'], db: ['d1', 'd2'] },
    vars: { w1: { gv: 1 }, d1: {} },
  },
  {
    name: 'several -i sources and a host list merge in order, later host vars win',
    files: { 'a.ini': '[web]\nn1 x=1\n', 'b.yml': 'web:\n  hosts:\n    n1: {x: 2}\n    n2:\n' },
    sources: ['a.ini', 'b.yml', 'h1,h2:2222,'],
    order: ['n1', 'n2', 'h1', 'h2'],
    groups: { web: ['n1', 'n2'], ungrouped: ['h1', 'h2'] },
    vars: { n1: { x: 2 }, h2: { ansible_port: 2222, inventory_file: null } },
  },
];

describe('inventory shapes', () => {
  it.each(cases)('$name', async (c) => {
    const root = writeTree(c.files);
    const sources = (c.sources ?? [Object.keys(c.files)[0]]).map((s) => (s.includes(',') ? s : join(root, s)));
    const inv = await loadInventory(sources);
    expect(inv.order).toEqual(c.order);
    const map = groupsMap(inv);
    for (const [g, hosts] of Object.entries(c.groups ?? {})) expect(map[g], g).toEqual(hosts);
    for (const [g, kids] of Object.entries(c.children ?? {})) expect(inv.groups.get(g)?.children, g).toEqual(kids);
    for (const [h, vars] of Object.entries(c.vars ?? {})) expect(inv.hosts.get(h)?.vars, h).toMatchObject(vars);
  });

  it('sets magic variables and keeps the implicit localhost out of all', async () => {
    const root = writeTree({ 'inv/hosts': 'solo\n[web]\nnode1.example.com\n[prod:children]\nweb\n', 'inv/group_vars/all.yml': 'g: 1\n' });
    const inv = await loadInventory([join(root, 'inv')]);
    // as ansible-core 2.14: a host in no group is in ungrouped, and group_names says so
    expect(inv.hosts.get('solo')?.vars.group_names).toEqual(['ungrouped']);
    expect(inv.hosts.get('node1.example.com')?.vars).toMatchObject({
      inventory_hostname: 'node1.example.com',
      inventory_hostname_short: 'node1',
      group_names: ['prod', 'web'],
      inventory_file: join(root, 'inv/hosts'),
      inventory_dir: join(root, 'inv'),
    });
    expect(inv.hosts.get('node1.example.com')?.groups).toEqual(['all', 'prod', 'web']);
    const local = inv.hosts.get('localhost');
    expect(local).toMatchObject({ implicit: true, groups: [], vars: { ansible_connection: 'local', g: 1, group_names: [] } });
    expect(groupsMap(inv).all).toEqual(['solo', 'node1.example.com']);
  });
});
