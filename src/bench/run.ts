import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
import { labDown, labUp, type LabInfo } from '../lab/index';
import { signal, type Log } from '../lab/sys';
import { floorScript } from './floor-script';
import { runLarge, type LargeSample } from './large';
import { processTree, running } from './measure';
import { recapProblem } from './recap';
import { sshAll, type HostRun } from './ssh-all';
import { closeAnsibleMasters, runTool, warmUp, type Tool, type ToolRun, type ToolSetup } from './tools';
import type { Case, Sample } from './types';
import { CHANGED_ON_FIRST_RUN, expectedState, WORKLOAD_VARS } from './workload';

/** What `tsrun bench` was asked to do. */
export interface BenchOptions {
  hostCounts: number[];
  reps: number;
  /** Hosts each controller runs at once; the host count when not given. */
  forks?: number;
  lab: string;
  tools: Tool[];
  /** Also the large-input cases, on a 10-host lab of their own. */
  large: boolean;
  /** Only the large-input cases. */
  largeOnly?: boolean;
  log: Log;
  /** Called after each host count with every sample so far, so a failure at a later size keeps the earlier figures. */
  onHostCount?: (samples: Sample[]) => void;
}

/** Large-input hosts: the "a 7 MB template to 10 hosts". */
const LARGE_HOSTS = 10;

const CASES: Case[] = ['first', 'rerun', 'check'];

function tail(text: string): string {
  return text.trim().split('\n').slice(-8).join('\n');
}

function sshProblem(what: string, runs: HostRun[]): void {
  const bad = runs.find((r) => r.code !== 0);
  if (bad) throw new TsrunError('INTERNAL', `bench: ${what} failed on ${bad.host} (exit ${bad.code}): ${tail(bad.stderr || bad.stdout)}`);
}

function checkRun(tool: Tool, c: Case, run: ToolRun, hosts: string[]): void {
  const problem = run.code !== 0 ? `exit code ${run.code}` : recapProblem(run.recap, hosts, c === 'first' ? CHANGED_ON_FIRST_RUN : 0);
  if (problem) {
    throw new TsrunError('INTERNAL', `bench: ${tool} ${c} did not do the expected work: ${problem}\n${tail(run.stdout)}\n${tail(run.stderr)}`, {
      expected: `every host ok, ${CHANGED_ON_FIRST_RUN} changes on a first run and none after`,
    });
  }
}

/** One host count: every repetition of every tool's cases, each tool followed by the floor on its converged hosts. */
async function benchHosts(lab: LabInfo, o: BenchOptions, scratch: string, samples: Sample[]): Promise<void> {
  const n = lab.hosts.length;
  const names = lab.hosts.map((h) => h.name);
  const varsFile = join(scratch, 'vars.json');
  writeFileSync(varsFile, JSON.stringify(WORKLOAD_VARS));
  const setup: ToolSetup = { inventory: lab.inventoryPath, varsFile, forks: o.forks ?? n, scratch };
  const scripts = new Map(names.map((h) => [h, floorScript(expectedState(WORKLOAD_VARS, h, names))]));
  for (let rep = 1; rep <= o.reps; rep++) {
    // Alternate which tool goes first so neither always meets a warmer machine.
    const order = rep % 2 ? o.tools : [...o.tools].reverse();
    for (const tool of order) {
      // Fresh hosts for the first run, outside the timed part: the playbook touches nothing but bench_root.
      sshProblem('resetting the hosts', (await sshAll(lab, () => `rm -rf ${WORKLOAD_VARS.bench_root}\n`)).runs);
      for (const c of CASES) {
        const run = await runTool(tool, setup, c === 'check');
        checkRun(tool, c, run, names);
        const load1 = loadavg()[0];
        samples.push({ tool, case: c, hosts: n, rep, seconds: run.seconds, peakRssMb: run.peakRssMb, load1 });
        o.log(`bench: ${n} hosts, rep ${rep}: ${tool} ${c} ${run.seconds.toFixed(2)} s, ${run.peakRssMb.toFixed(0)} MB, load ${load1.toFixed(2)}`);
      }
      const floor = await sshAll(lab, (h) => scripts.get(h)!);
      sshProblem(`the raw floor after ${tool}`, floor.runs);
      const load1 = loadavg()[0];
      samples.push({ tool: 'floor', case: 'floor', hosts: n, rep, seconds: floor.seconds, load1 });
      o.log(`bench: ${n} hosts, rep ${rep}: floor after ${tool} ${floor.seconds.toFixed(2)} s, load ${load1.toFixed(2)}`);
    }
    await closeAnsibleMasters(scratch);
  }
}

/**
 * Runs the whole benchmark: for each host count a light lab named `o.lab`, the cases of each tool, the raw floor.
 * The lab is taken down at the end, on failure, and on SIGINT/SIGTERM (which also stop the running controller).
 */
export async function runBench(o: BenchOptions): Promise<{ samples: Sample[]; large: LargeSample[] }> {
  const samples: Sample[] = [];
  let large: LargeSample[] = [];
  const scratch = mkdtempSync('/tmp/tsb-');
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      // The whole tree: ansible-playbook's forked workers would outlive their parent.
      for (const child of running) for (const pid of child.pid ? processTree(child.pid) : []) signal(pid, 'SIGKILL');
      await closeAnsibleMasters(scratch);
      await labDown(o.lab, o.log);
      rmSync(scratch, { recursive: true, force: true });
    })());
  // a second signal while cleaning up must not kill the process before the lab is down
  const onSignal = (sig: NodeJS.Signals) => {
    if (cleaning) return;
    o.log(`bench: ${sig}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (o.tools.includes('tsrun')) await warmUp();
    for (const n of o.largeOnly ? [] : o.hostCounts) {
      const lab = await labUp({ name: o.lab, nodes: n, lb: 0, light: true, log: o.log });
      await benchHosts(lab, o, scratch, samples);
      o.onHostCount?.(samples);
    }
    if (o.large || o.largeOnly) {
      const lab = await labUp({ name: o.lab, nodes: LARGE_HOSTS, lb: 0, light: true, log: o.log });
      large = await runLarge(lab, o.tools.filter((t) => t !== 'mitogen'), o.reps, scratch, o.log);
    }
    return { samples, large };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
