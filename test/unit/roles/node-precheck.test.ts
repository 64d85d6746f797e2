import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySetFact, labInventory, render, roleDefaults, roleTask, type Vars, listenLoopback } from './harness';
import { roleTasks } from './task-walk';

// The probe, listener and reach scripts run for real on this machine with sh and perl; the only peer is 127.0.0.1,
// and every port is one the OS handed out as free (or holds for the test), never the real Rancher ports.
let busy: Server;
let busyPort = 0;
const free: number[] = [];
let freeUdp = 0;

beforeAll(async () => {
  busy = await listenLoopback();
  busyPort = (busy.address() as { port: number }).port;
  for (let i = 0; i < 2; i++) {
    const s = await listenLoopback();
    free.push((s.address() as { port: number }).port);
    await new Promise((r) => s.close(r));
  }
  const u = createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', () => r()));
  freeUdp = u.address().port;
  await new Promise<void>((r) => u.close(() => r()));
});
afterAll(async () => {
  await new Promise((r) => busy.close(r));
});

/** Variables of node1, whose one peer (node2) is this machine's loopback. */
function nodeVars(extra: Vars): Vars {
  const inv = labInventory('node1');
  (inv.hostvars as Record<string, Vars>).node2.ansible_host = '127.0.0.1';
  return {
    ...roleDefaults('node-precheck'),
    ...inv,
    groups: { nodes: ['node1', 'node2'], lb: ['lb1'] },
    node_precheck_tcp_ports: [free[0]],
    node_precheck_udp_ports: [freeUdp],
    node_precheck_nodeport_range: `${free[1]}-${free[1]}`,
    node_precheck_connect_timeout: 1,
    node_precheck_min_cpus: 1,
    node_precheck_min_memory_mb: 1,
    node_precheck_min_kernel: '3.0',
    node_precheck_supported_os: ['debian 12'],
    node_precheck_require_ntp: false,
    node_precheck_allow_swap: true,
    ...extra,
  };
}

function runShell(task: Record<string, unknown>, vars: Vars): { rc: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', render(String(task.shell), vars)], { encoding: 'utf8', timeout: 60_000 });
  return { rc: r.status, stdout: r.stdout, stderr: r.stderr };
}

const probe = roleTask('node-precheck', 'probe.yml', 'probe the node');
const listener = roleTask('node-precheck', 'listen.yml', 'start the listeners');
const reach = roleTask('node-precheck', 'reach.yml', "connect to the other nodes' ports");
const stop = roleTasks('node-precheck').find((t) => String(t.task.name).endsWith('stop the listeners'))?.task ?? {};

describe('node-precheck probe (run here)', () => {
  it('passes within generous limits and reports every measurement on stderr', () => {
    const r = runShell(probe, nodeVars({ node_precheck_rancher_fqdn: 'localhost', node_precheck_lb_addresses: ['127.0.0.1', '::1'] }));
    expect(r.rc).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^os: debian 12$/m);
    expect(r.stderr).toMatch(/^kernel: \d+\.\d+/m);
    expect(r.stderr).toMatch(/^cpus: \d+$/m);
    expect(r.stderr).toMatch(/^memory: \d+ MiB$/m);
    expect(r.stderr).toMatch(/^swap: \d+ MiB$/m);
    expect(r.stderr).toContain(`port ${free[0]}/tcp: free`);
    expect(r.stderr).toContain(`port ${freeUdp}/udp: free`);
    expect(r.stderr).toContain(`nodeports ${free[1]}-${free[1]}/tcp: free`);
    expect(r.stderr).toMatch(/^dns localhost: (127\.0\.0\.1|::1)/m);
  });

  it('names the host, check, measured value and limit of every failure on stdout', () => {
    const r = runShell(probe, nodeVars({
      node_precheck_supported_os: ['plan9 4'],
      node_precheck_min_kernel: '99.1',
      node_precheck_min_cpus: 100000,
      node_precheck_min_memory_mb: 1e9,
      node_precheck_tcp_ports: [busyPort],
      node_precheck_nodeport_range: `${busyPort - 1}-${busyPort + 1}`,
      node_precheck_rancher_fqdn: 'localhost',
      node_precheck_lb_addresses: ['10.99.0.10'],
    }));
    expect(r.rc).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.every((l) => l.startsWith('node1: ')), r.stdout).toBe(true);
    expect(r.stdout).toMatch(/^node1: os: not supported \(measured: debian 12, limit: one of plan9 4\)$/m);
    expect(r.stdout).toMatch(/^node1: kernel: too old \(measured: \S+, limit: 99\.1 or newer\)$/m);
    expect(r.stdout).toMatch(/^node1: cpus: too few \(measured: \d+, limit: 100000\)$/m);
    expect(r.stdout).toMatch(/^node1: memory: too small \(measured: \d+ MiB, limit: 1000000000 MiB\)$/m);
    expect(r.stdout).toContain(`node1: port ${busyPort}/tcp: in use (measured: a listener on :${busyPort}, limit: free)`);
    expect(r.stdout).toContain(`node1: nodeports ${busyPort - 1}-${busyPort + 1}/tcp: in use (measured: listeners on ${busyPort}, limit: free)`);
    expect(r.stdout).toMatch(/^node1: dns localhost: not the balancer \(measured: .*127\.0\.0\.1.*, limit: 10\.99\.0\.10\)$/m);
    expect(lines).toHaveLength(7);
  });

  it('allows a listener on a port listed in node_precheck_ports_in_use_allowed, and fails a name that does not resolve', () => {
    const r = runShell(probe, nodeVars({
      node_precheck_tcp_ports: [busyPort],
      node_precheck_ports_in_use_allowed: [busyPort],
      node_precheck_rancher_fqdn: 'no-such-host.invalid',
    }));
    expect(r.stderr).toContain(`port ${busyPort}/tcp: in use, allowed`);
    expect(r.stdout.trim()).toBe('node1: dns no-such-host.invalid: does not resolve (measured: no address, limit: 10.99.0.10)');
  });
});

