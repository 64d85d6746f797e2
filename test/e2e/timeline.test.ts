import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, tsrun } from './plans-helpers';

const CHROMIUM = '/usr/bin/chromium';
/** Where the screenshot is kept for people to look at. */
const OUT = resolve(__dirname, '../../test-output');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the run timeline, rendered by headless Chromium', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-timeline-'));
    writeFileSync(join(dir, 'inventory.yml'), `all:\n  vars: {ansible_connection: local}\n  hosts:\n    alpha: {root: ${dir}/alpha}\n    beta: {root: ${dir}/beta}\n`);
    writeFileSync(join(dir, 'site.yml'), [
      '- hosts: all', '  gather_facts: no', '  tasks:',
      '    - name: make a directory', '      file: {path: "{{ root }}", state: directory}',
      '    - name: wait a little', '      command: sleep 2',
      '    - name: write a file', '      copy: {content: "hi\\n", dest: "{{ root }}/f"}',
      '    - name: only on beta', '      debug: {msg: beta}', '      when: inventory_hostname == "beta"',
      '',
    ].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one self-contained page that Chromium renders with every host and task; the same data in --json', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (bin/packages.txt)`);
    const page = join(dir, 'run.html');
    const r = await tsrun('playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), '--timeline', page, '--json');
    expect(r.exitCode).toBe(0);
    const html = readFileSync(page, 'utf8');
    // self-contained: nothing is fetched from anywhere
    expect(html).not.toMatch(/\b(src|href)=|@import|url\(/);
    const t = events(r.stdout).find((e) => e.type === 'timeline')!;
    expect(t.hosts).toEqual(['alpha', 'beta']);
    expect(t.bars.filter((b: { host: string }) => b.host === 'alpha').map((b: { task: string; status: string }) => `${b.task}:${b.status}`))
      .toEqual(['make a directory:changed', 'wait a little:changed', 'write a file:changed', 'only on beta:skipped']);
    expect(t.slowestTasks[0].task).toBe('wait a little');

    const profile = mkdtempSync(join(tmpdir(), 'tsrun-chromium-'));
    try {
      const dom = await execa(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', `file://${page}`], { timeout: 120_000 });
      const rows = [...dom.stdout.matchAll(/class="row" data-host="([^"]+)"/g)].map((m) => m[1]);
      expect(rows).toEqual(['alpha', 'beta']);
      const bars = [...dom.stdout.matchAll(/class="bar" data-task="([^"]+)" data-status="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
      expect(bars).toHaveLength(8);
      expect(bars).toContain('only on beta:ok');
      expect(dom.stdout).toMatch(/<ol id="slowest-tasks"><li>wait a little on (alpha|beta)/);
      mkdirSync(OUT, { recursive: true });
      const shot = join(OUT, 'timeline.png');
      rmSync(shot, { force: true });
      await execa(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${shot}`, '--window-size=1200,500', `file://${page}`], { timeout: 120_000 });
      expect(statSync(shot).size).toBeGreaterThan(5000);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }, 600_000);
});
