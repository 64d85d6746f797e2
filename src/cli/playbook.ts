import type { Command } from 'commander';
import type { Reporter } from '../executor/events';
import { EXIT, pendingExit } from './exit-codes';

const collect = (value: string, prev: string[]) => [...prev, value];
const commaList = (values: string[]) => values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);

/** The output for this run: JSON events, listr2 only on a terminal with a width (a zero-column pty gets plain lines). */
async function makeReporter(o: { json?: boolean; jsonFile?: string; verbose: number }): Promise<Reporter> {
  const inner = await outputReporter(o);
  return o.jsonFile ? new (await import('../output/tee')).TeeReporter(inner, o.jsonFile) : inner;
}

async function outputReporter(o: { json?: boolean; verbose: number }): Promise<Reporter> {
  if (o.json) return new (await import('../output/json')).JsonReporter();
  if (process.stdout.isTTY && process.stdout.columns > 0) return new (await import('../output/tty')).TtyReporter(o.verbose);
  return new (await import('../output/plain')).PlainReporter(undefined, o.verbose);
}

/** `tsrun playbook FILE...`: runs playbooks against an inventory. */
export function registerPlaybookCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('playbook')
    .description('Run one or more playbooks against an inventory')
    .argument('<playbooks...>', 'playbook files')
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('-C, --check', "don't change anything; predict what would change")
    .option('-D, --diff', 'show differences in files and attributes')
    .option('-l, --limit <pattern>', 'further limit the hosts to a pattern')
    .option('-f, --forks <n>', 'hosts to run in parallel', (v) => parseInt(v, 10), 50)
    .option('-t, --tags <tags>', 'only run tasks with these tags (repeatable, comma list)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (repeatable, comma list)', collect, [])
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, JSON, or @file (repeatable)', collect, [])
    .option('--json', 'one JSON object per event on stdout')
    .option('--json-file <file>', 'also write the --json events to this file (for tsrun merge)')
    .option('--shard <I/N>', 'run only part I (0-based) of N of every play\'s hosts')
    .option('-v, --verbose', 'more output (repeat for more)', (_v, prev: number) => prev + 1, 0)
    .option('--host-key-checking <mode>', 'strict | accept-new | off (default: strict, or the host\'s own setting)')
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('--timeline <file>', 'write an HTML page of the run: a row per host, a bar per task')
    .option('--plan <file>', 'with --check: save what would change, and what it was based on, for `tsrun apply`')
    .option('--detailed-exitcode', `exit ${EXIT.PENDING} when every host succeeded and something changed (with --check: would change)`)
    .action(async (files: string[], o) => {
      // Loaded here, not at start-up: `tsrun --version` or `tsrun lab` should not pay for the executor.
      const [{ runPlaybook }, { parseExtraVars }, { askSecret }] = await Promise.all([import('../executor/playbook'), import('./extra-vars'), import('./prompt')]);
      const shown = await makeReporter(o);
      const reporter: Reporter = o.timeline ? new (await import('../timeline/recorder')).TimelineRecorder(shown, o.timeline, o.json ? (t) => process.stdout.write(t) : undefined) : shown;
      const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
      const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
      const shard = o.shard ? (await import('../shard/split')).parseShard(o.shard) : undefined;
      const opts = {
        inventory: o.inventory.length ? o.inventory : ['/etc/ansible/hosts'],
        check: Boolean(o.check),
        diff: Boolean(o.diff),
        limit: o.limit,
        forks: Math.max(1, o.forks || 1),
        shard,
        tags: commaList(o.tags),
        skipTags: commaList(o.skipTags),
        extraVars: parseExtraVars(o.extraVars),
        verbosity: o.verbose,
        reporter,
        connection: {
          hostKeyChecking: o.hostKeyChecking, sshConfigFile: o.sshConfig, askPass, becomePassword,
          askPassphrase: (keyFile: string) => askSecret(`Passphrase for ${keyFile}: `),
        },
      };
      const plan = o.plan ? await (await import('../plan/save')).startPlan(o.plan, files, opts, [askPass, becomePassword].filter((x): x is string => !!x)) : undefined;
      const run = plan ? { ...opts, reporter: plan.reporter, observe: plan.observe } : opts;
      let code: number = EXIT.OK;
      let changed = false;
      try {
        for (const file of files) {
          const summary = await runPlaybook(file, run);
          changed ||= Object.values(summary.stats).some((s) => s.changed > 0 || s.unknown > 0);
          if (summary.failed) code = EXIT.FAILED_HOSTS;
          else if (summary.unreachable && code === EXIT.OK) code = EXIT.UNREACHABLE;
          if (code !== EXIT.OK) break;
        }
      } finally {
        await run.reporter.close();
      }
      if (plan && code === EXIT.OK) plan.save();
      else if (plan) process.stderr.write(`plan not saved: the check did not succeed on every host\n`);
      setExit(pendingExit(code, changed, Boolean(o.detailedExitcode)));
    });
}
