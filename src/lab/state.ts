import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
import { pickIndex } from './addressing';

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
  /** Allocated per lab; with `wide`, gives the subnet and the bridge/veth names (see addressing.ts). */
  index: number;
  /** A /21 in 10.214.0.0/16 for more hosts than a /24 holds; absent (small, 10.213.INDEX.0/24) in older states. */
  wide?: boolean;
  bridge: string;
  /** A wide lab's further bridges and the veths chaining them to `bridge` (a bridge takes at most 1,024 ports). */
  links?: string[];
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

/** Picks a subnet index of the lab's kind: derived from its name, moved on past indices other labs or links use. */
export function allocateIndex(name: string, usedByLinks: Set<number>, wide: boolean): number {
  const used = new Set(usedByLinks);
  for (const other of labNames()) {
    if (other !== name) {
      const s = readState(other);
      if (s && !!s.wide === wide) used.add(s.index);
    }
  }
  return pickIndex(name, wide, used);
}
