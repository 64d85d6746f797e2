import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySetFact, labInventory, render, roleDefaults, roleTask, type Vars, listenLoopback } from './harness';

// The probe and clock scripts run for real on this machine with sh; the only peer is 127.0.0.1.
const work = mkdtempSync(join(tmpdir(), 'tsrun-etcd-precheck-'));
let busy: Server;
let busyPort = 0;
let freePort = 0;

beforeAll(async () => {
  busy = await listenLoopback();
  busyPort = (busy.address() as { port: number }).port;
  const probe = await listenLoopback();
  freePort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
  rmSync(work, { recursive: true, force: true });
});

/** Variables of node1, whose one peer (node2) is this machine's loopback. */
function nodeVars(extra: Vars): Vars {
  const inv = labInventory('node1');
  const hostvars = inv.hostvars as Record<string, Vars>;
  hostvars.node2.ansible_host = '127.0.0.1';
  return {
    ...roleDefaults('etcd-precheck'),
    ...inv,
    groups: { nodes: ['node1', 'node2'] },
    etcd_precheck_data_dir: join(work, 'not', 'yet', 'etcd'),
    etcd_precheck_fsync_samples: 10,
    etcd_precheck_connect_timeout: 2,
    etcd_precheck_require_ntp: false,
    ...extra,
  };
}

function runShell(task: Record<string, unknown>, vars: Vars): { rc: number | null; stdout: string; stderr: string } {
  const script = render(String(task.shell), vars);
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  return { rc: r.status, stdout: r.stdout, stderr: r.stderr };
}

const probeTask = roleTask('etcd-precheck', 'probe.yml', 'probe the node');
const listenTask = roleTask('etcd-precheck', 'probe.yml', 'start short-lived listeners on the free etcd ports');
const reachTask = roleTask('etcd-precheck', 'probe.yml', "connect to every other node's etcd ports");
const stopTask = roleTask('etcd-precheck', 'probe.yml', 'stop the short-lived listeners');

/** Whether something listens on a loopback port of this machine. */
function listening(port: number): boolean {
  return spawnSync('sh', ['-c', `ss -Hltn "sport = :${port}" | grep -q .`]).status === 0;
}

describe('etcd-precheck reachability with short-lived listeners (run here)', () => {
  it('starts a listener on a free port, connects to it, stops it; reports measurements on stderr', () => {
    const vars = nodeVars({ etcd_precheck_ports: [freePort] });
    const listen = runShell(listenTask, vars);
    try {
      expect(listen).toMatchObject({ rc: 0, stdout: '' });
      expect(listen.stderr).toContain(`port ${freePort}: free`);
      expect(listening(freePort)).toBe(true);
      const reach = runShell(reachTask, vars);
      expect(reach).toMatchObject({ rc: 0, stdout: '' });
      expect(reach.stderr).toContain(`reach 127.0.0.1:${freePort}: reachable`);
    } finally {
      expect(runShell(stopTask, vars).rc).toBe(0);
    }
    expect(listening(freePort)).toBe(false);
  });

  it('reports a port in use, and a peer port where nothing listens as refused, naming host, peer and port', () => {
    const inUse = runShell(listenTask, nodeVars({ etcd_precheck_ports: [busyPort] }));
    expect(inUse.stdout).toBe(`node1: port ${busyPort}: in use (measured: a listener on :${busyPort}, limit: free)\n`);
    const reach = runShell(reachTask, nodeVars({ etcd_precheck_ports: [busyPort, freePort] }));
    expect(reach.stderr).toContain(`reach 127.0.0.1:${busyPort}: reachable`);
    expect(reach.stdout).toBe(`node1: reach 127.0.0.1:${freePort}: refused (measured: connection refused, a firewall rejects or nothing listens, limit: reachable)\n`);
    // the stop task ends only the role's own listeners
    expect(runShell(stopTask, nodeVars({ etcd_precheck_ports: [busyPort] })).rc).toBe(0);
    expect(listening(busyPort)).toBe(true);
  });

  it('a listener ends by itself after etcd_precheck_listen_seconds', async () => {
    const vars = nodeVars({ etcd_precheck_ports: [freePort], etcd_precheck_listen_seconds: 1 });
    expect(runShell(listenTask, vars).stdout).toBe('');
    for (let i = 0; i < 50 && listening(freePort); i++) await new Promise((r) => setTimeout(r, 100));
    expect(listening(freePort)).toBe(false);
  });
});

