import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LabInfo } from '../../src/lab/index';
import {
  PLAYBOOKS, changedByHost, changedTasks, dropLab, failuresByHost, freshLab, labName, lbAddress, nodeAddresses, playbook,
  sh, snapshot, startBackends, stopBackend, type PlaybookRun,
} from './roles/helpers';

// playbooks/site.yml on a lab of its own (fresh hosts are needed for the --check prediction): proxy-env, docker,
// nginx-lb (layer 4) and etcd-precheck, then the same roles from a playbook outside playbooks/, then proxy-env absent.
// The machine's disk is shared by parallel jobs: fdatasync p99 is often 15-25 ms here, over etcd's 10 ms. The runs
// raise the limit so that the rest of the playbook is proven; the measured value is still checked to be reported.
const LENIENT = ['-e', 'etcd_precheck_fsync_p99_limit_ms=1000', '--json'];
const PROXY_PATHS = ['/etc/environment', '/etc/apt/apt.conf.d', '/etc/systemd/system/docker.service.d'];
const WATCHED = [...PROXY_PATHS, '/etc/docker', '/etc/nginx', '/etc/systemd/system/multi-user.target.wants'];
const NAME = labName('site');

let lab: LabInfo;
let site: string;
let tmp: string;
let first: PlaybookRun;
const pristine: Record<string, string> = {};
const proxyBefore: Record<string, string> = {};
const hosts = () => lab.hosts.map((h) => h.name);
const nodes = () => lab.hosts.filter((h) => h.group === 'nodes').map((h) => h.name);
const timings: string[] = [];

/** Writes a playbook into the temp dir (outside playbooks/) and returns its path. */
function writePlay(file: string, text: string): string {
  writeFileSync(join(tmp, file), text);
  return join(tmp, file);
}

/** The lab inventory with the etcd group `nodes` changed to the given hosts. */
function inventoryWithNodes(file: string, members: string[]): string {
  const inv = YAML.parse(readFileSync(lab.inventoryPath, 'utf8')) as { all: { children: Record<string, { hosts: Record<string, unknown> }> } };
  const all = { ...inv.all.children.nodes.hosts, ...inv.all.children.lb.hosts };
  inv.all.children.nodes.hosts = Object.fromEntries(members.map((m) => [m, all[m]]));
  inv.all.children.lb.hosts = Object.fromEntries(Object.entries(inv.all.children.lb.hosts).filter(([h]) => !members.includes(h)));
  writeFileSync(join(tmp, file), YAML.stringify(inv));
  return join(tmp, file);
}

/** The messages of every failed result of a run, one after the other. */
function failure(run: PlaybookRun): string {
  const failed = run.events.filter((x) => x.type === 'host_result' && x.status === 'failed');
  return failed.length ? failed.map((e) => String(e.result?.msg ?? e.msg)).join('\n') : run.stdout.slice(-2000);
}

