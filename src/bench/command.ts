import { resolve } from 'node:path';
import { requireRootLinux } from '../lab/preflight';
import { checkLabName } from '../lab/state';
import { ensureHostPython } from '../lab/python';
import { ensureAnsible } from './preflight';
import { markdown, startupMarkdown } from './report';
import { machine, saveLarge, saveResults, saveStartup } from './results';
import { runBench } from './run';
import { runStartup } from './startup';
import type { Tool } from './tools';
import type { Sample } from './types';

/** The options of `tsrun bench`, parsed. */
export interface BenchFlags {
  hosts: number[];
  reps: number;
  /** Hosts each controller runs at once; the host count when not given. */
  forks?: number;
  tools: Tool[];
  lab: string;
  out: string;
  /** Only the start-up cases: no lab, no root. */
  startupOnly?: boolean;
  /** Pairs timed per start-up case. */
  startupRuns: number;
  /** The large-input cases (on by default; `--no-large`), or only them. */
  large: boolean;
  largeOnly?: boolean;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `tsrun bench`: times start-up against `node -e 0`, then prepares the controller and the base, runs every case, saves and prints the report. */
export async function benchCommand(o: BenchFlags): Promise<void> {
  if (o.tools.includes('tsrun')) {
    const rows = await runStartup(o.startupRuns, log);
    const m = await machine();
    saveStartup(resolve(o.out), m, rows);
    process.stdout.write(startupMarkdown(m, rows));
  }
  if (o.startupOnly) return;
  requireRootLinux();
  checkLabName(o.lab);
  if (o.tools.some((t) => t !== 'tsrun')) await ensureAnsible(log);
  await ensureHostPython(log);
  const m = await machine();
  // the figures of each size are saved as soon as it is done: a later, larger size may fail or be stopped
  const onHostCount = (done: Sample[]) => {
    saveResults(resolve(o.out), m, o.hosts.filter((n) => done.some((s) => s.hosts === n)), o.reps, done, o.forks);
    log(`bench: figures so far saved in ${resolve(o.out)}`);
  };
  const { samples, large } = await runBench({ hostCounts: o.hosts, reps: o.reps, forks: o.forks, lab: o.lab, tools: o.tools, large: o.large, largeOnly: o.largeOnly, log, onHostCount });
  if (!o.largeOnly) process.stdout.write(markdown(saveResults(resolve(o.out), await machine(), o.hosts, o.reps, samples, o.forks)));
  if (large.length) process.stdout.write(saveLarge(resolve(o.out), await machine(), large));
  log(`bench: results in ${resolve(o.out)}`);
}
