import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';
import { events, labInventory, tsrun } from './plans-helpers';

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
      expect(await screenshot(page, profile, 'timeline.png')).toBeGreaterThan(5000);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('the run timeline of a run on lab hosts', () => {
  let dir: string;
  const nodes = ['node1', 'node2', 'node3'];
  const secret = 'tl-s3cret-9f3a';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-timeline-lab-'));
    writeFileSync(join(dir, 'inventory.yml'), labInventory());
    writeFileSync(join(dir, 'site.yml'), [
      '- hosts: nodes', '  gather_facts: no', '  tasks:',
      '    - name: app directory', '      file: {path: /srv/hpl-timeline, state: directory}',
      '    - name: app file', '      copy: {content: "{{ inventory_hostname }}\\n", dest: /srv/hpl-timeline/host}',
      '    - name: a failure that names the secret', '      fail: {msg: "rejected {{ api_token }}"}', '      when: inventory_hostname == "node3"', '      ignore_errors: yes',
      '',
    ].join('\n'));
    for (const h of nodes) await labSsh(inject('lab'), h, 'rm -rf /srv/hpl-timeline');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const h of nodes) await labSsh(inject('lab'), h, 'rm -rf /srv/hpl-timeline');
  });

  it('a row per lab host, a bar per task with its hover text, no secret; Chromium renders it', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (bin/packages.txt)`);
    const page = join(dir, 'run.html');
    const vars = JSON.stringify({ api_token: secret, tsrun_secret_vars: ['api_token'] });
    const r = await tsrun('playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), '--timeline', page, '--json', '-e', vars);
    expect(r.exitCode).toBe(0);
    // the run really ran on the hosts
    for (const h of nodes) expect((await labSsh(inject('lab'), h, 'cat /srv/hpl-timeline/host')).stdout).toBe(h);
    const html = readFileSync(page, 'utf8');
    expect(html).not.toContain(secret);
    expect(r.stdout).not.toContain(secret);
    const t = events(r.stdout).find((e) => e.type === 'timeline')!;
    expect(t.bars.find((b: { host: string; task: string }) => b.host === 'node3' && b.task === 'a failure that names the secret')).toMatchObject({ status: 'ignored', msg: 'rejected ********' });
    const profile = mkdtempSync(join(tmpdir(), 'tsrun-chromium-'));
    try {
      const dom = await execa(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', `file://${page}`], { timeout: 120_000 });
      expect([...dom.stdout.matchAll(/class="row" data-host="([^"]+)"/g)].map((m) => m[1])).toEqual(nodes);
      // the hover text of every bar: task, result and duration
      const tips = [...dom.stdout.matchAll(/class="bar" data-task="[^"]+" data-status="([^"]+)" title="([^"]+)"/g)].map((m) => [m[1], m[2]]);
      expect(tips).toHaveLength(9);
      for (const [status, tip] of tips) expect(tip).toMatch(new RegExp(`^[^|]+ \\| ${status} \\| \\d+\\.\\d\\d s`));
      expect(tips.map(([, tip]) => tip)).toContainEqual(expect.stringMatching(/^a failure that names the secret \| ignored \| .* \| rejected \*{8}$/));
      expect(await screenshot(page, profile, 'timeline-lab.png')).toBeGreaterThan(5000);
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  }, 600_000);
});

/** Chromium's screenshot of the page, kept in the test's output; its size in bytes. */
async function screenshot(page: string, profile: string, name: string): Promise<number> {
  const shot = join(OUT, name);
  mkdirSync(OUT, { recursive: true });
  rmSync(shot, { force: true });
  await execa(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, `--screenshot=${shot}`, '--window-size=1200,500', `file://${page}`], { timeout: 120_000 });
  return statSync(shot).size;
}
