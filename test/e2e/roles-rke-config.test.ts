import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import YAML from 'yaml';
import { changedByHost, playbook, type PlaybookRun } from './roles/helpers';

// rke-config with the shared lab's inventory: the file is written on the controller, parsed, and compared with
// the inventory as tsrun's user wrote it (YAML parsed here, not tsrun's view of it).
const lab = inject('lab');
let tmp: string;
let play: string;
let out: string;

interface Inventory {
  all: { vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, Record<string, unknown>> }> };
}

/** The nodes entries the inventory file implies, per the role's README. */
function expected(inv: Inventory): Record<string, unknown>[] {
  return Object.entries(inv.all.children.nodes.hosts).map(([, v]) => ({
    address: v.ansible_host,
    user: inv.all.vars.ansible_user,
    role: v.rke_role ?? ['controlplane', 'etcd', 'worker'],
    ssh_key_path: inv.all.vars.ansible_ssh_private_key_file,
  }));
}

function changedTaskNames(run: PlaybookRun): string[] {
  return run.events.filter((e) => e.type === 'host_result' && e.status === 'changed').map((e) => e.task ?? '');
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tsrun-rke-config-'));
  out = join(tmp, 'rancher-cluster.yml');
  play = join(tmp, 'rke.yml');
  writeFileSync(play, `- hosts: nodes\n  gather_facts: false\n  roles:\n    - {role: rke-config, rke_config_path: ${out}}\n`);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe.sequential('rke-config on the controller', () => {
  it('--check predicts the file without writing it; the run writes the inventory\'s nodes; the re-run changes nothing', async () => {
    const check = await playbook(play, lab.inventoryPath, '--check', '--diff', '--json');
    expect(check.exitCode, check.stdout.slice(-2000)).toBe(0);
    expect(existsSync(out)).toBe(false);
    const run = await playbook(play, lab.inventoryPath, '--json');
    expect(run.exitCode, run.stdout.slice(-2000)).toBe(0);
    expect(changedTaskNames(check)).toEqual(changedTaskNames(run));
    expect(changedTaskNames(run)).toEqual(['rke-config : rke-config | rancher-cluster.yml on the controller']);
    const inv = YAML.parse(readFileSync(lab.inventoryPath, 'utf8')) as Inventory;
    const doc = YAML.parse(readFileSync(out, 'utf8')) as { nodes: unknown[] };
    expect(doc).toEqual({ nodes: expected(inv) });
    expect(doc.nodes).toHaveLength(3);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await playbook(play, lab.inventoryPath, '--json');
    expect(again.exitCode).toBe(0);
    expect(Object.values(changedByHost(again)).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('follows an inventory change (a worker-only node), shown by --check --diff first', async () => {
    const inv = YAML.parse(readFileSync(lab.inventoryPath, 'utf8')) as Inventory;
    inv.all.children.nodes.hosts.node3.rke_role = ['worker'];
    const invPath = join(tmp, 'inventory.yml');
    writeFileSync(invPath, YAML.stringify(inv));
    const before = readFileSync(out, 'utf8');
    const check = await playbook(play, invPath, '--check', '--diff');
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toMatch(/^\+\s+role: \["worker"\]$/m);
    expect(readFileSync(out, 'utf8')).toBe(before);
    const run = await playbook(play, invPath, '--json');
    expect(changedTaskNames(run)).toHaveLength(1);
    const doc = YAML.parse(readFileSync(out, 'utf8')) as { nodes: { role: string[] }[] };
    expect(doc).toEqual({ nodes: expected(inv) });
    expect(doc.nodes.map((n) => n.role.join(','))).toEqual(['controlplane,etcd,worker', 'controlplane,etcd,worker', 'worker']);
  });
});
