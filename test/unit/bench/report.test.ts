import { describe, expect, it } from 'vitest';
import { chartSvg } from '../../../src/bench/chart';
import { markdown, median, startupMarkdown, summarise } from '../../../src/bench/report';
import type { Machine, Sample } from '../../../src/bench/types';

const machine: Machine = { date: '2026-11-21T20:00:00Z', cpus: 2, cpuModel: 'cpu', memoryGb: 24, node: '20.20.2', kernel: '6.1', ansible: 'ansible-core 2.14.18' };

function samples(): Sample[] {
  const out: Sample[] = [];
  const add = (tool: Sample['tool'], c: Sample['case'], hosts: number, secs: number[], rss?: number) =>
    secs.forEach((seconds, i) => out.push({ tool, case: c, hosts, rep: i + 1, seconds, peakRssMb: rss }));
  add('tsrun', 'first', 10, [1.0, 3.0, 2.0], 100);
  add('tsrun', 'rerun', 10, [0.5, 0.7, 0.6], 90);
  add('ansible', 'first', 10, [30, 29, 31], 900);
  add('ansible', 'rerun', 10, [24, 25, 26], 800);
  add('floor', 'floor', 10, [0.3, 0.2, 0.4, 0.3, 0.3, 0.3]);
  add('tsrun', 'rerun', 50, [2], 150);
  return out;
}

describe('the report', () => {
  it.each([
    { values: [3], want: 3 },
    { values: [3, 1, 2], want: 2 },
    { values: [4, 1, 3, 2], want: 2.5 },
  ])('median of $values is $want', ({ values, want }) => expect(median(values)).toBe(want));

  it('summarises medians and ratios per host count and case', () => {
    const rows = summarise(samples());
    expect(rows.map((r) => `${r.hosts} ${r.case}`)).toEqual(['10 first', '10 rerun', '50 rerun']);
    expect(rows[0]).toMatchObject({ tsrun: 2, ansible: 30, floor: 0.3, ansibleOverTsrun: 15, tsrunRssMb: 100, ansibleRssMb: 900 });
    expect(rows[1].ansibleOverTsrun).toBeCloseTo(25 / 0.6);
    expect(rows[1].tsrunOverFloor).toBeCloseTo(2);
    expect(rows[2]).toMatchObject({ tsrun: 2, ansible: undefined, floor: undefined, ansibleOverTsrun: undefined });
  });

  it('writes a Markdown table naming the machine, with - for what was not measured', () => {
    const md = markdown({ machine, hostCounts: [10, 50], reps: 3, rows: summarise(samples()), samples: [] });
    expect(md).toContain('2026-11-21, 2 CPUs (cpu), 24 GB RAM, Node 20.20.2');
    expect(md).toContain('| 10 | idempotent re-run | 0.60 | 25.00 | 0.30 | 41.7x | 2.0x | 90 MB | 800 MB |');
    expect(md).toContain('| 50 | idempotent re-run | 2.00 | - | - | - | - | 150 MB | - |');
  });

  it('says which forks the controllers ran with: the host count, or what --forks gave', () => {
    const base = { machine, hostCounts: [10, 50], reps: 3, rows: summarise(samples()), samples: [] };
    expect(markdown(base)).toContain('forks = host count.');
    expect(markdown({ ...base, forks: 25 })).toContain('forks = 25.');
  });

  it('states the cost per host of each size and the load average the runs ended at', () => {
    const withLoad = samples().map((s, i) => ({ ...s, load1: 1 + (i % 3) }));
    const md = markdown({ machine, hostCounts: [10, 50], reps: 3, rows: summarise(withLoad), samples: withLoad });
    expect(md).toContain('Cost per host, ms (tsrun re-run / floor): 10 hosts 60.0 / 30.0; 50 hosts 40.0 / -.');
    expect(md).toContain('Load average (1 minute) at the end of each run: 10 hosts 1.0-3.0; 50 hosts 1.0-1.0.');
  });

  it('draws one line per measured series with a legend entry each', () => {
    const svg = chartSvg(summarise(samples()), 'title & more');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('title &amp; more');
    expect(svg.match(/<polyline /g)).toHaveLength(5);
    for (const name of ['Ansible, re-run', 'tsrun, first run', 'raw floor (ssh + sh)']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).not.toContain('NaN');
  });

  it('reports start-up against node -e 0 with each target met or not', () => {
    const md = startupMarkdown(machine, [
      { case: 'tsrun --version', tsrun: 0.2, node: 0.15, ratio: 1.33, target: 1.5 },
      { case: '1-task local playbook', tsrun: 0.5, node: 0.15, ratio: 3.2, target: 2 },
    ]);
    expect(md).toContain('| tsrun --version | 0.200 | 0.150 | 1.33x | 1.5x | yes |');
    expect(md).toContain('| 1-task local playbook | 0.500 | 0.150 | 3.20x | 2x | no |');
  });
});
