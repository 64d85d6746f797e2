import { execa } from 'execa';
import { inject } from 'vitest';
import { resolve } from 'node:path';

/** The CLI as users run it. */
export const BIN = resolve(__dirname, '../../bin/tsrun.js');
/** Playbooks for the plan, drift, prediction and timeline tests. */
export const PLANS = resolve(__dirname, 'fixtures/plans');

/** An inventory of the lab's three nodes as root, pinned to the lab's key and known_hosts. */
export function labInventory(extra = ''): string {
  const lab = inject('lab');
  const nodes = lab.hosts.filter((h) => h.name.startsWith('node'));
  return [
    'nodes:',
    `  vars: {ansible_user: root, ansible_ssh_private_key_file: ${lab.keyPath}, tsrun_known_hosts: ${lab.knownHostsPath}, port: 8080${extra}}`,
    '  hosts:',
    ...nodes.map((h) => `    ${h.name}: {ansible_host: ${h.address}}`),
    '',
  ].join('\n');
}

/** Runs tsrun with arguments; never throws on a non-zero exit. */
export function tsrun(...args: string[]) {
  return execa('node', [BIN, ...args], { reject: false, timeout: 280_000 });
}

/** The JSON events of a --json run. */
export function events(stdout: string) {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
