import pLimit from 'p-limit';
import { sh } from './sys';

/** The prefix of every network namespace a lab makes: `tsrun-LAB-HOST`. */
export function netnsName(lab: string, host: string): string {
  return `tsrun-${lab}-${host}`;
}

/** The first three octets of a lab's private /24. */
export function subnetPrefix(index: number): string {
  return `10.213.${index}`;
}

/** Lab subnet indices already taken by bridges on this machine (ours from other labs, or left over). */
export async function indicesInUse(): Promise<Set<number>> {
  const out = await sh('ip', ['-o', '-4', 'addr', 'show']);
  const used = new Set<number>();
  for (const m of out.matchAll(/inet 10\.213\.(\d+)\./g)) used.add(Number(m[1]));
  return used;
}

/** Creates the lab's bridge with the controller's address on it; the controller does not forward, so hosts are air-gapped. */
export async function createBridge(bridge: string, address: string): Promise<void> {
  await sh('ip', ['-batch', '-'], {
    input: [`link add ${bridge} type bridge`, `addr add ${address}/24 dev ${bridge}`, `link set ${bridge} up`].join('\n') + '\n',
  });
}

/** One host's network: its namespace, a veth pair into the bridge, its address and a default route via the bridge. */
export interface HostNet {
  netns: string;
  veth: string;
  address: string;
}

/** Creates the namespaces and veth pairs of many hosts, batching the `ip` calls so a hundred hosts cost little. */
export async function createHostNets(bridge: string, gateway: string, hosts: HostNet[]): Promise<void> {
  const outer = hosts.flatMap((h) => [
    `netns add ${h.netns}`,
    `link add ${h.veth} type veth peer name host0 netns ${h.netns}`,
    `link set ${h.veth} master ${bridge} up`,
  ]);
  await sh('ip', ['-batch', '-'], { input: outer.join('\n') + '\n' });
  const limit = pLimit(8);
  await Promise.all(
    hosts.map((h) =>
      limit(() =>
        sh('ip', ['-n', h.netns, '-batch', '-'], {
          input: [`link set lo up`, `addr add ${h.address}/24 dev host0`, `link set host0 up`, `route add default via ${gateway}`].join('\n') + '\n',
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

/** Process ids living in a network namespace: whatever runs there was started by the lab. */
export async function netnsPids(netns: string): Promise<number[]> {
  const out = await sh('ip', ['netns', 'pids', netns], { allowFail: true });
  return out.split(/\s+/).filter(Boolean).map(Number);
}

/** Deletes namespaces (their veth pairs go with them) and the bridge; missing ones are fine. */
export async function deleteNets(netns: string[], bridge: string | undefined): Promise<void> {
  const lines = netns.map((n) => `netns del ${n}`);
  if (lines.length) await sh('ip', ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', allowFail: true });
  if (bridge) await sh('ip', ['link', 'del', bridge], { allowFail: true });
}

/** True when a network link of this name exists. */
export async function linkExists(name: string): Promise<boolean> {
  const out = await sh('ip', ['-o', 'link', 'show', name], { allowFail: true });
  return out.trim().length > 0;
}
