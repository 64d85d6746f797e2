import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LabInfo } from '../../src/lab/index';
import {
  PLAYBOOKS, changedByHost, changedTasks, dropLab, failuresByHost, freshLab, labName, playbook, sh, snapshot,
} from './roles/helpers';

// playbooks/airgap.yml on a lab of its own: registry-mirror and docker on the nodes, which pull from the lab's
// private registry (plain HTTP on the bridge). The nodes have no route anywhere else, so a pull that works came
// from the lab registry.
const NAME = labName('air');
const WATCHED = ['/etc/environment', '/etc/apt/apt.conf.d', '/etc/docker', '/etc/rancher', '/etc/systemd/system'];
const PASSWORD = 'Fake-Pa55-9f3c1e7d';

let lab: LabInfo;
const airgap = join(PLAYBOOKS, 'airgap.yml');
const nodes = ['node1', 'node2', 'node3'];
const zero = { node1: 0, node2: 0, node3: 0 };
const timings: string[] = [];

/** Keys allowed at each level of K3s/RKE2's registries.yaml (docs.k3s.io, "Private Registry Configuration"). */
const SCHEMA = {
  top: ['mirrors', 'configs'],
  mirror: ['endpoint', 'rewrite'],
  config: ['auth', 'tls'],
  auth: ['username', 'password', 'auth', 'identity_token'],
  tls: ['cert_file', 'key_file', 'ca_file', 'insecure_skip_verify'],
};

/** Problems of a parsed registries.yaml against the schema (empty when it matches). */
function schemaProblems(doc: unknown): string[] {
  const out: string[] = [];
  const keys = (v: unknown, allowed: string[], where: string): Record<string, unknown> => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      out.push(`${where}: not a mapping`);
      return {};
    }
    for (const k of Object.keys(v)) if (!allowed.includes(k)) out.push(`${where}: unknown key ${k}`);
    return v as Record<string, unknown>;
  };
  const top = keys(doc, SCHEMA.top, 'top');
  for (const [name, m] of Object.entries(keys(top.mirrors ?? {}, Object.keys(top.mirrors ?? {}), 'mirrors'))) {
    const mirror = keys(m, SCHEMA.mirror, `mirrors.${name}`);
    const ep = mirror.endpoint;
    if (!Array.isArray(ep) || ep.length === 0) out.push(`mirrors.${name}.endpoint: not a non-empty list`);
    else for (const u of ep) if (typeof u !== 'string' || !/^https?:\/\/[^/]+$/.test(u)) out.push(`mirrors.${name}.endpoint: bad URL ${String(u)}`);
  }
  for (const [name, c] of Object.entries(keys(top.configs ?? {}, Object.keys(top.configs ?? {}), 'configs'))) {
    if (name.includes('/')) out.push(`configs.${name}: not host[:port]`);
    const config = keys(c, SCHEMA.config, `configs.${name}`);
    if (config.auth !== undefined) keys(config.auth, SCHEMA.auth, `configs.${name}.auth`);
    if (config.tls !== undefined) keys(config.tls, SCHEMA.tls, `configs.${name}.tls`);
  }
  return out;
}

