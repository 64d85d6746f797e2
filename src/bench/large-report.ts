import type { LargeCase, LargeSample } from './large';
import { machineLine, median } from './report';
import type { Machine } from './types';

/** The issue's targets for the large-input cases: seconds (or "faster than Ansible") and peak RSS. */
const TARGETS: Record<LargeCase, { what: string; seconds?: number; rssMb: number }> = {
  'template-7mb': { what: 'a 7 MB template to 10 hosts', rssMb: 300 },
  'playbook-50mb': { what: 'a 50 MB playbook, `--syntax-check`', seconds: 5, rssMb: 1024 },
};

const med = (s: LargeSample[], c: LargeCase, tool: string, f: (x: LargeSample) => number) => {
  const v = s.filter((x) => x.case === c && x.tool === tool).map(f);
  return v.length ? median(v) : undefined;
};
const fmt = (n: number | undefined, digits: number) => (n === undefined ? '-' : n.toFixed(digits));

/** The large-input cases as Markdown: medians of time and peak RSS for both tools, and whether each target is met. */
export function largeMarkdown(m: Machine, load: string, samples: LargeSample[]): string {
  const reps = Math.max(...samples.map((s) => s.rep));
  const lines = [
    `Machine: ${machineLine(m)}; load average at the start: ${load}. Medians of ${reps} run(s).`,
    '',
    '| case | tsrun s | ansible s | tsrun peak MB | ansible peak MB | target | met |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const c of Object.keys(TARGETS) as LargeCase[]) {
    const t = TARGETS[c];
    const ts = med(samples, c, 'tsrun', (x) => x.seconds);
    const as = med(samples, c, 'ansible', (x) => x.seconds);
    const tr = med(samples, c, 'tsrun', (x) => x.peakRssMb);
    const ar = med(samples, c, 'ansible', (x) => x.peakRssMb);
    const fast = ts !== undefined && (t.seconds !== undefined ? ts < t.seconds : as !== undefined && ts < as);
    const target = `${t.seconds !== undefined ? `< ${t.seconds} s` : 'faster than Ansible'}, < ${t.rssMb} MB`;
    lines.push(`| ${t.what} | ${fmt(ts, 2)} | ${fmt(as, 2)} | ${fmt(tr, 0)} | ${fmt(ar, 0)} | ${target} | ${fast && tr !== undefined && tr < t.rssMb ? 'yes' : 'no'} |`);
  }
  return `${lines.join('\n')}\n`;
}
