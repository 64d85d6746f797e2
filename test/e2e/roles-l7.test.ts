import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LabInfo } from '../../src/lab/index';
import { netnsName } from '../../src/lab/net';
import {
  PLAYBOOKS, changedByHost, changedTasks, dropLab, failuresByHost, freshLab, labName, lbAddress, playbook, sh, snapshot,
  startBackends, stopBackend,
} from './roles/helpers';

// playbooks/l7-lb.yml on a lab of its own: nginx on lb1 terminates TLS with a lab certificate and passes HTTP to
// the nodes' port 80, where backend.pl (perl-base is on every Debian host) answers with the node's name and the
// headers it received. Every request goes from the controller to the lab's balancer address. The last play writes
// RKE's rancher-cluster.yml and the CA's base64 line on the controller (into a temporary directory here), which the
// test parses and compares with the inventory file and the balancer's certificate.
const NAME = labName('l7');
const SERVER = 'rancher.lab.test';
const WATCHED = ['/etc/environment', '/etc/apt/apt.conf.d', '/etc/nginx', '/etc/systemd/system'];

let lab: LabInfo;
let lb: string;
let ca: string;
let tmp: string;
const l7 = join(PLAYBOOKS, 'l7-lb.yml');
/** Runs playbooks/l7-lb.yml with the cluster file written into the test's temporary directory. */
const runL7 = (...args: string[]) => playbook(l7, lab.inventoryPath, '-e', `rke_config_path=${join(tmp, 'rancher-cluster.yml')}`, ...args);
/** Every host of the play: the balancer, and the nodes that node-precheck reads (it changes nothing). */
const ZERO = { node1: 0, node2: 0, node3: 0, lb1: 0 };
const timings: string[] = [];

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to the balancer for rancher.lab.test, verified against the lab certificate. */
function https(path: string, timeout = 5000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: lb, port: 443, path, servername: SERVER, ca, headers: { host: SERVER }, timeout, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** One plain HTTP request to the balancer's port 80. */
function http(path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: lb, port: 80, path, headers: { host: SERVER }, timeout: 5000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A websocket upgrade over TLS through the balancer; returns the status line and what the node echoed to "ping". */
function websocket(): Promise<{ status: string; echo: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: lb, port: 443, servername: SERVER, ca, ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => sock.destroy(new Error('websocket: timeout')), 5000);
    let buf = '';
    let status = '';
    sock.on('secureConnect', () =>
      sock.write(`GET /ws HTTP/1.1\r\nHost: ${SERVER}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`),
    );
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      if (!status && buf.includes('\r\n\r\n')) {
        status = buf.split('\r\n')[0];
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        sock.write('ping');
      }
      if (status && buf.length >= 'echo:ping'.length) {
        clearTimeout(timer);
        sock.end();
        resolve({ status, echo: buf });
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

beforeAll(async () => {
  const t0 = performance.now();
  lab = await freshLab(NAME);
  lb = lbAddress(lab);
  tmp = mkdtempSync(join(tmpdir(), 'tsrun-roles-l7-'));
  await startBackends(lab, [80]);
  timings.push(`lab up and backends ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  process.stderr.write(`roles-l7 timings: ${timings.join(', ')}\n`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await dropLab(NAME);
});

describe.sequential('playbooks/l7-lb.yml in the lab', () => {
  it('--check on the fresh balancer changes nothing and predicts the real run; the re-run changes nothing and does not reload', async () => {
    const before = await snapshot(lab, 'lb1', WATCHED);
    const check = await runL7('--check', '--json');
    timings.push(`--check ${check.seconds.toFixed(1)} s`);
    expect(check.exitCode, check.stdout.slice(-3000)).toBe(0);
    expect(await snapshot(lab, 'lb1', WATCHED)).toBe(before);

    const run = await runL7('--json');
    timings.push(`first run ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(failuresByHost(run)).toEqual(ZERO);
    expect(changedByHost(check), `check [${changedTasks(check, 'lb1').join('; ')}]\nreal [${changedTasks(run, 'lb1').join('; ')}]`).toEqual(
      changedByHost(run),
    );
    expect(changedTasks(check, 'lb1')).toEqual(changedTasks(run, 'lb1'));

    const pid = await sh(lab, 'lb1', 'systemctl show nginx -p MainPID -p ExecMainStartTimestampMonotonic; md5sum /etc/nginx/nginx.conf');
    const again = await runL7('--json');
    timings.push(`re-run ${again.seconds.toFixed(1)} s`);
    expect(again.exitCode).toBe(0);
    expect(changedByHost(again), changedTasks(again, 'lb1').join('; ')).toEqual(ZERO);
    expect(await sh(lab, 'lb1', 'systemctl show nginx -p MainPID -p ExecMainStartTimestampMonotonic; md5sum /etc/nginx/nginx.conf')).toBe(pid);
    ca = await sh(lab, 'lb1', 'cat /etc/nginx/tls/rancher.crt');
  });

  it('rancher-cluster.yml on the controller holds the inventory\'s nodes; the CA is one base64 line of the lab certificate', async () => {
    const inv = YAML.parse(readFileSync(lab.inventoryPath, 'utf8')) as {
      all: { vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
    };
    const cluster = join(tmp, 'rancher-cluster.yml');
    expect(YAML.parse(readFileSync(cluster, 'utf8'))).toEqual({
      nodes: Object.values(inv.all.children.nodes.hosts).map((v) => ({
        address: v.ansible_host,
        user: inv.all.vars.ansible_user,
        role: ['controlplane', 'etcd', 'worker'],
        ssh_key_path: inv.all.vars.ansible_ssh_private_key_file,
      })),
    });
    expect(statSync(cluster).mode & 0o777).toBe(0o600);
    const line = readFileSync(join(tmp, 'cacerts.pem.base64'), 'utf8');
    expect(line).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // the certificate file on the balancer, byte for byte (read over ssh, not through tsrun; the dot keeps its last newline)
    const pem = (await sh(lab, 'lb1', 'cat /etc/nginx/tls/rancher.crt; echo .')).replace(/\.$/, '');
    expect(Buffer.from(line, 'base64').toString()).toBe(pem);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[^]*\n-----END CERTIFICATE-----\n$/);
  });

  it('https with the lab certificate reaches every node, which sees Host and X-Forwarded-Proto/Port/For', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 3; i++) {
      const r = await https('/');
      expect(r.status).toBe(200);
      seen.add(/^host=(\S+)/.exec(r.body)?.[1] ?? '?');
      expect(r.body).toContain(`Host: ${SERVER}\n`);
      expect(r.body).toContain('X-Forwarded-Proto: https\n');
      expect(r.body).toContain('X-Forwarded-Port: 443\n');
      expect(r.body).toContain(`X-Forwarded-For: ${lab.bridgeAddress}\n`);
    }
    expect([...seen].sort()).toEqual(['node1', 'node2', 'node3']);
    expect(await https('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
  });

  it('a websocket upgrade passes through to a node and back', async () => {
    const ws = await websocket();
    expect(ws.status).toBe('HTTP/1.1 101 Switching Protocols');
    expect(ws.echo).toBe('echo:ping');
  });

  it('http on port 80 redirects to https, keeping the path', async () => {
    const r = await http('/dashboard/?x=1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe(`https://${SERVER}/dashboard/?x=1`);
  });

  it('with one node down, https requests still succeed on the others', async () => {
    await stopBackend(lab, 'node2', [80]);
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const r = await https('/');
        expect(r.status).toBe(200);
        seen.add(/^host=(\S+)/.exec(r.body)?.[1] ?? '?');
      }
      expect([...seen].sort()).toEqual(['node1', 'node3']);
    } finally {
      await startBackends(lab, [80]);
    }
  });

  it('with one node gone from the network (no answer at all, not even a refusal), https requests still succeed', async () => {
    const ns = netnsName(lab.name, 'node3');
    await execa('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'host0', 'down']);
    try {
      const seen = new Set<string>();
      // A try towards node3 fails only when the balancer's kernel gives up on node3's address: about 15 s while its
      // neighbour entry is still fresh, then about 3 s (one ARP round); nginx then passes the request on to another
      // node, and after max_fails skips node3 for fail_timeout. Measured in the lab: 14.5 s, then 3 s, else < 10 ms.
      for (let i = 0; i < 9; i++) {
        const r = await https('/', 40_000);
        expect(r.status).toBe(200);
        seen.add(/^host=(\S+)/.exec(r.body)?.[1] ?? '?');
      }
      expect([...seen].sort()).toEqual(['node1', 'node2']);
    } finally {
      await execa('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'host0', 'up']);
      await execa('ip', ['netns', 'exec', ns, 'ip', 'route', 'replace', 'default', 'via', lab.bridgeAddress, 'dev', 'host0']);
    }
    await sh(lab, 'node3', 'true');
  });

  it('a broken variable fails nginx -t; the running configuration stays and keeps serving', async () => {
    const before = await sh(lab, 'lb1', 'systemctl show nginx -p MainPID; md5sum /etc/nginx/nginx.conf');
    const run = await runL7('--json', '-e', 'nginx_lb_proxy_read_timeout=not-a-time');
    timings.push(`broken run ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode).not.toBe(0);
    const failed = run.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(failed?.task).toContain('nginx.conf');
    expect(JSON.stringify(failed?.result)).toMatch(/proxy_read_timeout/);
    expect(await sh(lab, 'lb1', 'systemctl show nginx -p MainPID; md5sum /etc/nginx/nginx.conf')).toBe(before);
    expect(await sh(lab, 'lb1', 'systemctl is-active nginx')).toBe('active');
    const r = await https('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('X-Forwarded-Proto: https\n');
  });
});
