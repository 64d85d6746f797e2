import type { Command } from 'commander';
import { TsrunError } from '../core/errors';

const collect = (value: string, prev: string[]) => [...prev, value];

/** `tsrun inventory`: shows an inventory as tsrun reads it (like ansible-inventory). */
export function registerInventoryCommand(program: Command): void {
  program
    .command('inventory')
    .description('Show an inventory: --list (JSON), --graph, or --host NAME')
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('--list', 'all groups and hosts with their variables, as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <name>', "one host's variables, as JSON")
    .action(async (o) => {
      const { inventoryGraph, inventoryList, loadInventory } = await import('../inventory/index');
      const inv = await loadInventory(o.inventory.length ? o.inventory : ['/etc/ansible/hosts']);
      if (o.host) {
        const host = inv.hosts.get(o.host);
        if (!host) throw new TsrunError('USAGE', `no host named "${o.host}" in the inventory`);
        process.stdout.write(`${JSON.stringify(host.vars, null, 2)}\n`);
      } else if (o.graph) {
        process.stdout.write(`${inventoryGraph(inv, typeof o.graph === 'string' ? o.graph : undefined)}\n`);
      } else if (o.list) {
        process.stdout.write(`${JSON.stringify(inventoryList(inv), null, 2)}\n`);
      } else {
        throw new TsrunError('USAGE', 'tsrun inventory needs --list, --graph or --host NAME');
      }
    });
}
