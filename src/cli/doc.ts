import type { Command } from 'commander';
import type { DocOptions } from '../doc/command';

/** Registers `tsrun doc` on the command line. */
export function registerDocCommand(program: Command): void {
  program
    .command('doc')
    .description('Documentation of modules and playbook keywords, as ansible-doc (generated from their declarations)')
    .argument('[names...]', 'modules (copy, ansible.builtin.copy, meta...) or, with -t keyword, keywords')
    .option('-t, --type <type>', 'what to document: module (default) or keyword')
    .option('-l, --list', 'list the modules (or keywords) with their summaries')
    .option('-s, --snippet', 'print a task to paste into a playbook (modules)')
    .option('-j, --json', "print machine-readable documentation (ansible-doc's JSON shape)")
    .action(async (names: string[], opts: DocOptions) => {
      // loaded only now: the module registry is not needed by other commands' start-up
      const { docCommand } = await import('../doc/command');
      process.stdout.write(`${docCommand(names, opts)}\n`);
    });
}

