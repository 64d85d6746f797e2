import type { Command } from 'commander';
import { EXIT, pendingExit } from '../cli/exit-codes';
import { parseExtraVars } from '../cli/extra-vars';
import { askSecret } from '../cli/prompt';
import { runPlaybook } from '../executor/playbook';
import { JsonReporter } from '../output/json';
import { PlainReporter } from '../output/plain';
import { DriftReporter } from './reporter';

const collect = (value: string, prev: string[]) => [...prev, value];
const commaList = (values: string[]) => values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);

/** `tsrun drift`: `playbook --check --detailed-exitcode` with a per-host summary instead of the task log. */
export function registerDriftCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('drift')
    .description(`Check whether hosts match the playbooks; exit ${EXIT.PENDING} when changes are pending, 0 when in sync`)
    .argument('<playbooks...>', 'playbook files')
    .option('-i, --inventory <source>', 'inventory file, directory or comma list (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts to a pattern')
    .option('-f, --forks <n>', 'hosts to run in parallel', (v) => parseInt(v, 10), 50)
    .option('-t, --tags <tags>', 'only check tasks with these tags (repeatable, comma list)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (repeatable, comma list)', collect, [])
    .option('-e, --extra-vars <vars>', 'extra variables: key=value, JSON, or @file (repeatable)', collect, [])
    .option('--json', 'the run\'s JSON events, then one {"type":"drift"} object with the per-host summary')
    .option('-v, --verbose', 'also print the check\'s task log', (_v, prev: number) => prev + 1, 0)
    .option('--host-key-checking <mode>', 'strict | accept-new | off')
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .action(async (files: string[], o) => {
      const write = (t: string) => process.stdout.write(t);
      const inner = o.json ? new JsonReporter(write) : o.verbose > 0 ? new PlainReporter(write, o.verbose - 1) : undefined;
      const reporter = new DriftReporter(write, Boolean(o.json), inner);
      const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
      const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
      const opts = {
        inventory: o.inventory.length ? o.inventory : ['/etc/ansible/hosts'],
        check: true,
        diff: false,
        limit: o.limit,
        forks: Math.max(1, o.forks || 1),
        tags: commaList(o.tags),
        skipTags: commaList(o.skipTags),
        extraVars: parseExtraVars(o.extraVars),
        verbosity: Math.max(0, o.verbose - 1),
        reporter,
        connection: {
          hostKeyChecking: o.hostKeyChecking, sshConfigFile: o.sshConfig, askPass, becomePassword,
          askPassphrase: (keyFile: string) => askSecret(`Passphrase for ${keyFile}: `),
        },
      };
      let code: number = EXIT.OK;
      let changed = false;
      try {
        for (const file of files) {
          const summary = await runPlaybook(file, opts);
          changed ||= Object.values(summary.stats).some((s) => s.changed > 0 || s.unknown > 0);
          if (summary.failed) code = EXIT.FAILED_HOSTS;
          else if (summary.unreachable && code === EXIT.OK) code = EXIT.UNREACHABLE;
        }
      } finally {
        await reporter.close();
      }
      setExit(pendingExit(code, changed, true));
    });
}
