import type { Command } from 'commander';
import { runPlaybook } from '../executor/playbook';
import type { Reporter } from '../executor/events';
import { JsonReporter } from '../output/json';
import { PlainReporter } from '../output/plain';
import { EXIT, pendingExit } from './exit-codes';
import { parseExtraVars } from './extra-vars';
import { askSecret } from './prompt';
import { startPlan } from '../plan/save';
import { TimelineRecorder } from '../timeline/recorder';

const collect = (value: string, prev: string[]) => [...prev, value];
const commaList = (values: string[]) => values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);

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
    .option('-v, --verbose', 'more output (repeat for more)', (_v, prev: number) => prev + 1, 0)
    .option('--host-key-checking <mode>', 'strict | accept-new | off (default: strict, or the host\'s own setting)')
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .option('--timeline <file>', 'write an HTML page of the run: a row per host, a bar per task')
    .option('--plan <file>', 'with --check: save what would change, and what it was based on, for `tsrun apply`')
    .option('--detailed-exitcode', `exit ${EXIT.PENDING} when every host succeeded and something changed (with --check: would change)`)
    .action(async (files: string[], o) => {
      // listr2 is loaded only for a terminal (one with a width: a zero-column pty gets plain lines)
      const shown: Reporter = o.json ? new JsonReporter() : process.stdout.isTTY && process.stdout.columns > 0 ? new (await import('../output/tty')).TtyReporter(o.verbose) : new PlainReporter(undefined, o.verbose);
      const reporter: Reporter = o.timeline ? new TimelineRecorder(shown, o.timeline, o.json ? (t) => process.stdout.write(t) : undefined) : shown;
      const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
      const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
      const opts = {
        inventory: o.inventory.length ? o.inventory : ['/etc/ansible/hosts'],
        check: Boolean(o.check),
        diff: Boolean(o.diff),
        limit: o.limit,
        forks: Math.max(1, o.forks || 1),
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
      const plan = o.plan ? await startPlan(o.plan, files, opts, [askPass, becomePassword].filter((x): x is string => !!x)) : undefined;
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
