import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import YAML from 'yaml';
import { labDown, labStatus, labUp } from '../../src/lab/index';
import { aptMirror } from '../../src/lab/base';
import { readState } from '../../src/lab/state';
import { labLeftovers, labSsh } from './lab-helpers';

const lab = inject('lab');
const host = (name: string) => lab.hosts.find((h) => h.name === name)!;

describe('lab: the shared test lab', () => {
  // the time to come up is logged by the global setup and measured by the benchmark, not asserted here
  it('has three nodes and one balancer', () => {
    expect(lab.hosts.map((h) => `${h.group}:${h.name}`)).toEqual(['nodes:node1', 'nodes:node2', 'nodes:node3', 'lb:lb1']);
  });

  it.each(lab.hosts.map((h) => [h.name]))('%s answers SSH with its own pinned host key and hostname', async (name) => {
    const r = await labSsh(lab, name, 'hostname; systemctl is-system-running --wait; ip -4 -o addr show host0; systemctl --failed --no-legend --plain');
    expect(r.stderr).toBe('');
    const [hostname, systemState, addr, ...failedUnits] = r.stdout.split('\n');
    expect(hostname).toBe(name);
    expect(systemState, failedUnits.join('\n')).toBe('running');
    expect(addr).toContain(`inet ${host(name).address}/24`);
  });

  it('writes an inventory with groups, connection variables, proxy and registry', () => {
    const inv = YAML.parse(readFileSync(lab.inventoryPath, 'utf8'));
    expect(inv.all.vars).toMatchObject({
      ansible_user: 'root',
      ansible_ssh_private_key_file: lab.keyPath,
      tsrun_known_hosts: lab.knownHostsPath,
      lab_proxy: `http://${lab.bridgeAddress}:3128`,
      lab_registry: `${lab.bridgeAddress}:5000`,
    });
    expect(inv.all.children.nodes.hosts.node2).toEqual({ ansible_host: host('node2').address });
    expect(Object.keys(inv.all.children.lb.hosts)).toEqual(['lb1']);
  });

  it.each([
    ['nopass', 'sudo -n id -u', '', 0, '0'],
    ['tsrun', 'sudo -S -p "" id -u', 'tsrun\n', 0, '0'],
    ['tsrun', 'sudo -n id -u', '', 1, ''],
  ])('user %s: `%s` with stdin %j exits %i', async (user, cmd, input, rc, out) => {
    const r = await labSsh(lab, 'node2', cmd, user, input);
    expect(r.exitCode).toBe(rc);
    expect(r.stdout.trim()).toBe(out);
  });

  it('installs a package through the proxy', async () => {
    const env = `http_proxy=${lab.proxyUrl} DEBIAN_FRONTEND=noninteractive`;
    const r = await labSsh(lab, 'node1', `${env} apt-get update -qq && ${env} apt-get install -y -qq hello >/dev/null 2>&1; hello`);
    expect(r.stdout.trim()).toBe('Hello, world!');
  });

  it('has no route out without the proxy; the proxy reaches only the mirror', async () => {
    const mirror = new URL(aptMirror());
    const { address } = await lookup(mirror.hostname, { family: 4 });
    const curl = 'curl -s -o /dev/null -w "%{http_code}" --connect-timeout 3 -m 10';
    const script = [
      `${curl} -H "Host: ${mirror.hostname}" http://${address}${mirror.pathname}/ || echo " failed"`,
      `${curl} -x ${lab.proxyUrl} ${mirror.href}/dists/bookworm/Release`,
      `${curl} -x ${lab.proxyUrl} http://example.com/`,
    ].join('; echo; ');
    const r = await labSsh(lab, 'lb1', script);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['000 failed', '200', '403']);
  });

  it('serves the lab image from its registry to the hosts over the HTTP API', async () => {
    const [repo, tag] = lab.image.slice(lab.registry.length + 1).split(':');
    const base = `http://${lab.registry}/v2`;
    const accept = '-H "Accept: application/vnd.docker.distribution.manifest.v2+json"';
    const r = await labSsh(lab, 'lb1', `curl -sf ${base}/_catalog && echo && curl -sf ${accept} ${base}/${repo}/manifests/${tag}`);
    const [catalog, manifest] = r.stdout.split('\n').filter(Boolean);
    expect(JSON.parse(catalog).repositories).toContain(repo);
    const digest = JSON.parse(manifest).layers[0].digest as string;
    const files = await labSsh(lab, 'node3', `curl -sf ${base}/${repo}/blobs/${digest} | tar -tzf -`);
    expect(files.stdout.split('\n')).toContain('./hello.txt');
  });

  it('is left alone by a second `up` with the same shape', async () => {
    await labSsh(lab, 'node3', 'echo kept > /root/marker');
    const pids = readState(lab.name)!.hosts.map((h) => h.pid);
    const again = await labUp({ name: lab.name, nodes: 3, lb: 1 });
    expect(again).toEqual(lab);
    expect(readState(lab.name)!.hosts.map((h) => h.pid)).toEqual(pids);
    expect((await labSsh(lab, 'node3', 'cat /root/marker')).stdout).toBe('kept');
    expect((await labStatus(lab.name))!.hosts.every((h) => h.running)).toBe(true);
  });
});

describe('lab: more labs beside it', () => {
  it('runs light hosts on their own subnet and removes them without leftovers', async () => {
    const light = await labUp({ name: `${lab.name}-l`, nodes: 6, lb: 0, light: true });
    const bridge = readState(light.name)!.bridge;
    try {
      expect(light.bridgeAddress).not.toBe(lab.bridgeAddress);
      const names = await Promise.all(light.hosts.map((h) => labSsh(light, h.name, 'hostname').then((r) => r.stdout)));
      expect(names).toEqual(light.hosts.map((h) => h.name));
      expect((await labSsh(lab, 'node1', 'hostname')).stdout).toBe('node1');
    } finally {
      await labDown(light.name);
    }
    expect(await labLeftovers(light.name, light.dir, bridge)).toEqual([]);
    expect((await labSsh(lab, 'node2', 'hostname')).stdout).toBe('node2');
  });

  it('cleans up after a crash: hosts, proxy and registry killed with SIGKILL', async () => {
    const crashed = await labUp({ name: `${lab.name}-c`, nodes: 1, lb: 1 });
    const state = readState(crashed.name)!;
    for (const pid of [...state.hosts.map((h) => h.pid), state.proxyPid, state.registryPid]) process.kill(pid!, 'SIGKILL');
    await expect.poll(async () => (await labStatus(crashed.name))!.hosts.some((h) => h.running)).toBe(false);
    expect(await labDown(crashed.name)).toBe(true);
    expect(await labLeftovers(crashed.name, crashed.dir, state.bridge)).toEqual([]);
    expect(await labDown(crashed.name)).toBe(false);
    const cli = await execa('node', ['bin/tsrun.js', 'lab', 'status', '--name', crashed.name], { reject: false });
    expect(cli.stderr).toContain('not up');
  });
});

describe('lab: preconditions', () => {
  it('tells a non-root user what it needs', async () => {
    const args = ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', 'HOME=/tmp', 'node', 'bin/tsrun.js', 'lab', 'status'];
    const r = await execa('setpriv', args, { reject: false });
    expect(r.exitCode).toBe(5); // EXIT.USAGE: the command cannot run like this
    expect(r.stderr).toContain('tsrun lab must run as root');
  });
});
