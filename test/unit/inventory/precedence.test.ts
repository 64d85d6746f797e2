import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory';
import { writeTree } from './tree';

// Layer k (1..8, lowest first) sets v_k..v_8 to "Lk", so when the order holds, v_j ends as "Lj".
const names = (from: number): string[] => Array.from({ length: 9 - from }, (_, i) => `v${from + i}`);
const yaml = (k: number): string => names(k).map((n) => `${n}: L${k}\n`).join('');
const ini = (k: number): string => names(k).map((n) => `${n}=L${k}`).join(' ');

describe('host variable precedence (Ansible order)', () => {
  it('applies the eight layers lowest to highest, with group_vars/host_vars as files, dirs and no extension', async () => {
    const root = writeTree({
      'inv/hosts.ini': `[web]\nnode1 ${ini(6)}\n[web:vars]\n${ini(1).replace(/ /g, '\n')}\n`,
      'inv/group_vars/all.yml': yaml(2),
      'play/group_vars/all.yaml': yaml(3),
      'inv/group_vars/web/10-first.yml': yaml(4).replace(/L4/g, 'wrong'),
      'inv/group_vars/web/20-second.yml': yaml(4),
      'inv/group_vars/web/.hidden.yml': 'v4: hidden\n',
      'play/group_vars/web.json': JSON.stringify(Object.fromEntries(names(5).map((n) => [n, 'L5']))),
      'inv/host_vars/node1.yaml': yaml(7),
      'play/host_vars/node1': yaml(8),
    });
    const inv = await loadInventory([join(root, 'inv/hosts.ini')], { playbookDir: join(root, 'play') });
    expect(inv.hosts.get('node1')?.vars).toMatchObject(Object.fromEntries(names(1).map((n) => [n, `L${n.slice(1)}`])));
    expect(inv.groups.get('web')?.vars).toMatchObject({ v1: 'L1', v4: 'L4', v5: 'L5' });
  });

  it('orders inventory group vars: all, then parents before children, then ansible_group_priority, then name', async () => {
    const root = writeTree({
      'hosts.ini': [
        '[child]\nh',
        '[a_sib]\nh',
        '[b_sib]\nh',
        '[parent:children]\nchild',
        '[all:vars]\nall=all\nparent=all\nchild=all\nsib=all\nprio=all',
        '[parent:vars]\nparent=parent\nchild=parent',
        '[child:vars]\nchild=child',
        '[a_sib:vars]\nsib=a\nprio=a\nansible_group_priority=10',
        '[b_sib:vars]\nsib=b\nprio=b',
      ].join('\n'),
    });
    const inv = await loadInventory([join(root, 'hosts.ini')]);
    const h = inv.hosts.get('h');
    // a_sib has priority 10 so it beats b_sib on "prio"; child (depth 2) beats parent (depth 1).
    expect(h?.vars).toMatchObject({ all: 'all', parent: 'parent', child: 'child', prio: 'a' });
    expect(h?.groups).toEqual(['all', 'b_sib', 'parent', 'a_sib', 'child']);
  });

  it('applies group_vars of every -i source in order, the later winning', async () => {
    const root = writeTree({
      'one/hosts': '[web]\nn\n',
      'one/group_vars/web.yml': 'x: one\ny: one\n',
      'two/hosts.yml': 'web:\n  hosts:\n    n:\n',
      'two/group_vars/web.yml': 'x: two\n',
    });
    const inv = await loadInventory([join(root, 'one/hosts'), join(root, 'two')]);
    expect(inv.hosts.get('n')?.vars).toMatchObject({ x: 'two', y: 'one' });
  });

  it('reads vars files with YAML 1.1 as PyYAML does (0644 octal, yes boolean, y and n plain strings)', async () => {
    const root = writeTree({ 'hosts': 'h\n', 'host_vars/h.yml': 'mode: 0644\nflag: yes\ny: n\n' });
    const inv = await loadInventory([join(root, 'hosts')]);
    expect(inv.hosts.get('h')?.vars).toMatchObject({ mode: 420, flag: true, y: 'n' });
  });
});
