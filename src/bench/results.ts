import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chartSvg } from './chart';
import type { LargeSample } from './large';
import { largeMarkdown } from './large-report';
import { machineLine, markdown, startupMarkdown, summarise } from './report';
import type { BenchResults, Machine, Sample, StartupRow } from './types';
import { DEFAULT_OUT, REPO_ROOT } from './paths';

const README = join(REPO_ROOT, 'README.md');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** The machine this run is on. */
export async function machine(): Promise<Machine> {
  const a = await execa('ansible-playbook', ['--version'], { reject: false });
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    kernel: release(),
    ansible: a.exitCode === 0 ? a.stdout.split('\n')[0].replace(/^ansible-playbook \[(.*)\]$/, 'ansible-$1') : 'ansible not found',
  };
}

/**
 * Saves results.json, results.md and chart.svg in `out`; when `out` is the repository's bench-results, the
 * README's table between the bench markers is replaced by the new one.
 */
export function saveResults(out: string, m: Machine, hostCounts: number[], reps: number, samples: Sample[], forks?: number): BenchResults {
  const results: BenchResults = { machine: m, hostCounts, reps, ...(forks ? { forks } : {}), rows: summarise(samples), samples };
  mkdirSync(out, { recursive: true });
  const md = markdown(results);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, 'results.md'), `# tsrun benchmark\n\n${md}\n![chart](chart.svg)\n`);
  writeFileSync(join(out, 'chart.svg'), chartSvg(results.rows, `20-task playbook, median seconds (log scale); ${machineLine(m).split(',')[0]}`));
  if (out === DEFAULT_OUT) replaceInReadme(BEGIN, END, md);
  return results;
}

/** Saves startup.json and startup.md (apart from the host runs, so `--startup-only` keeps their figures). */
export function saveStartup(out: string, m: Machine, rows: StartupRow[]): void {
  mkdirSync(out, { recursive: true });
  const md = startupMarkdown(m, rows);
  writeFileSync(join(out, 'startup.json'), `${JSON.stringify({ machine: m, rows }, null, 2)}\n`);
  writeFileSync(join(out, 'startup.md'), `# tsrun start-up\n\n${md}`);
  if (out === DEFAULT_OUT) replaceInReadme('<!-- bench:startup:begin -->', '<!-- bench:startup:end -->', md);
}

/** Saves large.json and large.md (the large-input cases) and replaces the README's table; returns the Markdown. */
export function saveLarge(out: string, m: Machine, samples: LargeSample[]): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  const md = largeMarkdown(m, load, samples);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'large.json'), `${JSON.stringify({ machine: m, load, samples }, null, 2)}\n`);
  writeFileSync(join(out, 'large.md'), `# tsrun large inputs\n\n${md}`);
  if (out === DEFAULT_OUT) replaceInReadme('<!-- bench:large:begin -->', '<!-- bench:large:end -->', md);
  return md;
}

/** Replaces the README's text between two markers, when it has them. */
function replaceInReadme(begin: string, end: string, md: string): void {
  if (!existsSync(README)) return;
  const text = readFileSync(README, 'utf8');
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) writeFileSync(README, `${text.slice(0, a + begin.length)}\n${md}\n${text.slice(b)}`);
}
