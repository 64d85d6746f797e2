import { join } from 'node:path';
import { measure } from './measure';
import { REPO_ROOT } from './paths';
import { median } from './report';
import type { StartupRow } from './types';

/** The start-up cases: each a whole tsrun process against `node -e 0`, the least any Node program costs. */
export const STARTUP_CASES: { name: string; args: string[]; target: number }[] = [
  { name: 'tsrun --version', args: ['--version'], target: 1.5 },
  { name: '1-task local playbook', args: ['playbook', '-i', 'localhost,', join(REPO_ROOT, 'bench/startup/one-task.yml')], target: 2 },
];

const TSRUN_BIN = join(REPO_ROOT, 'bin/tsrun.js');

async function wall(args: string[]): Promise<number> {
  const m = await measure(process.execPath, args, { cwd: REPO_ROOT });
  if (m.code !== 0) throw new Error(`bench: ${args.join(' ')} exited ${m.code}: ${m.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return m.seconds;
}

/**
 * Times each case and `node -e 0` in turn (A B A B ...) after one untimed pair, and keeps the median of the
 * pairwise ratios: on a shared machine whose speed drifts, a pair run back to back is the fair comparison.
 */
export async function runStartup(runs: number, log: (line: string) => void): Promise<StartupRow[]> {
  const rows: StartupRow[] = [];
  for (const c of STARTUP_CASES) {
    const tsrun: number[] = [];
    const node: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const a = await wall([TSRUN_BIN, ...c.args]);
      const b = await wall(['-e', '0']);
      if (i === 0) continue;
      tsrun.push(a);
      node.push(b);
    }
    const row: StartupRow = {
      case: c.name,
      tsrun: median(tsrun),
      node: median(node),
      ratio: median(tsrun.map((a, i) => a / node[i])),
      target: c.target,
    };
    log(`bench: start-up ${c.name} ${row.tsrun.toFixed(3)} s, node -e 0 ${row.node.toFixed(3)} s, ${row.ratio.toFixed(2)}x`);
    rows.push(row);
  }
  return rows;
}
