import { execa } from 'execa';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const FIXTURE = resolve(__dirname, 'fixtures/more');
const NODES = ['node1', 'node2', 'node3'];

describe('become, serial, vars_files, extra vars, handlers, timeouts and failure limits on lab hosts', () => {
  const lab = inject('lab');
  const runId = `r${process.pid}`;
  let dir: string;
  const run = (...args: string[]) =>
    execa('node', [BIN, 'playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), '-e', '@' + join(dir, 'extra.yml'), '-e', `run_id=${runId}`, ...args], { reject: false });
  const onNode = async (node: string, command: string) => (await labSsh(lab, node, command)).stdout;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-more-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const hosts = NODES.map((n) => `    ${n}: {ansible_host: ${lab.hosts.find((h) => h.name === n)!.address}}`).join('\n');
    writeFileSync(join(dir, 'inventory.yml'), `nodes:\n  vars: {ansible_user: nopass, ansible_ssh_private_key_file: ${lab.keyPath}, tsrun_known_hosts: ${lab.knownHostsPath}}\n  hosts:\n${hosts}\n`);
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const n of NODES) await onNode(n, `rm -f /root/tsrun-more-*${runId} /tmp/tsrun-more-*${runId}`);
  });

  it('runs every feature and stops the second play past max_fail_percentage', async () => {
    const r = await run('--diff');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(2);
    // only node1's deliberate failure in the second play; the output is shown when this does not hold
    expect(r.stdout.match(/^fatal: .*$/gm), r.stdout).toEqual(['fatal: [node1] => boom']);
    for (const n of NODES) {
      expect(await onNode(n, `cat /tmp/tsrun-more-${runId}`)).toBe('nopass root tsrun done');
      expect(await onNode(n, `stat -c '%U %a' /root/tsrun-more-${runId}; cat /root/tsrun-more-${runId}`)).toBe('root 600\nfromfile fromextra');
      expect(await onNode(n, `cat /root/tsrun-more-handled-${runId}; ls /tmp/tsrun-more-listened-${runId}`)).toBe(`handled\n/tmp/tsrun-more-listened-${runId}`);
      expect(await onNode(n, `ls /tmp/tsrun-more-after-${runId} 2>&1 || true`)).toMatch(/No such file/);
    }
    expect(r.stdout).toContain('0=x');
    expect(r.stdout).toContain('1=y');
    expect(r.stdout).toMatch(/command timed out after 1 s/);
    expect(r.stdout).toContain(`+++ after: /root/tsrun-more-${runId}`);
    expect(r.stdout).not.toContain(`hidden ${runId}`);
    expect(r.stdout).toMatch(/more than 30% of hosts failed/);
    // serial: 2 runs node1 and node2 first, then node3; handlers flush within each batch
    const order = [...r.stdout.matchAll(/^changed: \[(node\d)\]/gm)].map((m) => m[1]);
    expect(order.indexOf('node3')).toBeGreaterThan(order.lastIndexOf('node2'));
    expect(r.stdout).toMatch(/^node1\s+: ok=\d+ changed=\d+ unreachable=0 failed=1 skipped=0 rescued=0 ignored=2$/m);
  });

  it('play tags select the first play only; the re-run changes nothing', async () => {
    const r = await run('--tags', 'play-tag', '--json');
    expect(r.exitCode, r.stdout).toBe(0);
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'task_start').map((e) => e.name)).not.toContain('not reached when more than 30% failed');
    const recap = events.find((e) => e.type === 'recap').stats;
    for (const n of NODES) expect(recap[n].changed).toBe(0);
  });
});