describe('etcd-precheck probe (run here)', () => {
  it('passes a generous disk limit; reports measurements on stderr', () => {
    const r = runShell(probeTask, nodeVars({ etcd_precheck_fsync_p99_limit_ms: 1000, etcd_precheck_min_free_mb: 1 }));
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`fdatasync p99 in ${work}: \\d+\\.\\d{3} ms over 10 writes`));
    expect(r.stderr).toMatch(/ntp: NTPSynchronized=/);
    expect(readdirSync(work).filter((f) => f.startsWith('.tsrun-etcd-precheck'))).toEqual([]);
  });

  it('names the host, check, measured value and limit of every failure on stdout', () => {
    const r = runShell(probeTask, nodeVars({
      etcd_precheck_fsync_p99_limit_ms: 0,
      etcd_precheck_min_free_mb: 1e9,
      etcd_precheck_require_ntp: true,
    }));
    expect(r.rc).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => l.startsWith('node1: '))).toBe(true);
    expect(r.stdout).toMatch(/disk free in .*: too small \(measured: \d+ MiB, limit: 1000000000 MiB\)/);
    expect(r.stdout).toMatch(/fdatasync p99 in .*: too slow \(measured: \d+\.\d{3} ms over 10 writes, limit: 0 ms\)/);
    // This machine may or may not be NTP-synchronised; either the check passes or it says why not.
    expect(r.stdout.includes('node1: ntp: not synchronised (measured: NTPSynchronized=') || r.stderr.includes('NTPSynchronized=yes')).toBe(true);
    expect(readdirSync(work).filter((f) => f.startsWith('.tsrun-etcd-precheck'))).toEqual([]);
  });
});

describe('etcd-precheck clock offset (run here)', () => {
  const task = roleTask('etcd-precheck', 'clock.yml', 'controller clock after, and the offset');
  const now = () => (BigInt(Date.now()) * 1_000_000n).toString();

  it('passes a node whose clock agrees with the controller', () => {
    const t0 = now();
    const r = runShell(task, { ...nodeVars({}), _etcd_precheck_t0: { stdout: t0 }, _etcd_precheck_th: { stdout: now() } });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/clock offset from the controller: -?\d+ ms \+- \d+ ms/);
  });

  it('fails a node ten seconds ahead, with the measured offset and the limit', () => {
    const ahead = (BigInt(Date.now()) * 1_000_000n + 10_000_000_000n).toString();
    const r = runShell(task, { ...nodeVars({}), _etcd_precheck_t0: { stdout: now() }, _etcd_precheck_th: { stdout: ahead } });
    const m = /^node1: clock offset from the controller: too large \(measured: (\d+) ms \+- \d+ ms, limit: 500 ms\)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    // 10 s ahead, less the time this machine took between the stamps (seconds at most, on a loaded machine)
    expect(Number(m![1])).toBeGreaterThan(7000);
    expect(Number(m![1])).toBeLessThanOrEqual(10_100);
  });
});

describe('etcd-precheck cross-node comparison and report', () => {
  const compare = (file: string, name: string) => roleTask('etcd-precheck', file, name);

  /** Runs the compare tasks for every node, as the linear strategy does, and the report's gathering task. */
  function runCompare(hostvars: Record<string, Vars>): Vars {
    const groups = { nodes: Object.keys(hostvars) };
    const at = (host: string): Vars => ({ ...roleDefaults('etcd-precheck'), groups, hostvars, inventory_hostname: host, ...hostvars[host] });
    for (const task of [
      compare('compare.yml', "this node's region"),
      compare('compare.yml', 'nodes sharing this hostname, nodes in another region'),
      compare('compare.yml', "this node's failures"),
    ]) {
      for (const host of groups.nodes) {
        const out = applySetFact(task, at(host));
        for (const key of Object.keys(task.set_fact as Vars)) hostvars[host][key] = out[key];
      }
    }
    return applySetFact(compare('report.yml', "gather every node's failures"), { ...at('n1'), _etcd_precheck_count_failure: '' });
  }

  const clean = { _etcd_precheck_listen: { stdout: '' }, _etcd_precheck_reach: { stdout: '' }, _etcd_precheck_probe: { stdout: '' }, _etcd_precheck_clock: { stdout: '' } };

  it('reports nothing for distinct hostnames in one region', () => {
    const out = runCompare({
      n1: { ...clean, ansible_hostname: 'a', etcd_precheck_region: 'eu' },
      n2: { ...clean, ansible_hostname: 'b', etcd_precheck_region: 'eu' },
      n3: { ...clean, ansible_hostname: 'c' },
    });
    expect(out._etcd_precheck_report).toBe('');
  });

  it('reports duplicate hostnames, another region and the probes\' failures, naming each node', () => {
    const out = runCompare({
      n1: { ...clean, ansible_hostname: 'same', etcd_precheck_region: 'eu' },
      n2: { ...clean, ansible_hostname: 'same', etcd_precheck_region: 'eu', _etcd_precheck_probe: { stdout: 'n2: port 2379: in use (measured: a listener on :2379, limit: free)' } },
      n3: { ...clean, ansible_hostname: 'c', etcd_precheck_region: 'us' },
    });
    const report = String(out._etcd_precheck_report);
    expect(report).toContain("n1: hostname: not unique (measured: 'same', also on n2, limit: unique)");
    expect(report).toContain("n2: hostname: not unique (measured: 'same', also on n1, limit: unique)");
    expect(report).toContain('n2: port 2379: in use');
    expect(report).toContain('n1: region: differs (measured: eu, other nodes: n3=us, limit: one region)');
    expect(report).toContain('n3: region: differs (measured: us, other nodes: n1=eu n2=eu, limit: one region)');
    expect(report).toContain('n2: region: differs (measured: eu, other nodes: n3=us, limit: one region)');
    expect(report.trim().split('\n')).toHaveLength(6);
  });
});
