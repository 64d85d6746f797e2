import type { BenchResults, Case, Machine, Row, Sample, StartupRow } from './types';

/** The median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const CASES: Case[] = ['first', 'rerun', 'check'];

/** Medians per host count and case; the floor is the same for every case of a host count. */
export function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  const counts = [...new Set(samples.map((s) => s.hosts))].sort((a, b) => a - b);
  const med = (pick: (s: Sample) => boolean, value: (s: Sample) => number | undefined) => {
    const v = samples.filter(pick).map(value).filter((x): x is number => x !== undefined);
    return v.length ? median(v) : undefined;
  };
  for (const hosts of counts) {
    const floor = med((s) => s.hosts === hosts && s.tool === 'floor', (s) => s.seconds);
    for (const c of CASES) {
      const of = (tool: string) => (s: Sample) => s.hosts === hosts && s.case === c && s.tool === tool;
      const tsrun = med(of('tsrun'), (s) => s.seconds);
      const ansible = med(of('ansible'), (s) => s.seconds);
      const mitogen = med(of('mitogen'), (s) => s.seconds);
      if (tsrun === undefined && ansible === undefined && mitogen === undefined) continue;
      rows.push({
        hosts,
        case: c,
        tsrun,
        ansible,
        floor,
        ansibleOverTsrun: tsrun && ansible ? ansible / tsrun : undefined,
        tsrunOverFloor: tsrun && floor ? tsrun / floor : undefined,
        tsrunRssMb: med(of('tsrun'), (s) => s.peakRssMb),
        ansibleRssMb: med(of('ansible'), (s) => s.peakRssMb),
        ...(mitogen !== undefined ? { mitogen, mitogenOverTsrun: tsrun ? mitogen / tsrun : undefined, mitogenRssMb: med(of('mitogen'), (s) => s.peakRssMb) } : {}),
      });
    }
  }
  return rows;
}

const CASE_NAMES: Record<Case, string> = { first: 'first run', rerun: 'idempotent re-run', check: '--check (converged)' };

function num(v: number | undefined, digits: number, suffix = ''): string {
  return v === undefined ? '-' : `${v.toFixed(digits)}${suffix}`;
}

/** One line naming the machine, for the README and results.md. */
export function machineLine(m: Machine): string {
  return `${m.date.slice(0, 10)}, ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB RAM, Node ${m.node}, Linux ${m.kernel}, ${m.ansible}`;
}

/** The start-up cases as Markdown: medians, the ratio to `node -e 0` and whether its target is met. */
export function startupMarkdown(m: Machine, rows: StartupRow[]): string {
  return [
    `Machine: ${machineLine(m)}.`,
    'Start-up, whole process, medians (the ratio is the median of back-to-back pairs):',
    '',
    '| case | tsrun s | node -e 0 s | ratio | target | met |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((s) => `| ${s.case} | ${s.tsrun.toFixed(3)} | ${s.node.toFixed(3)} | ${s.ratio.toFixed(2)}x | ${s.target}x | ${s.ratio <= s.target ? 'yes' : 'no'} |`),
    '',
  ].join('\n');
}

/** tsrun's re-run and the floor divided by the host count, in ms: whether the cost per host stays flat as the fleet grows. */
function perHostLine(rows: Row[]): string[] {
  const reruns = rows.filter((row) => row.case === 'rerun' && row.tsrun !== undefined);
  if (reruns.length < 2) return [];
  const ms = (v: number | undefined, n: number) => (v === undefined ? '-' : `${((v / n) * 1000).toFixed(1)}`);
  return [`Cost per host, ms (tsrun re-run / floor): ${reruns.map((row) => `${row.hosts} hosts ${ms(row.tsrun, row.hosts)} / ${ms(row.floor, row.hosts)}`).join('; ')}.`, ''];
}

/** The 1-minute load average the runs of each host count ended at (lowest-highest), when it was recorded. */
function loadLine(samples: Sample[]): string[] {
  const counts = [...new Set(samples.filter((s) => s.load1 !== undefined).map((s) => s.hosts))].sort((a, b) => a - b);
  if (!counts.length) return [];
  const range = (n: number) => {
    const v = samples.filter((s) => s.hosts === n && s.load1 !== undefined).map((s) => s.load1!);
    return `${n} hosts ${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)}`;
  };
  return [`Load average (1 minute) at the end of each run: ${counts.map(range).join('; ')}.`, ''];
}

/** The results as Markdown: the machine, then the table of medians and ratios. */
export function markdown(r: BenchResults): string {
  // Mitogen's columns only when it ran, so tables of earlier runs keep their shape
  const withMitogen = r.rows.some((row) => row.mitogen !== undefined);
  const head = [
    `| hosts | case | tsrun s | Ansible s | floor s | Ansible / tsrun | tsrun / floor | tsrun peak RSS | Ansible peak RSS |${withMitogen ? ' Mitogen s | Mitogen / tsrun | Mitogen peak RSS |' : ''}`,
    `| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${withMitogen ? ' ---: | ---: | ---: |' : ''}`,
  ];
  const lines = r.rows.map((row: Row) =>
    [
      row.hosts,
      CASE_NAMES[row.case],
      num(row.tsrun, 2),
      num(row.ansible, 2),
      num(row.floor, 2),
      num(row.ansibleOverTsrun, 1, 'x'),
      num(row.tsrunOverFloor, 1, 'x'),
      num(row.tsrunRssMb, 0, ' MB'),
      num(row.ansibleRssMb, 0, ' MB'),
      ...(withMitogen ? [num(row.mitogen, 2), num(row.mitogenOverTsrun, 1, 'x'), num(row.mitogenRssMb, 0, ' MB')] : []),
    ].join(' | '),
  );
  return [
    `Machine: ${machineLine(r.machine)}.`,
    `Medians of ${r.reps} repetition${r.reps === 1 ? '' : 's'}; light lab hosts (sshd in a network namespace), forks = ${r.forks ?? 'host count'}.`,
    '',
    ...head,
    ...lines.map((l) => `| ${l} |`),
    '',
    ...perHostLine(r.rows),
    ...loadLine(r.samples),
  ].join('\n');
}