beforeAll(async () => {
  const t0 = performance.now();
  lab = await freshLab(NAME);
  timings.push(`lab up ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

afterAll(async () => {
  process.stderr.write(`roles-airgap timings: ${timings.join(', ')}\n`);
  await dropLab(NAME);
});

describe.sequential('playbooks/airgap.yml in the lab', () => {
  it('--check on fresh nodes changes nothing and predicts the real run; the re-run changes nothing and keeps docker running', async () => {
    const before = await Promise.all(nodes.map((h) => snapshot(lab, h, WATCHED)));
    const check = await playbook(airgap, lab.inventoryPath, '--check', '--json');
    timings.push(`--check ${check.seconds.toFixed(1)} s`);
    expect(check.exitCode, check.stdout.slice(-3000)).toBe(0);
    expect(await Promise.all(nodes.map((h) => snapshot(lab, h, WATCHED)))).toEqual(before);

    const run = await playbook(airgap, lab.inventoryPath, '--json');
    timings.push(`first run ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(failuresByHost(run)).toEqual(zero);
    const explain = nodes.map((h) => `${h}: check [${changedTasks(check, h).join('; ')}]\n   real [${changedTasks(run, h).join('; ')}]`).join('\n');
    expect(changedByHost(check), explain).toEqual(changedByHost(run));
    for (const h of nodes) expect(changedTasks(check, h), h).toEqual(changedTasks(run, h));

    const state = () => Promise.all(nodes.map((h) => sh(lab, h, 'systemctl show docker -p MainPID -p ActiveEnterTimestampMonotonic')));
    const running = await state();
    const again = await playbook(airgap, lab.inventoryPath, '--json');
    timings.push(`re-run ${again.seconds.toFixed(1)} s`);
    expect(again.exitCode).toBe(0);
    expect(changedByHost(again), nodes.map((h) => changedTasks(again, h).join('; ')).join('\n')).toEqual(zero);
    expect(await state()).toEqual(running);
  });

  it('docker info shows the mirror and the insecure registry, and no proxy', async () => {
    for (const h of nodes) {
      const cfg = JSON.parse(await sh(lab, h, "docker info --format '{{json .RegistryConfig}}'")) as {
        Mirrors: string[];
        IndexConfigs: Record<string, { Secure: boolean }>;
      };
      expect(cfg.Mirrors).toEqual([`http://${lab.registry}/`]);
      expect(cfg.IndexConfigs[lab.registry]).toMatchObject({ Secure: false });
      expect(await sh(lab, h, "docker info --format '{{.HTTPProxy}}|{{.HTTPSProxy}}'")).toBe('|');
      expect(await sh(lab, h, 'grep -ci proxy /etc/environment; ls /etc/apt/apt.conf.d; true')).not.toMatch(/proxy/i);
    }
  });

  it('pulls the lab image as docker.io/lab/hello (through registry-mirrors) and by the registry address (insecure-registries)', async () => {
    // The nodes pull side by side (each pull is a few seconds of docker's own work).
    await Promise.all(nodes.map(async (h) => {
      const viaMirror = await sh(lab, h, "docker pull -q lab/hello:latest && docker image inspect -f '{{.Id}}' lab/hello:latest");
      const direct = await sh(lab, h, `docker pull -q ${lab.image} && docker image inspect -f '{{.Id}}' ${lab.image}`);
      expect(viaMirror.split('\n').pop()).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(viaMirror.split('\n').pop()).toBe(direct.split('\n').pop());
      // The image holds one file; read it out of a container that never runs.
      expect(await sh(lab, h, 'id=$(docker create lab/hello:latest /none) && docker cp "$id:/hello.txt" - | tar -xO; docker rm -f "$id" >/dev/null')).toBe(
        'hello from the tsrun lab registry',
      );
    }));
  });

  it('registries.yaml parses, matches the K3s schema, quotes "*", uses http:// endpoints, mode 0600', async () => {
    for (const h of nodes) {
      const text = await sh(lab, h, 'cat /etc/rancher/k3s/registries.yaml');
      expect(await sh(lab, h, 'stat -c %a /etc/rancher/k3s/registries.yaml')).toBe('600');
      const doc = YAML.parse(text) as unknown;
      expect(schemaProblems(doc)).toEqual([]);
      expect(doc).toEqual({
        mirrors: { 'docker.io': { endpoint: [`http://${lab.registry}`] }, '*': { endpoint: [`http://${lab.registry}`] } },
        configs: { [lab.registry]: {} },
      });
      expect(text).toMatch(/^ {2}"\*":$/m);
    }
  });

  it('a registry password reaches registries.yaml but no output, with --diff -vvv and with --json', async () => {
    const extra = JSON.stringify({ registry_mirror_configs: [{ registry: lab.registry, auth: { username: 'labuser', password: PASSWORD } }] });
    const run = await playbook(airgap, lab.inventoryPath, '--diff', '-v', '-v', '-v', '-e', extra);
    timings.push(`password run ${run.seconds.toFixed(1)} s`);
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout).toContain('registries.yaml');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    const json = await playbook(airgap, lab.inventoryPath, '--diff', '--json', '-v', '-e', extra.replace(PASSWORD, `${PASSWORD}-2`));
    expect(json.exitCode).toBe(0);
    expect(changedByHost(json)).not.toEqual(zero);
    expect(json.stdout + json.stderr).not.toContain(PASSWORD);
    for (const h of nodes) {
      const doc = YAML.parse(await sh(lab, h, 'cat /etc/rancher/k3s/registries.yaml')) as unknown;
      expect(schemaProblems(doc)).toEqual([]);
      expect(doc).toMatchObject({ configs: { [lab.registry]: { auth: { username: 'labuser', password: `${PASSWORD}-2` } } } });
    }
  });
});