beforeAll(async () => {
  const t0 = performance.now();
  lab = await freshLab(NAME);
  site = join(PLAYBOOKS, 'site.yml');
  tmp = mkdtempSync(join(tmpdir(), 'tsrun-roles-site-'));
  for (const h of hosts()) {
    pristine[h] = await snapshot(lab, h, WATCHED);
    proxyBefore[h] = await snapshot(lab, h, PROXY_PATHS);
  }
  timings.push(`lab up ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  process.stderr.write(`roles-site timings: ${timings.join(', ')}\n`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await dropLab(NAME);
});

describe.sequential('playbooks/site.yml in the lab', () => {
  it('--check on the fresh lab changes nothing and predicts, host by host, the changed count of the real run', async () => {
    const check = await playbook(site, lab.inventoryPath, '--check', ...LENIENT);
    timings.push(`site --check ${check.seconds.toFixed(1)} s`);
    expect(check.exitCode, check.stdout.slice(-3000)).toBe(0);
    for (const h of hosts()) expect(await snapshot(lab, h, WATCHED), `${h} after --check`).toBe(pristine[h]);
    expect((await sh(lab, 'node1', 'dpkg-query -W -f "${Status}" docker.io 2>&1 || true'))).not.toContain('install ok installed');

    first = await playbook(site, lab.inventoryPath, ...LENIENT);
    timings.push(`site first run ${first.seconds.toFixed(1)} s`);
    expect(first.exitCode, first.stdout.slice(-3000)).toBe(0);
    expect(failuresByHost(first)).toEqual(Object.fromEntries(hosts().map((h) => [h, 0])));
    const explain = hosts().map((h) => `${h}: check [${changedTasks(check, h).join('; ')}]\n   real [${changedTasks(first, h).join('; ')}]`).join('\n');
    expect(changedByHost(check), explain).toEqual(changedByHost(first));
    // not only the counts: the very tasks (and handlers) that change
    for (const h of hosts()) expect(changedTasks(check, h), h).toEqual(changedTasks(first, h));
    for (const h of hosts()) expect(first.stats[h].changed, h).toBeGreaterThan(0);
  });

  it('re-runs with changed=0 on every host, without restarting docker or nginx', async () => {
    const state = async () =>
      Promise.all([
        ...nodes().map((h) => sh(lab, h, 'systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic')),
        sh(lab, 'lb1', 'systemctl show nginx -p MainPID -p ActiveEnterTimestampMonotonic -p ExecMainStartTimestampMonotonic'),
      ]);
    const before = await state();
    const again = await playbook(site, lab.inventoryPath, ...LENIENT);
    timings.push(`site re-run ${again.seconds.toFixed(1)} s`);
    expect(again.exitCode, again.stdout.slice(-3000)).toBe(0);
    expect(changedByHost(again), hosts().map((h) => `${h}: ${changedTasks(again, h).join('; ')}`).join('\n')).toEqual(
      Object.fromEntries(hosts().map((h) => [h, 0])),
    );
    expect(await state()).toEqual(before);
    expect(before[0]).toMatch(/MainPID=[1-9]/);
  });

  it('proxy-env: login shells, apt and the docker daemon use the proxy; NO_PROXY holds Rancher\'s list and every host', async () => {
    const all = [...nodeAddresses(lab), lbAddress(lab)];
    for (const h of hosts()) {
      for (const cmd of ["su - root -c env", "bash -lc env"]) {
        const env = await sh(lab, h, cmd);
        for (const k of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']) expect(env, `${h} ${cmd}`).toContain(`${k}=${lab.proxyUrl}\n`);
        const noProxy = /^NO_PROXY=(.*)$/m.exec(env)?.[1] ?? '';
        expect(env).toContain(`no_proxy=${noProxy}\n`);
        expect(noProxy).not.toMatch(/[\s"]/);
        const entries = noProxy.split(',');
        for (const e of ['127.0.0.0/8', '10.0.0.0/8', 'cattle-system.svc', '172.16.0.0/12', '192.168.0.0/16', '.svc', '.cluster.local', ...all]) {
          expect(entries, `${h} NO_PROXY`).toContain(e);
        }
      }
    }
    // The lab hosts have no route but to the bridge: an apt update that works went through the proxy.
    const apt = await sh(lab, 'lb1', 'apt-config dump | grep -i "::proxy"; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-get -o Acquire::Retries=0 update >/dev/null && echo APT-OK');
    expect(apt).toContain(`Acquire::http::Proxy "${lab.proxyUrl}";`);
    expect(apt).toContain('APT-OK');
    for (const h of nodes()) {
      const env = await sh(lab, h, 'systemctl show docker -p Environment');
      expect(env).toContain(`HTTP_PROXY=${lab.proxyUrl}`);
      expect(env).toContain(`HTTPS_PROXY=${lab.proxyUrl}`);
      expect(env).toMatch(/NO_PROXY=\S*cattle-system\.svc/);
      const info = await sh(lab, h, 'docker info 2>/dev/null');
      expect(info).toContain(`HTTP Proxy: ${lab.proxyUrl}`);
      expect(info).toContain(`HTTPS Proxy: ${lab.proxyUrl}`);
      expect(info).toMatch(/No Proxy: \S*cattle-system\.svc/);
    }
  });

  it('docker: active and enabled on every node, daemon.json is JSON', async () => {
    for (const h of nodes()) {
      expect(await sh(lab, h, 'systemctl is-active docker; systemctl is-enabled docker')).toBe('active\nenabled');
      expect(JSON.parse(await sh(lab, h, 'cat /etc/docker/daemon.json'))).toEqual({});
      expect(await sh(lab, h, 'stat -c %a /etc/docker/daemon.json')).toBe('644');
    }
  });

  it('etcd-precheck: passes on three nodes and reports the measured fsync latency and clock offset', () => {
    for (const h of nodes()) {
      const m = first.events.find((e) => e.type === 'host_result' && e.host === h && e.task?.includes('etcd-precheck | measurements of this node'));
      const text = JSON.stringify(m?.result ?? {});
      expect(text, h).toMatch(/fdatasync p99 in \/var\/lib: \d+\.\d+ ms over 100 writes/);
      expect(text, h).toMatch(/clock offset from the controller: -?\d+ ms \+- \d+ ms/);
      expect(text, h).toMatch(/port 2379: free/);
      expect(text, h).toMatch(/reach 10\.\S+:2380: reachable/);
    }
  });

  it('etcd-precheck: fails clearly on two or four nodes and when 2379 is taken on node2; changes no file', async () => {
    const prune = ['/var/lib/docker', '/var/lib/containerd', '/var/lib/systemd', '/var/lib/apt/lists', '/var/lib/dhcp'];
    const watched = ['/etc', '/root', '/tmp', '/var/lib'];
    const before = await Promise.all(nodes().map((h) => snapshot(lab, h, watched, prune)));
    const play = writePlay(
      'etcd.yml',
      // 20 synced writes instead of 100: the measurement itself is proven by the site run above.
      '- hosts: nodes\n  gather_facts: true\n  vars:\n    etcd_precheck_require_ntp: false\n    etcd_precheck_fsync_p99_limit_ms: 1000\n    etcd_precheck_fsync_samples: 20\n  roles: [etcd-precheck]\n',
    );
    for (const [members, count] of [[['node1', 'node2'], 2], [['node1', 'node2', 'node3', 'lb1'], 4]] as const) {
      const run = await playbook(play, inventoryWithNodes(`inv${count}.yml`, [...members]), '--json');
      timings.push(`etcd ${count} nodes ${run.seconds.toFixed(1)} s`);
      expect(run.exitCode, run.stdout.slice(-2000)).not.toBe(0);
      expect(failure(run)).toContain(
        `group nodes: node count (measured: ${count}, limit: one of 1, 3, 5, 7; etcd needs an odd count to keep a majority)`,
      );
    }
    await sh(
      lab,
      'node2',
      `systemd-run -q --collect --unit=tsrun-test-2379 perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalPort => 2379, Listen => 5, ReuseAddr => 1) or die; sleep 300'
       i=0; until ss -Hltn "sport = :2379" | grep -q .; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done`,
    );
    try {
      const run = await playbook(play, lab.inventoryPath, '--json');
      timings.push(`etcd port taken ${run.seconds.toFixed(1)} s`);
      expect(run.exitCode).not.toBe(0);
      const msg = failure(run);
      expect(msg).toContain('node2: port 2379: in use (measured: a listener on :2379, limit: free)');
      expect(msg).not.toMatch(/node[13]: port/);
      expect(msg).not.toContain('2380');
    } finally {
      await sh(lab, 'node2', 'systemctl stop tsrun-test-2379');
    }
    const ok = await playbook(play, lab.inventoryPath, '--json');
    expect(ok.exitCode, ok.stdout.slice(-2000)).toBe(0);
    expect(changedByHost(ok)).toEqual({ node1: 0, node2: 0, node3: 0 });
    const after = await Promise.all(nodes().map((h) => snapshot(lab, h, watched, prune)));
    nodes().forEach((h, i) => expect(after[i], h).toBe(before[i]));
  });

  it('nginx-lb layer 4: ports 80 and 443 reach all three nodes, and still answer with one node down', async () => {
    await startBackends(lab, [80, 443]);
    const lb = lbAddress(lab);
    const get = async (port: number, path = '/') => {
      const r = await fetch(`http://${lb}:${port}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: r.status, body: await r.text() };
    };
    for (const port of [80, 443]) {
      // Each of nginx's 4 workers balances on its own: ask until every node answered (bounded).
      const seen = new Set<string>();
      for (let i = 0; i < 60 && seen.size < 3; i++) seen.add(/^host=(\S+)/.exec((await get(port)).body)?.[1] ?? '?');
      expect([...seen].sort(), `port ${port}`).toEqual(['node1', 'node2', 'node3']);
      expect(await get(port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
    }
    await stopBackend(lab, 'node1', [80, 443]);
    try {
      for (const port of [80, 443]) {
        const seen = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const r = await get(port);
          expect(r.status).toBe(200);
          seen.add(/^host=(\S+)/.exec(r.body)?.[1] ?? '?');
        }
        expect([...seen].sort(), `port ${port} with node1 down`).toEqual(['node2', 'node3']);
      }
    } finally {
      await startBackends(lab, [80, 443]);
    }
  });

  it('a playbook outside playbooks/ uses roles: [proxy-env, docker] by name with overridden variables', async () => {
    const play = writePlay(
      'own.yml',
      [
        '- hosts: nodes',
        '  gather_facts: true',
        '  vars:',
        '    proxy_env_http_proxy: "{{ lab_proxy }}"',
        '    proxy_env_no_proxy_extra: [.lab.test]',
        '    docker_daemon_config:',
        '      log-driver: json-file',
        '      log-opts: {max-size: 10m}',
        '  roles: [proxy-env, docker]',
        '',
      ].join('\n'),
    );
    const run = await playbook(play, lab.inventoryPath, '--json');
    timings.push(`own playbook ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    for (const h of nodes()) {
      expect(JSON.parse(await sh(lab, h, 'cat /etc/docker/daemon.json'))).toEqual({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '10m' } });
      expect(await sh(lab, h, "docker info --format '{{.LoggingDriver}} {{.NoProxy}}'")).toMatch(/^json-file \S*,\.lab\.test$/);
      expect(await sh(lab, h, 'cat /etc/environment')).toMatch(/^NO_PROXY="\S*,\.lab\.test"$/m);
    }
    const again = await playbook(play, lab.inventoryPath, '--json');
    expect(changedByHost(again)).toEqual({ node1: 0, node2: 0, node3: 0 });
  });

  it('proxy-env state=absent (predicted by --check) leaves /etc/environment, apt.conf.d and docker.service.d as before', async () => {
    const play = writePlay('absent.yml', '- hosts: nodes:lb\n  gather_facts: false\n  vars:\n    proxy_env_state: absent\n  roles: [proxy-env]\n');
    const check = await playbook(play, lab.inventoryPath, '--check', '--json');
    expect(check.exitCode, check.stdout.slice(-3000)).toBe(0);
    const run = await playbook(play, lab.inventoryPath, '--json');
    timings.push(`proxy-env absent ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(changedByHost(check)).toEqual(changedByHost(run));
    for (const h of hosts()) expect(changedTasks(check, h), h).toEqual(changedTasks(run, h));
    for (const h of hosts()) {
      // Packages installed since then may have added files of their own (docker.io brings needrestart's apt hook):
      // each extra path must belong to a package; with those left out, the listing is the one from before.
      const before = proxyBefore[h].split('\n');
      const after = (await snapshot(lab, h, PROXY_PATHS)).split('\n');
      const extra = [...new Set(after.filter((l) => !before.includes(l)).map((l) => l.split(/\s+/)[1]))];
      for (const p of extra) expect(await sh(lab, h, `dpkg -S '${p}' >/dev/null && echo packaged`), `${h}: ${p}`).toBe('packaged');
      expect(after.filter((l) => !extra.includes(l.split(/\s+/)[1])), h).toEqual(before);
    }
    for (const h of nodes()) {
      expect(await sh(lab, h, 'systemctl show docker -p Environment')).not.toContain('PROXY');
      expect(await sh(lab, h, 'systemctl is-active docker')).toBe('active');
    }
    const again = await playbook(play, lab.inventoryPath, '--json');
    expect(changedByHost(again)).toEqual(Object.fromEntries(hosts().map((h) => [h, 0])));
  });
});
