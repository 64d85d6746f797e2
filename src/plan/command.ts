import type { Command } from 'commander';
import { EXIT } from '../cli/exit-codes';

const collect = (value: string, prev: string[]) => [...prev, value];

/** `tsrun apply PLAN` and `tsrun plan show PLAN`. */
export function registerPlanCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('apply')
    .description(`Apply a plan saved by --check --plan: exit ${EXIT.PLAN_DRIFT} when hosts were refused, ${EXIT.PLAN_STALE} when the plan is stale`)
    .argument('<plan>', 'plan file')
    .option('-e, --extra-vars <vars>', 'the same extra variables the plan was made with (a plan stores only their fingerprint)', collect, [])
    .option('-f, --forks <n>', 'hosts to run in parallel', (v) => parseInt(v, 10), 50)
    .option('-D, --diff', 'show differences in files and attributes')
    .option('--json', 'one JSON object per event on stdout')
    .option('-v, --verbose', 'more output (repeat for more)', (_v, prev: number) => prev + 1, 0)
    .option('--host-key-checking <mode>', 'strict | accept-new | off')
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-K, --ask-become-pass', 'ask for the become (sudo) password')
    .action(async (file: string, o) => {
      // loaded on use, as for `tsrun playbook`: start-up pays only for the command line
      const [{ parseExtraVars }, { outputChain, withErrorEvent }, { askSecret }, { runSecrets }, { Stamper }, { JsonReporter }, { PlainReporter }, { applyPlan }] = await Promise.all([
        import('../cli/extra-vars'),
        import('../cli/output-chain'),
        import('../cli/prompt'),
        import('../core/secrets'),
        import('../events/stamp'),
        import('../output/json'),
        import('../output/plain'),
        import('./apply'),
      ]);
      const stamper = new Stamper();
      // --json: a plan that does not load, or an error that stops the run, is an `error` event, as in `tsrun playbook`
      await withErrorEvent(o, stamper, async () => {
        const write = (t: string) => process.stdout.write(t);
        const askPass = o.askPass ? await askSecret('SSH password: ') : undefined;
        const becomePassword = o.askBecomePass ? await askSecret('BECOME password: ') : undefined;
        runSecrets.add(askPass);
        runSecrets.add(becomePassword);
        // stamped and masked as every run's output
        const reporter = await outputChain({ renderer: o.json ? new JsonReporter(write) : new PlainReporter(write, o.verbose), verbosity: o.verbose }, stamper);
        setExit(await applyPlan(file, {
          forks: Math.max(1, o.forks || 1),
          extraVars: parseExtraVars(o.extraVars),
          verbosity: o.verbose,
          diff: Boolean(o.diff),
          reporter,
          write: o.json ? (t) => process.stderr.write(t) : write,
          connection: {
            hostKeyChecking: o.hostKeyChecking, sshConfigFile: o.sshConfig, askPass, becomePassword,
            askPassphrase: (keyFile: string) => askSecret(`Passphrase for ${keyFile}: `),
          },
        }));
      });
    });
  program
    .command('plan')
    .description('Saved plans')
    .command('show')
    .description('Print a saved plan readably, with its diffs')
    .argument('<plan>', 'plan file')
    .option('--all', 'list tasks that change nothing too')
    .action(async (file: string, o: { all?: boolean }) => {
      const [{ readPlan }, { showPlan }] = await Promise.all([import('./file'), import('./show')]);
      process.stdout.write(showPlan(readPlan(file), file, Boolean(o.all)));
    });
}
