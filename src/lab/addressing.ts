import { TsrunError } from '../core/errors';

/**
 * A lab's place on the controller's network. A small lab has a /24 in 10.213.0.0/16 (index 1-250), as labs
 * always had; a wide lab (more hosts than a /24 holds) has a /21 in 10.214.0.0/16 (index 0-31), 2,046 addresses.
 * The two ranges never overlap, so a wide lab cannot take a small lab's subnet or the other way round.
 */
export interface LabNet {
  wide: boolean;
  index: number;
}

/** Host counts a small lab's /24 holds: nodes from .11, balancers from .201. */
export const SMALL_MAX = { nodes: 180, lb: 50 };
/** Host counts a wide lab's /21 holds: nodes from offset 11, balancers from offset 1901. */
export const WIDE_MAX = { nodes: 1500, lb: 50 };

/** A Linux bridge takes at most 1,024 ports (BR_MAX_PORTS); a wide lab chains bridges of this many hosts each. */
export const HOSTS_PER_BRIDGE = 500;

const SMALL_SLOTS = 250;
const WIDE_SLOTS = 32;
const WIDE_BLOCK = 8; // a /21 spans 8 third octets

/** Whether a lab of this shape needs a wide subnet. */
export function needsWide(nodes: number, lb: number): boolean {
  return nodes > SMALL_MAX.nodes || lb > SMALL_MAX.lb;
}

/** The lab's subnet in CIDR form, e.g. `10.213.7.0/24` or `10.214.16.0/21`. */
export function subnetCidr(net: LabNet): string {
  return `${addressAt(net, 0)}/${net.wide ? 21 : 24}`;
}

/** The address at an offset into the lab's subnet: 1 is the controller's bridge, hosts come after 10. */
export function addressAt(net: LabNet, offset: number): string {
  if (!net.wide) return `10.213.${net.index}.${offset}`;
  const third = net.index * WIDE_BLOCK + Math.floor(offset / 256);
  return `10.214.${third}.${offset % 256}`;
}

/** Offset of a host in the subnet: nodes count up from 11, balancers from 201 (small) or 1901 (wide). */
export function hostOffset(net: LabNet, group: 'nodes' | 'lb', ordinal: number): number {
  return group === 'nodes' ? 10 + ordinal : (net.wide ? 1900 : 200) + ordinal;
}

/** The controller end of a host's veth pair; under the 15 characters Linux allows, and distinct across labs. */
export function vethName(net: LabNet, offset: number): string {
  return net.wide ? `tsw${net.index}h${offset}` : `tsv${net.index}h${offset}`;
}

/** The lab's bridge carrying the controller's address. */
export function bridgeName(net: LabNet): string {
  return net.wide ? `tsrbw${net.index}` : `tsrbr${net.index}`;
}

/** Bridge number `k` (0 is the main one) and, for k > 0, the veth that links it to the main bridge. */
export function chainedBridge(net: LabNet, k: number): { bridge: string; uplink?: string } {
  if (k === 0) return { bridge: bridgeName(net) };
  return { bridge: `${bridgeName(net)}s${k}`, uplink: `${bridgeName(net)}u${k}` };
}

/** Which bridge (by number) a host sits on, from its position among the lab's hosts. */
export function bridgeOf(position: number): number {
  return Math.floor(position / HOSTS_PER_BRIDGE);
}

/** Subnet indices of one kind that addresses on this machine already occupy, from `ip -o -4 addr show` output. */
export function indicesInText(text: string, wide: boolean): Set<number> {
  const used = new Set<number>();
  const re = wide ? /inet 10\.214\.(\d+)\./g : /inet 10\.213\.(\d+)\./g;
  for (const m of text.matchAll(re)) used.add(wide ? Math.floor(Number(m[1]) / WIDE_BLOCK) : Number(m[1]));
  return used;
}

/** Picks a free index of the lab's kind: derived from its name, so a lab tends to keep its subnet, moved on past used ones. */
export function pickIndex(name: string, wide: boolean, used: Set<number>): number {
  const slots = wide ? WIDE_SLOTS : SMALL_SLOTS;
  const first = wide ? 0 : 1;
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % slots;
  for (let i = 0; i < slots; i++) {
    const idx = ((h + i) % slots) + first;
    if (!used.has(idx)) return idx;
  }
  throw new TsrunError('USAGE', `no free ${wide ? 'wide ' : ''}lab subnet left (${slots} labs of that size exist)`, {
    expected: 'tsrun lab down on labs no longer needed',
  });
}
