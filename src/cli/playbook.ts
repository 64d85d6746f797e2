import { InvalidArgumentError, type Command } from 'commander';
import { runPlaybook } from '../executor/playbook';
import type { Reporter } from '../executor/events';
import { JsonReporter } from '../output/json';
import { PlainReporter } from '../output/plain';
import { EXIT } from './exit-codes';
import { parseExtraVars } from './extra-vars';
import { askSecret } from './prompt';
import { runSecrets } from '../core/secrets';
import { MaskingReporter } from '../output/masked';

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
    .option('-T, --timeout <seconds>', 'bound on connecting and on noticing a host that stopped answering (default 30)', (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new InvalidArgumentError('expected a positive number of seconds');
      return n;
    })
    .action(async (files: string[], o) => {
      // listr2 is loaded only for a terminal (one with a width: a zero-column pty gets plain lines)
      const shown: Reporter = o.json ? new JsonReporter() : process.stdout.isTTY && process.stdout.columns > 0 ? new (await import('../output/tty')).TtyReporter(o.verbose) : new PlainReporter(undefined, o.verbose);
      // every channel goes through the mask: results, diffs, warnings, errors, the recap
      const reporter: Reporter = new MaskingReporter(shown, runSecrets);
      const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
      const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
      runSecrets.add(askPass);
      runSecrets.add(becomePassword);
      const warned = new Set<string>();
      const onHostKeyWarning = (message: string) => {
        if (warned.has(message.split(':')[0])) return;
        warned.add(message.split(':')[0]);
        reporter.event({ type: 'warning', message });
      };
      // first signal: stop starting things, clean the hosts, print the recap; second: leave at once
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (abort.signal.aborted) process.exit(EXIT.INTERRUPTED);
        process.stderr.write(`\n${signal}: interrupted; stopping the running commands and cleaning up (again to quit at once)\n`);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
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
        abort: abort.signal,
        secrets: runSecrets,
        connection: {
          hostKeyChecking: o.hostKeyChecking, sshConfigFile: o.sshConfig, askPass, becomePassword, timeout: o.timeout, onHostKeyWarning,
          askPassphrase: (keyFile: string) => askSecret(`Passphrase for ${keyFile}: `),
        },
      };
      let code: number = EXIT.OK;
      try {
        for (const file of files) {
          const summary = await runPlaybook(file, opts);
          if (summary.interrupted) {
            code = EXIT.INTERRUPTED;
            break;
          }
          if (summary.failed) code = EXIT.FAILED_HOSTS;
          else if (summary.unreachable && code === EXIT.OK) code = EXIT.UNREACHABLE;
          if (code !== EXIT.OK) break;
        }
      } finally {
        await reporter.close();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      setExit(code);
    });
}
