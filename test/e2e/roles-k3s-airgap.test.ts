import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LabInfo } from '../../src/lab/index';
import {
  PLAYBOOKS, changedByHost, changedTasks, dropLab, failuresByHost, freshLab, labName, lbAddress, playbook, sh, snapshot,
} from './roles/helpers';

// playbooks/k3s-airgap.yml on a lab of its own: node-precheck, the private registry (TLS, htpasswd) on the
// balancer host as bastion, the layer-4 balancer, and the nodes' K3s registries.yaml and docker CA. The registry is
// checked from outside tsrun: curl from the controller with the registry's certificate, and docker login, push and
// pull on node1 (docker installed there by the test through the lab proxy); the datastore with psql from every node
// (postgresql-client installed by the test through the lab proxy), using the endpoint the role wrote.
const NAME = labName('k3a');
const USER = 'rancher';
const PASSWORD = 'Fake-Reg-5e2b9a71';
const WATCHED = ['/etc/docker', '/etc/rancher', '/etc/nginx', '/etc/postgresql', '/var/lib/docker-registry'];
const DB_PASSWORD = 'Fake-Db-8c41d07e';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const users = (password: string) => ['-e', JSON.stringify({ private_registry_users: [{ name: USER, password }], k3s_datastore_password: DB_PASSWORD })];

let lab: LabInfo;
let tmp: string;
let registry: string;
let caFile: string;
const k3sAirgap = join(PLAYBOOKS, 'k3s-airgap.yml');
const timings: string[] = [];
const hosts = () => lab.hosts.map((h) => h.name);
const nodes = ['node1', 'node2', 'node3'];

/** The image node1 pushes to the registry and pulls back. */
const image = () => `${registry}/lab/precheck:1`;

/** USER:PASSWORD from the auth of the registry in a docker client configuration (config.json). */
function dockerAuth(configJson: string): string {
  const config = JSON.parse(configJson) as { auths?: Record<string, { auth?: string }> };
  return Buffer.from(config.auths?.[registry]?.auth ?? '', 'base64').toString();
}

/** Pulls the image on node1 as root (credentials from root's config.json), then removes it; its id. */
async function pull(): Promise<string> {
  const id = await sh(lab, 'node1', `docker pull -q ${image()} >/dev/null && docker image inspect -f '{{.Id}}' ${image()}`);
  await sh(lab, 'node1', `docker rmi -f ${image()} >/dev/null`);
  return id.split('\n').pop() ?? '';
}

/** HTTP status of GET https://REGISTRY/v2/ from the controller, verified with the registry's certificate. */
async function v2(auth?: string): Promise<string> {
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', '--cacert', caFile, ...(auth ? ['-K', '-'] : []), `https://${registry}/v2/`];
  const r = await execa('curl', args, { reject: false, input: auth ? `user = "${auth}"\n` : '' });
  return r.stdout;
}

