import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../src/bench/types';
import { labDir } from '../../src/lab/state';
import { labLeftovers } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const LAB = 'bench-smoke';

describe('tsrun bench (smoke: 2 hosts, one repetition)', () => {
  const out = mkdtempSync(join(tmpdir(), 'tsb-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs both tools and the floor, verifies their work, reports, and takes its lab down', async () => {
    const r = await execa('node', [BIN, 'bench', '--hosts', '2', '--reps', '1', '--no-large', '--lab', LAB, '--out', out], { reject: false, timeout: 280_000 });
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.exitCode).toBe(0);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.rows.map((row) => row.case)).toEqual(['first', 'rerun', 'check']);
    for (const row of results.rows) {
      expect(row.hosts).toBe(2);
      for (const v of [row.tsrun, row.ansible, row.floor, row.tsrunRssMb, row.ansibleRssMb]) expect(v).toBeGreaterThan(0);
    }
    // One floor run after each tool: both tools left the same, expected state on the hosts.
    expect(results.samples.filter((s) => s.tool === 'floor')).toHaveLength(2);
    expect(results.machine.ansible).toMatch(/^ansible-core 2\./);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('| 2 | idempotent re-run |');
    expect(readFileSync(join(out, 'chart.svg'), 'utf8')).toContain('<polyline');
    expect(r.stdout).toContain('| hosts | case |');

    expect(existsSync(labDir(LAB))).toBe(false);
    expect(await labLeftovers(LAB, labDir(LAB))).toEqual([]);
  });

  it('on SIGINT stops the running controller and takes its lab down', async () => {
    // no SIGKILL after a delay: the cleanup may take a while on a busy machine
    const child = execa('node', [BIN, 'bench', '--hosts', '2', '--reps', '1', '--no-large', '--lab', LAB, '--out', out], { reject: false, timeout: 120_000, forceKillAfterDelay: false });
    let log = '';
    let sent = false;
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      // mid-way through Ansible's first run, with its workers and ssh masters alive; one signal only
      if (log.includes('tsrun check') && !sent) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 3000);
      }
    });
    const r = await child;
    expect(r.exitCode, log).toBe(130);
    expect(log).toContain('bench: SIGINT, cleaning up');
    expect(existsSync(labDir(LAB))).toBe(false);
    expect(await labLeftovers(LAB, labDir(LAB))).toEqual([]);
    const ps = await execa('ps', ['-eo', 'args']);
    expect(ps.stdout.split('\n').filter((l) => l.includes('ansible-playbook') && l.includes('bench/ansible'))).toEqual([]);
  });

  it('refuses bad flags before touching any lab', async () => {
    for (const args of [['--hosts', '0'], ['--reps', 'x'], ['--tools', 'chef'], ['--forks', '0']]) {
      const r = await execa('node', [BIN, 'bench', ...args, '--lab', LAB], { reject: false });
      expect(r.exitCode, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(/bench: --/);
      expect(existsSync(labDir(LAB))).toBe(false);
    }
  });
});