describe('node-precheck listeners and reachability (run here)', () => {
  it('a peer whose listeners run is reachable on TCP and echoes on UDP; after they stop, both fail with the reason', () => {
    const vars = nodeVars({});
    const started = runShell(listener, vars);
    expect(started.rc, started.stderr).toBe(0);
    const [pid, ...held] = started.stdout.trim().split(' ');
    expect(held.sort()).toEqual([`tcp:${free[0]}`, `tcp:${free[1]}`, `udp:${freeUdp}`].sort());
    expect(spawnSync('cat', [`/proc/${pid}/cmdline`], { encoding: 'utf8' }).stdout).toContain('tsrun-node-precheck');
    const withListener = { ...vars, hostvars: { ...(vars.hostvars as Vars), node2: { ansible_host: '127.0.0.1', _node_precheck_listener: { stdout: started.stdout.trim() } } } };
    try {
      const ok = runShell(reach, withListener);
      expect(ok.stdout).toBe('');
      expect(ok.stderr).toContain(`reach 127.0.0.1:${free[0]}/tcp: open`);
      expect(ok.stderr).toContain(`reach 127.0.0.1:${free[1]}/tcp: open`);
      expect(ok.stderr).toContain(`reach 127.0.0.1:${freeUdp}/udp: echoed`);
    } finally {
      runShell(stop, { ...vars, _node_precheck_listener: { stdout: started.stdout.trim() } });
    }
    // SIGTERM is delivered asynchronously: wait (bounded) until the process is gone.
    const gone0 = spawnSync('sh', ['-c', `i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 50 ]; do i=$((i+1)); sleep 0.1; done; ! kill -0 ${pid} 2>/dev/null`]);
    expect(gone0.status, `listener ${pid} still running`).toBe(0);
    const gone = runShell(reach, withListener);
    expect(gone.stdout).toContain(`node1: reach 127.0.0.1:${free[0]}/tcp: not reachable (measured: Connection refused, limit: accepted within 1s)`);
    expect(gone.stdout).toMatch(new RegExp(`^node1: reach 127\\.0\\.0\\.1:${freeUdp}/udp: not reachable \\(measured: (Connection refused|no answer within 1s), limit: echoed within 1s\\)$`, 'm'));
  });

  it('does not test a UDP port that another program holds on the peer', () => {
    const vars = nodeVars({});
    const r = runShell(reach, { ...vars, hostvars: { ...(vars.hostvars as Vars), node2: { ansible_host: '127.0.0.1', _node_precheck_listener: { stdout: '1' } } } });
    expect(r.stderr).toContain(`reach 127.0.0.1:${freeUdp}/udp: not tested (in use on 127.0.0.1)`);
  });

  it('the stop task leaves a pid that is not a listener alone', () => {
    const r = runShell(stop, { ...nodeVars({}), _node_precheck_listener: { stdout: `${process.pid} tcp:1` } });
    expect(r.rc).toBe(0);
  });
});

describe('node-precheck cross-node comparison and report', () => {
  function runCompare(hostvars: Record<string, Vars>): Vars {
    const groups = { nodes: Object.keys(hostvars) };
    const at = (host: string): Vars => ({ ...roleDefaults('node-precheck'), groups, hostvars, inventory_hostname: host, ...hostvars[host] });
    for (const name of ['nodes sharing this hostname', "this node's failures"]) {
      const task = roleTask('node-precheck', 'compare.yml', name);
      for (const host of groups.nodes) {
        const out = applySetFact(task, at(host));
        for (const key of Object.keys(task.set_fact as Vars)) hostvars[host][key] = out[key];
      }
    }
    return applySetFact(roleTask('node-precheck', 'report.yml', "gather every node's failures"), at('n1'));
  }
  const clean = { _node_precheck_probe: { stdout: '' }, _node_precheck_reach: { stdout: '' } };

  it('reports nothing for distinct hostnames and clean probes', () => {
    const out = runCompare({ n1: { ...clean, ansible_hostname: 'a' }, n2: { ...clean, ansible_hostname: 'b' } });
    expect(out._node_precheck_report).toBe('');
  });

  it('reports duplicate hostnames and the probes\' failures, naming each node', () => {
    const out = runCompare({
      n1: { ...clean, ansible_hostname: 'same' },
      n2: { ...clean, ansible_hostname: 'same', _node_precheck_reach: { stdout: 'n2: reach 10.0.0.1:6443/tcp: not reachable (measured: Connection refused, limit: accepted within 3s)' } },
      n3: { ...clean, ansible_hostname: 'c', _node_precheck_probe: { stdout: 'n3: swap: on (measured: 1024 MiB of swap, limit: off)' } },
    });
    const report = String(out._node_precheck_report);
    expect(report).toContain("n1: hostname: not unique (measured: 'same', also on n2, limit: unique)");
    expect(report).toContain("n2: hostname: not unique (measured: 'same', also on n1, limit: unique)");
    expect(report).toContain('n2: reach 10.0.0.1:6443/tcp: not reachable');
    expect(report).toContain('n3: swap: on');
    expect(report.trim().split('\n')).toHaveLength(4);
  });
});
