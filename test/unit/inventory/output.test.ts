import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { groupsMap, inventoryGraph, inventoryHost, inventoryList, loadInventory, type Inventory } from '../../../src/inventory';
import { writeTree } from './tree';

const YAML = `all:
  hosts:
    lone: {ansible_host: 10.0.0.9}
  vars: {site: x}
  children:
    prod:
      children:
        web:
          hosts:
            web2:
            web1: {port: 80}
        db:
          hosts:
            db1:
    empty:
`;

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory([join(writeTree({ 'inv.yml': YAML }), 'inv.yml')]);
});

describe('ansible-inventory views', () => {
  it('--list: sorted groups, hosts and children, empty groups dropped, magic vars left out', () => {
    expect(JSON.stringify(inventoryList(inv))).toBe(
      JSON.stringify({
        _meta: {
          hostvars: {
            db1: { site: 'x' },
            lone: { ansible_host: '10.0.0.9', site: 'x' },
            web1: { port: 80, site: 'x' },
            web2: { site: 'x' },
          },
        },
        all: { children: ['empty', 'prod', 'ungrouped'] },
        db: { hosts: ['db1'] },
        prod: { children: ['db', 'web'] },
        ungrouped: { hosts: ['lone'] },
        web: { hosts: ['web1', 'web2'] },
      }),
    );
  });

  it('--graph: the text tree, whole and from one group', () => {
    expect(inventoryGraph(inv)).toBe(
      [
        '@all:',
        '  |--@empty:',
        '  |--@prod:',
        '  |  |--@db:',
        '  |  |  |--db1',
        '  |  |--@web:',
        '  |  |  |--web1',
        '  |  |  |--web2',
        '  |--@ungrouped:',
        '  |  |--lone',
      ].join('\n'),
    );
    expect(inventoryGraph(inv, 'web')).toBe('@web:\n  |--web1\n  |--web2');
    expect(() => inventoryGraph(inv, 'wbe')).toThrow(/"wbe" is not a group \(did you mean "web"\?\)/);
  });

  it('--host: merged vars without magic ones; unknown host suggests the nearest', () => {
    expect(inventoryHost(inv, 'web1')).toEqual({ port: 80, site: 'x' });
    expect(() => inventoryHost(inv, 'web3')).toThrow(/no host "web3" in the inventory \(did you mean "web[12]"\?\)/);
  });

  it('groups magic variable: every group with its descendants\' hosts in inventory order', () => {
    expect(groupsMap(inv)).toEqual({
      all: ['lone', 'web2', 'web1', 'db1'],
      ungrouped: ['lone'],
      prod: ['web2', 'web1', 'db1'],
      web: ['web2', 'web1'],
      db: ['db1'],
      empty: [],
    });
  });
});
