import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Stamper } from '../events/stamp';
import { EXIT, pendingExit } from './exit-codes';
import { addRunFlags, collect, commaList, type RunFlags } from './run-flags';

interface PlaybookFlags extends RunFlags {
  tags: string[];
  skipTags: string[];
  syntaxCheck?: boolean;
  listTasks?: boolean;
  listHosts?: boolean;
  listTags?: boolean;
  startAtTask?: string;
  step?: boolean;
  jsonFile?: string;
  shard?: string;
  timeline?: string;
  plan?: string;
  detailedExitcode?: boolean;
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
    .option('--json-file <file>', 'also write the --json events to this file (for tsrun merge)')
    .option('--shard <I/N>', "run only part I (0-based) of N of every play's hosts")
    .option('--timeline <file>', 'write an HTML page of the run: a row per host, a bar per task')
    .option('--plan <file>', 'with --check: save what would change, and what it was based on, for `tsrun apply`')
    .option('--detailed-exitcode', `exit ${EXIT.PENDING} when every host succeeded and something changed (with --check: would change)`)
    .action(async (files: string[], o: PlaybookFlags) => {
      const [{ Stamper }, { writeErrorEvent }] = await Promise.all([import('../events/stamp'), import('./output-chain')]);
      const stamper = new Stamper();
      try {
        await runPlaybooks(files, o, setExit, stamper);
      } catch (err) {
        // --json: the error that stopped the run is an event too (on stdout, nothing else there)
        if (!(err instanceof RunError)) writeErrorEvent(err, o, stamper);
        throw err instanceof RunError ? err.cause : err;
      }
    });
}

/** An error the run's own output has already reported as an event. */
class RunError extends Error {}

async function runPlaybooks(files: string[], o: PlaybookFlags, setExit: (code: number) => void, stamper: Stamper): Promise<void> {
  // Loaded here, not at start-up: `tsrun --version` or `tsrun lab` should not pay for the executor.
  const [{ runLoaded }, { loadInventory }, { loadPlaybook }, { checkStartAt, checkStepTerminal, taskGate }, { listing }, { applySettings, runOptionsFrom }, { setInterruptible }, { errorEvent }] =
    await Promise.all([
      import('./run-loaded'),
      import('../inventory/index'),
      import('../playbook/plays'),
      import('./gate'),
      import('./listing'),
      import('./run-flags'),
      import('./terminal'),
      import('./output-chain'),
    ]);
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
  const base = await runOptionsFrom(o, { tags, skipTags, step: o.step, command: 'playbook', playbooks: files, stamper, output: { jsonFile: o.jsonFile, timeline: o.timeline } });
  base.gate = taskGate({ startAt: o.startAtTask, step: o.step });
  const shard = o.shard ? (await import('../shard/split')).parseShard(o.shard) : undefined;
  const opts = { ...base, shard };
  const secrets = [opts.connection.askPass, opts.connection.becomePassword].filter((x): x is string => !!x);
  const plan = o.plan ? await (await import('../plan/save')).startPlan(o.plan, files, opts, secrets) : undefined;
  const run = plan ? { ...opts, reporter: plan.reporter, observe: plan.observe } : opts;
  setInterruptible(run.reporter);
  let code: number = EXIT.OK;
  let changed = false;
  try {
    ({ code, changed } = await runLoaded(loaded, run, true));
  } catch (err) {
    run.reporter.event(errorEvent(err));
    throw new RunError('reported', { cause: err });
  } finally {
    await run.reporter.close();
  }
  if (plan && code === EXIT.OK) plan.save();
  else if (plan) process.stderr.write(`plan not saved: the check did not succeed on every host\n`);
  setExit(pendingExit(code, changed, Boolean(o.detailedExitcode)));
}
