import type { Command } from 'commander';
import { resolve } from 'node:path';
import { runPlays } from '../executor/playbook';
import { loadInventory } from '../inventory/index';
import { loadPlaybook } from '../playbook/plays';
import { EXIT } from './exit-codes';
import { checkStartAt, checkStepTerminal, taskGate } from './gate';
import { listing } from './listing';
import { addRunFlags, applySettings, collect, commaList, runOptionsFrom, type RunFlags } from './run-flags';

interface PlaybookFlags extends RunFlags {
  tags: string[];
  skipTags: string[];
  syntaxCheck?: boolean;
  listTasks?: boolean;
  listHosts?: boolean;
  listTags?: boolean;
  startAtTask?: string;
  step?: boolean;
}

/** `tsrun playbook FILE...`: runs playbooks against an inventory. */
export function registerPlaybookCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('playbook')
    .description('Run one or more playbooks against an inventory')
    .argument('<playbooks...>', 'playbook files');
  addRunFlags(cmd)
    .option('-t, --tags <tags>', 'only run tasks with these tags (repeatable, comma list)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (repeatable, comma list)', collect, [])
    .option('--syntax-check', 'load the playbooks (every file, role and argument), report errors, run nothing')
    .option('--list-tasks', 'list the tasks that would run (after --tags/--skip-tags), run nothing')
    .option('--list-hosts', 'list the hosts each play would run on (after --limit), run nothing')
    .option('--list-tags', 'list the tags of each play, run nothing')
    .option('--start-at-task <name>', 'start at the task with this name (or glob)')
    .option('--step', 'ask before each task: (N)o/(y)es/(c)ontinue (needs a terminal)')
    .action(async (files: string[], o: PlaybookFlags) => {
      const tags = commaList(o.tags);
      const skipTags = commaList(o.skipTags);
      applySettings();
      // every playbook is loaded before anything runs, so bad input anywhere touches nothing
      const loaded = files.map((f) => ({ file: f, plays: loadPlaybook(f) }));
      if (o.syntaxCheck) {
        for (const { file } of loaded) process.stdout.write(`\nplaybook: ${file}\n`);
        return setExit(EXIT.OK);
      }
      if (o.listTasks || o.listHosts || o.listTags) {
        const opts = await runOptionsFrom({ ...o, json: false }, { tags, skipTags });
        for (const { file, plays } of loaded) {
          const inv = o.listHosts ? await loadInventory(opts.inventory, { playbookDir: resolve(file, '..') }) : undefined;
          process.stdout.write(listing(file, plays, inv, { hosts: o.listHosts, tasks: o.listTasks, tags: o.listTags }, { limit: o.limit, tags, skipTags }));
        }
        return setExit(EXIT.OK);
      }
      checkStepTerminal(o.step, o.json);
      if (o.startAtTask) checkStartAt(loaded.flatMap((l) => l.plays), o.startAtTask);
      const opts = await runOptionsFrom(o, { tags, skipTags, step: o.step });
      opts.gate = taskGate({ startAt: o.startAtTask, step: o.step });
      let code: number = EXIT.OK;
      try {
        for (const { file, plays } of loaded) {
          const summary = await runPlays(plays, resolve(file, '..'), opts);
          if (summary.failed) code = EXIT.FAILED_HOSTS;
          else if (summary.unreachable && code === EXIT.OK) code = EXIT.UNREACHABLE;
          if (code !== EXIT.OK) break;
        }
      } finally {
        await opts.reporter.close();
      }
      setExit(code);
    });
}
