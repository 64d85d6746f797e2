import type { Command } from 'commander';
import { EXIT } from './exit-codes';
import { addRunFlags, type RunFlags } from './run-flags';

interface AdhocFlags extends RunFlags {
  moduleName: string;
  args?: string;
}

/** The names the first argument may not take for the `tsrun PATTERN -m MODULE` shorthand. */
export const ADHOC_FLAGS = new Set(['-m', '--module-name', '-a', '--args']);

/** `tsrun adhoc PATTERN -m MODULE -a ARGS`: one task on the matching hosts, as `ansible PATTERN -m ...`. */
export function registerAdhocCommand(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('adhoc')
    .description('Run one module on hosts: tsrun adhoc PATTERN -m MODULE -a ARGS (also: tsrun PATTERN -m ...)')
    .argument('<pattern>', 'host pattern, as a play\'s hosts:');
  addRunFlags(cmd)
    .option('-m, --module-name <module>', 'the module to run', 'command')
    .option('-a, --args <args>', 'its arguments: key=value pairs, JSON, or free form for command/shell')
    .action(async (pattern: string, o: AdhocFlags) => {
      // loaded on use, as for `tsrun playbook`: start-up pays only for the command line
      const [{ runPlays }, { loadPlay }, { AdhocReporter }, { setInterruptible }, { runOptionsFrom }, { errorEvent, writeErrorEvent }, { Stamper }] = await Promise.all([
        import('../executor/playbook'),
        import('../playbook/plays'),
        import('../output/adhoc'),
        import('./terminal'),
        import('./run-flags'),
        import('./output-chain'),
        import('../events/stamp'),
      ]);
      const stamper = new Stamper();
      let opts: Awaited<ReturnType<typeof runOptionsFrom>>;
      let play: ReturnType<typeof loadPlay>;
      try {
        // the ad-hoc renderer goes through the mask like any other output
        opts = await runOptionsFrom(o, { command: 'adhoc', stamper, output: { renderer: o.json ? undefined : new AdhocReporter(undefined, o.verbose) } });
        if (!o.json) setInterruptible(undefined);
        const args = o.args === undefined ? {} : o.args.trim().startsWith('{') ? JSON.parse(o.args) as unknown : o.args;
        play = loadPlay({ hosts: pattern, gather_facts: false, tasks: [{ name: o.moduleName, [o.moduleName]: args }] }, process.cwd(), { file: '<command line>', line: 1, col: 1 });
      } catch (err) {
        writeErrorEvent(err, o, stamper);
        throw err;
      }
      let code: number = EXIT.OK;
      try {
        const summary = await runPlays([play], process.cwd(), opts);
        code = summary.interrupted ? EXIT.INTERRUPTED : summary.failed ? EXIT.FAILED_HOSTS : summary.unreachable ? EXIT.UNREACHABLE : EXIT.OK;
      } catch (err) {
        opts.reporter.event(errorEvent(err));
        throw err;
      } finally {
        await opts.reporter.close();
      }
      setExit(code);
    });
}
