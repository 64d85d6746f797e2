import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { changedByHost, lbAddress, playbook, sh, snapshot, type PlaybookRun } from './roles/helpers';

// node-precheck on the shared lab (it is read-only): a playbook outside playbooks/ uses it by name. Faults are
// injected on the hosts from outside tsrun (a port taken, a route that rejects, a duplicate hostname) and removed
// in `finally`; the role must report each one with the host, the check, the measured value and the limit.
const lab = inject('lab');
const nodes = ['node1', 'node2', 'node3'];
const zero = { node1: 0, node2: 0, node3: 0 };
const WATCHED = ['/etc', '/root', '/tmp', '/var/lib'];
// timedatectl starts systemd-timedated, whose PrivateTmp directory is systemd's doing, not the role's
const PRUNE = ['/tmp/systemd-private-*', '/var/lib/docker', '/var/lib/containerd', '/var/lib/systemd', '/var/lib/apt/lists', '/var/lib/dhcp', '/var/lib/private'];
const addr = (h: string) => lab.hosts.find((x) => x.name === h)?.address ?? '';
let tmp: string;
let play: string;

/** The messages of every failed result of a run. */
function failure(run: PlaybookRun): string {
  return run.events.filter((e) => e.type === 'host_result' && e.status === 'failed').map((e) => String(e.result?.msg ?? e.msg)).join('\n');
}

/** The node's measurement lines, as the role's debug task printed them. */
function measurements(run: PlaybookRun, host: string): string {
  const m = run.events.find((e) => e.type === 'host_result' && e.host === host && e.task?.includes('measurements of this node'));
  return JSON.stringify(m?.result ?? {});
}

/** No precheck listener is left running on any node. */
async function noListeners(): Promise<void> {
  for (const h of nodes) expect(await sh(lab, h, 'pgrep -f tsrun-node-precheck-listene[r] || true'), h).toBe('');
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tsrun-node-precheck-'));
  play = join(tmp, 'precheck.yml');
  writeFileSync(
    play,
    [
      '- hosts: nodes',
      '  gather_facts: true',
      '  vars:',
      '    node_precheck_rancher_fqdn: "{{ lab_rancher_fqdn }}"',
      '    node_precheck_require_ntp: false',
      '  roles: [node-precheck]',
      '',
    ].join('\n'),
  );
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.sequential('node-precheck in the lab', () => {
  it('passes on the lab nodes, measures every check, changes no file and leaves no listener; --check runs the same probes', async () => {
    const before = await Promise.all(nodes.map((h) => snapshot(lab, h, WATCHED, PRUNE)));
    const run = await playbook(play, lab.inventoryPath, '--json');
    expect(run.exitCode, failure(run) || run.stdout.slice(-3000)).toBe(0);
    expect(changedByHost(run)).toEqual(zero);
    const lb = lbAddress(lab);
    for (const h of nodes) {
      const text = measurements(run, h);
      expect(text, h).toMatch(/os: debian 12/);
      expect(text, h).toMatch(/kernel: \d+\.\d+/);
      expect(text, h).toMatch(/cpus: \d+/);
      expect(text, h).toMatch(/memory: \d+ MiB/);
      expect(text, h).toContain('swap: 0 MiB');
      expect(text, h).toContain('port 6443/tcp: free');
      expect(text, h).toContain('port 8472/udp: free');
      expect(text, h).toContain('nodeports 30000-32767/tcp: free');
      expect(text, h).toContain(`dns rancher.lab.test: ${lb}`);
      for (const peer of nodes.filter((p) => p !== h)) {
        for (const port of [80, 443, 6443, 9345, 10250, 2379, 2380, 30000]) expect(text, `${h} -> ${peer}`).toContain(`reach ${addr(peer)}:${port}/tcp: open`);
        expect(text, `${h} -> ${peer}`).toContain(`reach ${addr(peer)}:8472/udp: echoed`);
      }
    }
    await noListeners();
    const check = await playbook(play, lab.inventoryPath, '--check', '--json');
    expect(check.exitCode, failure(check)).toBe(0);
    expect(changedByHost(check)).toEqual(zero);
    await noListeners();
    const after = await Promise.all(nodes.map((h) => snapshot(lab, h, WATCHED, PRUNE)));
    nodes.forEach((h, i) => expect(after[i], h).toBe(before[i]));
  });

  it('reports a taken port, a rejecting and a dropping path, a duplicate hostname, too little memory and a wrong DNS record, in one failure', async () => {
    const n1 = addr('node1');
    // node2: a program holds 6443. node3: a `prohibit` route to node1 (node3 -> node1 is rejected at once; node1's
    // SYN-ACKs to node3 are lost, so node1 -> node3 is silently dropped). node3 also takes node2's hostname.
    await sh(
      lab,
      'node2',
      `systemd-run -q --collect --unit=tsrun-test-6443 perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalPort => 6443, Listen => 5, ReuseAddr => 1) or die; while (my $c = $s->accept) { close $c }'
       i=0; until ss -Hltn "sport = :6443" | grep -q .; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done`,
    );
    await sh(lab, 'node3', `ip route add prohibit ${n1}/32 && hostname node2`);
    let run: PlaybookRun;
    try {
      run = await playbook(
        play, lab.inventoryPath, '--json',
        '-e', JSON.stringify({ node_precheck_tcp_ports: [6443, 10250], node_precheck_connect_timeout: 2, node_precheck_min_memory_mb: 100000000, node_precheck_rancher_fqdn: 'node2' }),
      );
    } finally {
      await sh(lab, 'node2', 'systemctl stop tsrun-test-6443');
      await sh(lab, 'node3', `ip route del prohibit ${n1}/32; hostname node3`);
    }
    expect(run.exitCode).toBe(2);
    const msg = failure(run);
    const lines = msg.split('\n').filter((l) => /^node\d: /.test(l));
    expect(msg).toContain('node2: port 6443/tcp: in use (measured: a listener on :6443, limit: free)');
    // a port held by another program still answers: node1 reaches node2:6443
    expect(msg).not.toContain(`reach ${addr('node2')}:6443/tcp`);
    for (const port of [6443, 10250]) {
      expect(msg).toContain(`node3: reach ${n1}:${port}/tcp: not reachable (measured: Permission denied, limit: accepted within 2s)`);
      expect(msg).toContain(`node1: reach ${addr('node3')}:${port}/tcp: not reachable (measured: no answer within 2s, limit: accepted within 2s)`);
    }
    expect(msg).toMatch(new RegExp(`node3: reach ${n1.replace(/\./g, '\\.')}:8472/udp: not reachable \\(measured: Permission denied, limit: echoed within 2s\\)`));
    expect(msg).toContain(`node1: reach ${addr('node3')}:8472/udp: not reachable (measured: no answer within 2s, limit: echoed within 2s)`);
    expect(msg).toContain("node2: hostname: not unique (measured: 'node2', also on node3, limit: unique)");
    expect(msg).toContain("node3: hostname: not unique (measured: 'node2', also on node2, limit: unique)");
    for (const h of nodes) {
      expect(msg).toMatch(new RegExp(`${h}: memory: too small \\(measured: \\d+ MiB, limit: 100000000 MiB\\)`));
      expect(msg).toContain(`${h}: dns node2: not the balancer (measured: ${addr('node2')}, limit: ${lbAddress(lab)})`);
    }
    expect(lines.every((l) => /\(measured: .*, limit: .*\)$/.test(l)), lines.join('\n')).toBe(true);
    await noListeners();
    const ok = await playbook(play, lab.inventoryPath, '--json');
    expect(ok.exitCode, failure(ok)).toBe(0);
  });
});
