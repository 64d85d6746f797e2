import { spawnSync } from 'node:child_process';
import { labDown, labUp } from '../../src/lab/index';
import { infoOf } from '../../src/lab/info';
import { ensureHostPython } from '../../src/lab/python';
import { readState } from '../../src/lab/state';
import { alive, type Log } from '../../src/lab/sys';

/**
 * The differential suite's lab cases: a case with `lab: N` runs both tools over SSH on N light lab hosts (node1..),
 * and compares, beside the task outcomes, what commands run on the hosts print afterwards (`compare_remote`).
 */

/** A command run as root on one lab host after the run; its stdout (and exit code when not 0) is compared. */
export interface RemoteCheck { host: string; command: string }

/** The case fields of a lab case. */
export interface LabCase {
  /** How many lab hosts (node1..nodeN) the case runs on; the inventory is written by the runner. */
  lab?: number;
  /** The login user of both tools (default root); the lab's `nopass` has passwordless sudo for `become`. */
  lab_user?: string;
  /** Shell run as root on every host before each tool's run, after `/srv/conformance` is removed. */
  lab_setup?: string;
  compare_remote?: RemoteCheck[];
}

/** A running lab the cases use, and whether the suite brought it up (and so takes it down). */
export interface LabTarget {
  name: string;
  hosts: { name: string; address: string }[];
  keyPath: string;
  knownHostsPath: string;
  own: boolean;
}

/** Every lab case starts from hosts without this directory: cases keep what they write under it. */
export const LAB_SCRATCH = '/srv/conformance';

/**
 * A lab of at least `nodes` hosts: the lab named by $TSRUN_CONFORMANCE_LAB when it already runs with enough nodes
 * (reused, left up), otherwise a light lab `name` brought up now (python3 in the base first: Ansible's modules need it).
 */
export async function openLab(nodes: number, name: string, log: Log): Promise<LabTarget> {
  const given = process.env.TSRUN_CONFORMANCE_LAB;
  const state = given ? readState(given) : undefined;
  if (state && state.hosts.filter((h) => h.group === 'nodes').length >= nodes && state.hosts.every((h) => alive(h.pid))) {
    return target(infoOf(state), false);
  }
  await ensureHostPython(log);
  return target(await labUp({ name: given ?? name, nodes, lb: 0, light: true, log }), true);
}

function target(info: ReturnType<typeof infoOf>, own: boolean): LabTarget {
  return { name: info.name, hosts: info.hosts.filter((h) => h.group === 'nodes'), keyPath: info.keyPath, knownHostsPath: info.knownHostsPath, own };
}

export async function closeLab(lab: LabTarget, log: Log): Promise<void> {
  if (lab.own) await labDown(lab.name, log);
}

/** The inventory both tools run: the case's hosts over SSH with the lab's key and pinned host keys, then the case's own text. */
export function labInventory(c: LabCase & { inventory?: string }, lab: LabTarget): string {
  const hosts = lab.hosts.slice(0, c.lab).map((h) => `${h.name} ansible_host=${h.address}`);
  const vars = [
    `ansible_user=${c.lab_user ?? 'root'}`,
    `ansible_ssh_private_key_file=${lab.keyPath}`,
    `tsrun_known_hosts=${lab.knownHostsPath}`,
    `ansible_ssh_common_args="-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes"`,
  ];
  return `${hosts.join('\n')}\n\n[all:vars]\n${vars.join('\n')}\n\n${c.inventory ?? ''}`;
}

function ssh(lab: LabTarget, host: string, command: string): { stdout: string; status: number } {
  const h = lab.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`compare_remote names host ${host}, not one of the lab's ${lab.hosts.map((x) => x.name).join(', ')}`);
  const r = spawnSync('ssh', ['-i', lab.keyPath, '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${h.address}`, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  if (r.status === 255 || r.status === null) throw new Error(`ssh to ${host} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return { stdout: r.stdout, status: r.status ?? -1 };
}

/** Puts the case's hosts back to the same start before each tool runs. */
export function resetHosts(c: LabCase, lab: LabTarget): void {
  for (const h of lab.hosts.slice(0, c.lab)) {
    const r = ssh(lab, h.name, `rm -rf ${LAB_SCRATCH} && { ${c.lab_setup ?? 'true'}\n}`);
    if (r.status !== 0) throw new Error(`lab_setup failed on ${h.name} (exit ${r.status})`);
  }
}

/** What each `compare_remote` command printed, keyed `host: command` (a non-zero exit is appended). */
export function remoteEvidence(c: LabCase, lab: LabTarget): Record<string, string> | undefined {
  if (!c.compare_remote) return undefined;
  return Object.fromEntries(c.compare_remote.map(({ host, command }) => {
    const r = ssh(lab, host, command);
    return [`${host}: ${command}`, r.status === 0 ? r.stdout : `${r.stdout}(exit ${r.status})`];
  }));
}
