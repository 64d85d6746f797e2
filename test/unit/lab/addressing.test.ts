import { describe, expect, it } from 'vitest';
import {
  addressAt,
  bridgeName,
  bridgeOf,
  chainedBridge,
  HOSTS_PER_BRIDGE,
  hostOffset,
  indicesInText,
  needsWide,
  pickIndex,
  SMALL_MAX,
  subnetCidr,
  vethName,
  WIDE_MAX,
} from '../../../src/lab/addressing';
import { limitsFor } from '../../../src/lab/preflight';

describe('lab addressing', () => {
  it('keeps small labs on their /24 in 10.213.0.0/16, with the index their name always gave', () => {
    const net = { wide: false, index: 7 };
    expect(subnetCidr(net)).toBe('10.213.7.0/24');
    expect(addressAt(net, 1)).toBe('10.213.7.1');
    expect(addressAt(net, hostOffset(net, 'nodes', 1))).toBe('10.213.7.11');
    expect(addressAt(net, hostOffset(net, 'lb', 1))).toBe('10.213.7.201');
    expect(vethName(net, 11)).toBe('tsv7h11');
    expect(bridgeName(net)).toBe('tsrbr7');
    // the name hash of the labs made before wide labs existed: ((h + i) % 250) + 1
    let h = 0;
    for (const c of 'l15') h = (h * 31 + c.charCodeAt(0)) % 250;
    expect(pickIndex('l15', false, new Set())).toBe(h + 1);
  });

  it('gives a lab past a /24 a /21 in 10.214.0.0/16 that holds every node and balancer', () => {
    expect(needsWide(SMALL_MAX.nodes, SMALL_MAX.lb)).toBe(false);
    expect(needsWide(SMALL_MAX.nodes + 1, 0)).toBe(true);
    const net = { wide: true, index: 3 };
    expect(subnetCidr(net)).toBe('10.214.24.0/21');
    expect(addressAt(net, 1)).toBe('10.214.24.1');
    expect(addressAt(net, hostOffset(net, 'nodes', 1000))).toBe('10.214.27.242');
    const last = hostOffset(net, 'lb', WIDE_MAX.lb);
    expect(last).toBeLessThan(2047); // below the /21's broadcast address
    expect(hostOffset(net, 'nodes', WIDE_MAX.nodes)).toBeLessThan(hostOffset(net, 'lb', 1));
    expect(addressAt(net, last)).toBe('10.214.31.158');
  });

  it('names interfaces within the 15 characters Linux allows, and never like a small lab', () => {
    const net = { wide: true, index: 31 };
    for (const name of [vethName(net, 1950), chainedBridge(net, 3).bridge, chainedBridge(net, 3).uplink!, `${chainedBridge(net, 3).uplink!}p`]) {
      expect(name.length).toBeLessThanOrEqual(15);
    }
    expect(bridgeName(net)).not.toBe(bridgeName({ wide: false, index: 31 }));
    expect(vethName(net, 11)).not.toBe(vethName({ wide: false, index: 31 }, 11));
  });

  it('keeps every bridge under the 1,024 ports a Linux bridge takes', () => {
    expect(HOSTS_PER_BRIDGE).toBeLessThan(1024);
    expect(bridgeOf(0)).toBe(0);
    expect(bridgeOf(HOSTS_PER_BRIDGE - 1)).toBe(0);
    expect(bridgeOf(HOSTS_PER_BRIDGE)).toBe(1);
  });

  it("reads each kind's used indices from `ip -o -4 addr show` and moves past them", () => {
    const text = [
      '5: tsrbr7    inet 10.213.7.1/24 scope global tsrbr7',
      '9: tsrbw3    inet 10.214.24.1/21 scope global tsrbw3',
      '2: eth0    inet 10.0.0.5/24 scope global eth0',
    ].join('\n');
    expect(indicesInText(text, false)).toEqual(new Set([7]));
    expect(indicesInText(text, true)).toEqual(new Set([3]));
    const first = pickIndex('big', true, new Set());
    expect(pickIndex('big', true, new Set([first]))).not.toBe(first);
    expect(() => pickIndex('big', true, new Set(Array.from({ length: 32 }, (_, i) => i)))).toThrow(/no free wide lab subnet/);
  });
});

describe('lab kernel limits', () => {
  const paths = (hosts: number, light: boolean) => limitsFor(hosts, light).map((l) => l.path.replace('/proc/sys/', ''));

  it('raises inotify for systemd hosts only', () => {
    expect(paths(3, false)).toContain('fs/inotify/max_user_instances');
    expect(paths(3, true)).toEqual([]);
  });

  it('gives a big lab a neighbour table with room past its host count, and pid room', () => {
    const limits = limitsFor(1000, true);
    const value = (p: string) => limits.find((l) => l.path.endsWith(p))!.value;
    for (const family of ['ipv4', 'ipv6']) {
      expect(value(`${family}/neigh/default/gc_thresh2`)).toBeGreaterThan(1000);
      expect(value(`${family}/neigh/default/gc_thresh3`)).toBeGreaterThan(value(`${family}/neigh/default/gc_thresh2`));
    }
    expect(value('kernel/pid_max')).toBeGreaterThan(32768);
  });
});
