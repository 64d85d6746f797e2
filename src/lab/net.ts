import { readdirSync, readlinkSync, statSync } from 'node:fs';
import pLimit from 'p-limit';
import { indicesInText } from './addressing';
import { sh } from './sys';

/** The prefix of every network namespace a lab makes: `tsrun-LAB-HOST`. */
export function netnsName(lab: string, host: string): string {
  return `tsrun-${lab}-${host}`;
}

/** Lab subnet indices of one kind already taken by addresses on this machine (ours from other labs, or left over). */
export async function indicesInUse(wide: boolean): Promise<Set<number>> {
  return indicesInText(await sh('ip', ['-o', '-4', 'addr', 'show']), wide);
}

/**
 * Creates the lab's bridge with the controller's address on it, and for a wide lab the further bridges chained to
 * it by veth pairs (one broadcast domain, one subnet); the controller does not forward, so hosts are air-gapped.
 */
export async function createBridges(bridge: string, cidrAddress: string, chained: { bridge: string; uplink: string }[]): Promise<void> {
  const lines = [`link add ${bridge} type bridge`, `addr add ${cidrAddress} dev ${bridge}`, `link set ${bridge} up`];
  for (const c of chained) {
    lines.push(`link add ${c.bridge} type bridge`, `link set ${c.bridge} up`);
    lines.push(`link add ${c.uplink} type veth peer name ${c.uplink}p`);
    lines.push(`link set ${c.uplink} master ${bridge} up`, `link set ${c.uplink}p master ${c.bridge} up`);
  }
  await sh('ip', ['-batch', '-'], { input: lines.join('\n') + '\n' });
}

/** One host's network: its namespace, a veth pair into the bridge, its address and a default route via the bridge. */
export interface HostNet {
  netns: string;
  veth: string;
  address: string;
  /** The bridge the host's veth joins. */
  bridge: string;
}

/** Creates the namespaces and veth pairs of many hosts; with `inside`, also each host's address and route. */
export async function createHostNets(gateway: string, prefixLen: number, hosts: HostNet[], inside: boolean): Promise<void> {
  const outer = hosts.flatMap((h) => [
    `netns add ${h.netns}`,
    `link add ${h.veth} type veth peer name host0 netns ${h.netns}`,
    `link set ${h.veth} master ${h.bridge} up`,
  ]);
  await sh('ip', ['-batch', '-'], { input: outer.join('\n') + '\n' });
  if (!inside) return;
  const limit = pLimit(8);
  await Promise.all(
    hosts.map((h) =>
      limit(() =>
        sh('ip', ['-n', h.netns, '-batch', '-'], {
          input: [`link set lo up`, `addr add ${h.address}/${prefixLen} dev host0`, `link set host0 up`, `route add default via ${gateway}`].join('\n') + '\n',
        }),
      ),
    ),
  );
}

/** Network namespaces on this machine that belong to a lab, whether recorded or left over from a crash. */
export async function labNetns(lab: string): Promise<string[]> {
  const out = await sh('ip', ['netns', 'list'], { allowFail: true });
  const prefix = netnsName(lab, '');
  // Host names have no dash, so lab `test` does not claim lab `test-l`'s `tsrun-test-l-node1`.
  return out
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(prefix) && /^[a-z]+\d+$/.test(n.slice(prefix.length)));
}

/**
 * Process ids living in any of these network namespaces: whatever runs there was started by the lab. One pass over
 * /proc (what `ip netns pids` does for one namespace), since a thousand `ip` processes cost minutes.
 */
export function netnsPids(netns: string[]): number[] {
  const inodes = new Set<string>();
  for (const n of netns) {
    try {
      inodes.add(`net:[${statSync(`/run/netns/${n}`).ino}]`);
    } catch {
      // not mounted: nothing can live in it under that name
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(readlinkSync(`/proc/${entry}/ns/net`))) pids.push(Number(entry));
    } catch {
      // exited, or a kernel thread
    }
  }
  return pids;
}

/** Deletes namespaces (their veth pairs go with them), then further links and the bridge; missing ones are fine. */
export async function deleteNets(netns: string[], links: string[]): Promise<void> {
  const lines = [...netns.map((n) => `netns del ${n}`), ...links.map((l) => `link del ${l}`)];
  if (lines.length) await sh('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', allowFail: true });
}

/** True when a network link of this name exists. */
export async function linkExists(name: string): Promise<boolean> {
  const out = await sh('ip', ['-o', 'link', 'show', name], { allowFail: true });
  return out.trim().length > 0;
}
