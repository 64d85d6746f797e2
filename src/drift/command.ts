import type { Command } from 'commander';
import { EXIT, pendingExit } from '../cli/exit-codes';
import { addRunFlags, collect, commaList, type RunFlags } from '../cli/run-flags';

interface DriftFlags extends RunFlags {
  tags: string[];
  skipTags: string[];
}

/** `tsrun drift`: `playbook --check --detailed-exitcode` with a per-host summary instead of the task log. */
export function registerDriftCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('drift')
    .description(`Check whether hosts match the playbooks; exit ${EXIT.PENDING} when changes are pending, 0 when in sync`)
    .argument('<playbooks...>', 'playbook files');
  // the run options of `tsrun playbook` (and its configuration file, secret masking and interrupts); -C is implied
  addRunFlags(cmd)
    .option('-t, --tags <tags>', 'only check tasks with these tags (repeatable, comma list)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (repeatable, comma list)', collect, [])
    .action(async (files: string[], o: DriftFlags) => {
      const [{ runLoaded }, { loadPlaybook }, { applySettings, runOptionsFrom }, { setInterruptible }, { JsonReporter }, { PlainReporter }, { DriftReporter }] =
        await Promise.all([
          import('../cli/run-loaded'),
          import('../playbook/plays'),
          import('../cli/run-flags'),
          import('../cli/terminal'),
          import('../output/json'),
          import('../output/plain'),
          import('./reporter'),
        ]);
      applySettings();
      // every playbook is loaded before anything runs, so bad input anywhere touches nothing
      const loaded = files.map((f) => ({ file: f, plays: loadPlaybook(f) }));
      const write = (t: string) => process.stdout.write(t);
      // -v adds the check's task log, at one level less than the same -v of `tsrun playbook`
      const verbosity = Math.max(0, o.verbose - 1);
      const inner = o.json ? new JsonReporter(write) : o.verbose > 0 ? new PlainReporter(write, verbosity) : undefined;
      const opts = await runOptionsFrom({ ...o, check: true, verbose: verbosity }, {
        tags: commaList(o.tags), skipTags: commaList(o.skipTags), command: 'drift', playbooks: files,
        output: { renderer: new DriftReporter(write, Boolean(o.json), inner) },
      });
      setInterruptible(opts.reporter);
      let result = { code: EXIT.OK as number, changed: false };
      try {
        // a failed playbook does not stop the others: drift reports every one
        result = await runLoaded(loaded, opts, false);
      } finally {
        await opts.reporter.close();
      }
      setExit(pendingExit(result.code, result.changed, true));
    });
}
