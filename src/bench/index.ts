import type { Command } from 'commander';
import { TsrunError } from '../core/errors';
import { WIDE_MAX } from '../lab/addressing';
import type { BenchFlags } from './command';
import { DEFAULT_OUT } from './paths';
import type { Tool } from './tools';

function counts(value: string): number[] {
  const n = value.split(',').map((s) => s.trim());
  if (!n.every((s) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= WIDE_MAX.nodes)) {
    throw new TsrunError('USAGE', `bench: --hosts ${JSON.stringify(value)} is not a list of host counts`, { expected: `numbers from 1 to ${WIDE_MAX.nodes}, comma separated, e.g. 10,50` });
  }
  return [...new Set(n.map(Number))].sort((a, b) => a - b);
}

/** A parser for a flag that takes a whole number from 1, up to `max` when there is one. */
function wholeNumber(flag: string, max = Infinity): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new TsrunError('USAGE', `bench: ${flag} ${JSON.stringify(value)} is out of range`, { expected: `a whole number from 1${max === Infinity ? '' : ` to ${max}`}` });
    }
    return Number(value);
  };
}

function tools(value: string): Tool[] {
  const t = value.split(',').map((s) => s.trim());
  if (!t.length || !t.every((x) => x === 'tsrun' || x === 'ansible' || x === 'mitogen')) {
    throw new TsrunError('USAGE', `bench: --tools ${JSON.stringify(value)} names an unknown tool`, { expected: 'a comma list of tsrun, ansible and mitogen' });
  }
  return [...new Set(t as Tool[])];
}

/** Adds `tsrun bench`: tsrun against ansible-playbook and a raw ssh floor on light lab hosts, with a report. */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('benchmark tsrun against ansible-playbook and a raw ssh floor on light lab hosts (root, Linux)')
    .option('--hosts <counts>', 'host counts, comma separated', counts, [10, 50])
    .option('--reps <n>', 'repetitions of every case', wholeNumber('--reps', 20), 3)
    .option('--tools <list>', 'controllers to compare: tsrun,ansible,mitogen', tools, ['tsrun', 'ansible'] as Tool[])
    .option('--forks <n>', 'hosts each controller runs at once (default: the host count)', wholeNumber('--forks'))
    .option('--lab <name>', 'name of the lab the benchmark brings up and takes down', 'bench')
    .option('--no-large', 'skip the large-input cases (a 7 MB template to 10 hosts, a 50 MB playbook checked)')
    .option('--large-only', 'only the large-input cases')
    .option('--startup-only', 'only the start-up cases (tsrun --version, a 1-task local playbook) against node -e 0')
    .option('--startup-runs <n>', 'back-to-back pairs per start-up case', wholeNumber('--startup-runs', 20), 7)
    .option('--out <dir>', 'where results.md, results.json and chart.svg go', DEFAULT_OUT)
    .action(async (o: BenchFlags) => {
      // loaded on use, like the lab: playbook runs should not pay for the benchmark's modules at start-up
      const { benchCommand } = await import('./command');
      await benchCommand(o);
    });
}
