import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';

/** Where every lab keeps its state, keys, inventory and host layers. */
export const LABS_ROOT = '/var/lib/tsrun/labs';

/** Which inventory group a host belongs to. */
export type HostGroup = 'nodes' | 'lb';

/** One host of a lab, as recorded so `down` can remove exactly what `up` made. */
export interface HostState {
  name: string;
  group: HostGroup;
  address: string;
  netns: string;
  /** The controller end of the host's veth pair (the other end is host0 inside the namespace). */
  veth: string;
  /** The process that holds the host up: systemd-nspawn, or unshare for a light host. */
  pid?: number;
}

/** Everything a lab made, written as it is made, so a crash mid-way still leaves a way to clean up. */
export interface LabState {
  name: string;
  /** Allocated per lab; gives the subnet 10.213.INDEX.0/24 and the bridge/veth names. */
  index: number;
  bridge: string;
  bridgeAddress: string;
  light: boolean;
  nodes: number;
  lb: number;
  hosts: HostState[];
  proxyPid?: number;
  registryPid?: number;
}

/** What a running lab offers its users and tests. */
export interface LabInfo {
  name: string;
  dir: string;
  inventoryPath: string;
  knownHostsPath: string;
  keyPath: string;
  bridgeAddress: string;
  proxyUrl: string;
  registry: string;
  /** The image pushed to the lab registry, e.g. `10.213.5.1:5000/lab/hello:latest`. */
  image: string;
  hosts: { name: string; address: string; group: HostGroup }[];
}

/** Fails unless a lab name is short and safe to use in file, namespace and interface names. */
export function checkLabName(name: string): void {
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
    throw new TsrunError('USAGE', `invalid lab name ${JSON.stringify(name)}`, {
      expected: 'a lowercase letter then up to 19 lowercase letters, digits or dashes',
    });
  }
}

/** The directory of a lab. */
export function labDir(name: string): string {
  return join(LABS_ROOT, name);
}

/** Reads a lab's recorded state, or undefined when it has none. */
export function readState(name: string): LabState | undefined {
  const file = join(labDir(name), 'state.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

/** Records a lab's state atomically. */
export function writeState(state: LabState): void {
  const dir = labDir(state.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'state.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Names of all labs with recorded state. */
export function labNames(): string[] {
  if (!existsSync(LABS_ROOT)) return [];
  return readdirSync(LABS_ROOT).filter((n) => existsSync(join(LABS_ROOT, n, 'state.json')));
}

/** Picks a subnet index for a new lab: derived from its name, moved on past indices other labs or links use. */
export function allocateIndex(name: string, usedByLinks: Set<number>): number {
  const used = new Set(usedByLinks);
  for (const other of labNames()) {
    if (other !== name) {
      const s = readState(other);
      if (s) used.add(s.index);
    }
  }
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 250;
  for (let i = 0; i < 250; i++) {
    const idx = ((h + i) % 250) + 1;
    if (!used.has(idx)) return idx;
  }
  throw new TsrunError('USAGE', 'no free lab subnet left (250 labs exist)', { expected: 'tsrun lab down on labs no longer needed' });
}