beforeAll(async () => {
  const t0 = performance.now();
  lab = await freshLab(NAME);
  registry = `${lbAddress(lab)}:5000`;
  tmp = mkdtempSync(join(tmpdir(), 'tsrun-k3s-airgap-'));
  caFile = join(tmp, 'ca.crt');
  timings.push(`lab up ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  process.stderr.write(`roles-k3s-airgap timings: ${timings.join(', ')}\n`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await dropLab(NAME);
});

describe.sequential('playbooks/k3s-airgap.yml in the lab', () => {
  it('--check on the fresh lab changes nothing and predicts the real run task by task; the re-run changes nothing', async () => {
    const before = await Promise.all(hosts().map((h) => snapshot(lab, h, WATCHED)));
    const check = await playbook(k3sAirgap, lab.inventoryPath, '--check', '--json', ...users(PASSWORD));
    timings.push(`--check ${check.seconds.toFixed(1)} s`);
    expect(check.exitCode, check.stdout.slice(-3000)).toBe(0);
    expect(await Promise.all(hosts().map((h) => snapshot(lab, h, WATCHED)))).toEqual(before);

    const run = await playbook(k3sAirgap, lab.inventoryPath, '--json', ...users(PASSWORD));
    timings.push(`first run ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(failuresByHost(run)).toEqual(Object.fromEntries(hosts().map((h) => [h, 0])));
    for (const h of hosts()) expect(changedTasks(check, h), h).toEqual(changedTasks(run, h));
    expect(changedByHost(check)).toEqual(changedByHost(run));
    for (const secret of [PASSWORD, DB_PASSWORD, b64(`${USER}:${PASSWORD}`)]) expect(run.stdout + run.stderr + check.stdout + check.stderr).not.toContain(secret);

    const state = () => sh(lab, 'lb1', 'systemctl show docker-registry nginx postgresql@15-main -p MainPID -p ActiveEnterTimestampMonotonic');
    const running = await state();
    const again = await playbook(k3sAirgap, lab.inventoryPath, '--json', ...users(PASSWORD));
    timings.push(`re-run ${again.seconds.toFixed(1)} s`);
    expect(again.exitCode, again.stdout.slice(-3000)).toBe(0);
    expect(changedByHost(again), hosts().map((h) => `${h}: ${changedTasks(again, h).join('; ')}`).join('\n')).toEqual(
      Object.fromEntries(hosts().map((h) => [h, 0])),
    );
    expect(await state()).toBe(running);
  }, 900_000);

  it('the registry is started and enabled, answers /v2/ with 401 without credentials and 200 with them, over TLS', async () => {
    expect(await sh(lab, 'lb1', 'systemctl is-active docker-registry; systemctl is-enabled docker-registry')).toBe('active\nenabled');
    writeFileSync(caFile, `${await sh(lab, 'lb1', 'cat /etc/docker/registry/tls/registry.crt')}\n`);
    expect(await sh(lab, 'lb1', 'stat -c "%a %U %G" /etc/docker/registry/tls/registry.key /etc/docker/registry/htpasswd /var/lib/docker-registry')).toBe(
      '640 root docker-registry\n640 root docker-registry\n750 docker-registry docker-registry',
    );
    expect(await sh(lab, 'lb1', 'cut -c1-12 /etc/docker/registry/htpasswd')).toMatch(new RegExp(`^${USER}:\\$2y\\$`));
    expect(await v2()).toBe('401');
    expect(await v2(`${USER}:wrong`)).toBe('401');
    expect(await v2(`${USER}:${PASSWORD}`)).toBe('200');
    // and not over plain HTTP
    const plain = await execa('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', `http://${registry}/v2/`], { reject: false });
    expect(plain.stdout).toBe('400');
  });

  it('the nodes hold the registry CA for docker and K3s, and registries.yaml (0600) with https endpoints, auth and ca_file', async () => {
    const ca = await sh(lab, 'lb1', 'cat /etc/docker/registry/tls/registry.crt');
    for (const h of nodes) {
      expect(await sh(lab, h, `cat /etc/docker/certs.d/${registry}/ca.crt`), h).toBe(ca);
      expect(await sh(lab, h, 'cat /etc/rancher/k3s/registry-ca.crt'), h).toBe(ca);
      expect(await sh(lab, h, 'stat -c %a /etc/rancher/k3s/registries.yaml')).toBe('600');
      expect(YAML.parse(await sh(lab, h, 'cat /etc/rancher/k3s/registries.yaml'))).toEqual({
        mirrors: { 'docker.io': { endpoint: [`https://${registry}`] }, '*': { endpoint: [`https://${registry}`] } },
        configs: { [registry]: { auth: { username: USER, password: PASSWORD }, tls: { ca_file: '/etc/rancher/k3s/registry-ca.crt' } } },
      });
    }
  });

  it('docker on node1 pushes and pulls with the login registry-mirror wrote (no docker login); without it the pull is refused', async () => {
    const play = join(tmp, 'docker.yml');
    writeFileSync(play, '- hosts: node1\n  gather_facts: true\n  environment: {http_proxy: "{{ lab_proxy }}", https_proxy: "{{ lab_proxy }}"}\n  roles: [docker]\n');
    const d = await playbook(play, lab.inventoryPath, '--json');
    timings.push(`docker on node1 ${d.seconds.toFixed(1)} s`);
    expect(d.exitCode, d.stdout.slice(-2000)).toBe(0);
    for (const h of nodes) {
      expect(await sh(lab, h, 'stat -c "%a %U %G" /root/.docker /root/.docker/config.json'), h).toBe('700 root root\n600 root root');
      expect(dockerAuth(await sh(lab, h, 'cat /root/.docker/config.json')), h).toBe(`${USER}:${PASSWORD}`);
    }
    const pushed = await sh(lab, 'node1', `tar -C /etc -c hostname os-release | docker import - ${image()} >/dev/null && docker push ${image()} >/dev/null && docker image inspect -f '{{.Id}}' ${image()}`);
    await sh(lab, 'node1', `docker rmi -f ${image()} >/dev/null`);
    expect(await pull()).toBe(pushed.split('\n').pop());
    // an empty client configuration (no credentials): the registry refuses the same pull
    const refused = await sh(lab, 'node1', `d=$(mktemp -d); docker --config "$d" pull ${image()} 2>&1; rm -rf "$d"; true`);
    expect(refused).toMatch(/no basic auth credentials|unauthorized/);
  }, 900_000);

  it('every node connects to the datastore with the endpoint in its config.yaml, over verified TLS; nothing else gets in', async () => {
    const lb = lbAddress(lab);
    const endpoint = `postgres://k3s:${DB_PASSWORD}@${lb}:5432/k3s?sslmode=verify-full`;
    const client = 'http_proxy=$(cat /tmp/p) DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=120 install -y postgresql-client >/dev/null';
    await Promise.all(nodes.map(async (h) => {
      await sh(lab, h, `cat > /tmp/p && ${client}; rm -f /tmp/p`, lab.proxyUrl);
      expect(await sh(lab, h, 'stat -c %a /etc/rancher/k3s/config.yaml')).toBe('600');
      const config = YAML.parse(await sh(lab, h, 'cat /etc/rancher/k3s/config.yaml')) as Record<string, string>;
      expect(config).toEqual({ 'datastore-endpoint': endpoint, 'datastore-cafile': '/etc/rancher/k3s/datastore-ca.crt' });
      // the URI is read from the file on the node, never passed by the test
      const ep = `"$(sed -n 's/^datastore-endpoint: "\\(.*\\)"$/\\1/p' /etc/rancher/k3s/config.yaml)&sslrootcert=/etc/rancher/k3s/datastore-ca.crt"`;
      expect(await sh(lab, h, `psql ${ep} -XtAc 'select current_user, current_database(), ssl from pg_stat_ssl where pid = pg_backend_pid()' 2>&1`), h).toBe('k3s|k3s|t');
      const plain = await sh(lab, h, `psql "host=${lb} dbname=k3s user=k3s sslmode=disable" -XtAc 'select 1' </dev/null 2>&1; true`, '');
      expect(plain, h).toMatch(/no pg_hba\.conf entry for host .*no encryption/);
    }));
    // the bastion itself is not a node: refused even with the right password
    const self = await sh(lab, 'lb1', `PGPASSWORD=$(cat) psql "host=${lb} dbname=k3s user=k3s sslmode=require" -XtAc 'select 1' 2>&1; true`, DB_PASSWORD);
    expect(self).toContain(`no pg_hba.conf entry for host "${lb}"`);
  }, 900_000);

  it('a new password is hashed anew (the old one is refused) and shown nowhere, in --diff -v and --json', async () => {
    const next = `${PASSWORD}-2`;
    const run = await playbook(k3sAirgap, lab.inventoryPath, '--diff', '-v', ...users(next));
    timings.push(`password change ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(await v2(`${USER}:${PASSWORD}`)).toBe('401');
    expect(await v2(`${USER}:${next}`)).toBe('200');
    // docker on node1 pulls with the new credentials the role merged into root's config.json
    expect(dockerAuth(await sh(lab, 'node1', 'cat /root/.docker/config.json'))).toBe(`${USER}:${next}`);
    expect(await pull()).toMatch(/^sha256:/);
    const json = await playbook(k3sAirgap, lab.inventoryPath, '--json', '--diff', ...users(next));
    expect(json.exitCode).toBe(0);
    expect(json.stdout + json.stderr).not.toContain(PASSWORD);
    expect(run.stdout + run.stderr + json.stdout + json.stderr).not.toContain(b64(`${USER}:${next}`));
    expect(changedByHost(json)).toEqual(Object.fromEntries(hosts().map((h) => [h, 0])));
  }, 900_000);
});
