import { describe, expect, it } from 'vitest';
import { hostsOfShard, parseShard, shardKey, shardOf, type ShardHost } from '../../../src/shard/split';
import { recapsOf } from '../../../src/shard/merge';

const host = (name: string, groups: string[] = [], vars: Record<string, unknown> = {}): ShardHost => ({ name, groups, vars });

describe('shards', () => {
  it('parses I/N with a 0-based index and refuses anything else', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/3', 'a/b', '2']) expect(() => parseShard(bad)).toThrow(/is not a shard.*\n?/);
  });

  it('keys a host by the play\'s shard_groups first, then tsrun_shard_group, then its name', () => {
    expect(shardKey(host('n1', ['all', 'etcd']), ['lb', 'etcd'])).toBe('group:etcd');
    expect(shardKey(host('n1', ['all'], { tsrun_shard_group: 'rack1' }), ['etcd'])).toBe('group:rack1');
    expect(shardKey(host('n1', ['all']), [])).toBe('host:n1');
  });

  it('splits 1,000 hosts into disjoint, stable, roughly even parts that keep a group together', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `node${i + 1}`);
    const lookup = (n: string) => host(n, Number(n.slice(4)) <= 5 ? ['etcd'] : []);
    const parts = [0, 1, 2, 3].map((index) => hostsOfShard(names, lookup, { index, count: 4 }, ['etcd']));
    expect(parts.flat().sort()).toEqual([...names].sort());
    for (const p of parts) expect(p.length).toBeGreaterThan(200);
    expect(parts.filter((p) => p.includes('node1'))[0]).toEqual(expect.arrayContaining(['node2', 'node3', 'node4', 'node5']));
    // the same key always lands in the same shard, whatever the other hosts
    expect(shardOf('host:node42', 4)).toBe(shardOf('host:node42', 4));
    expect(hostsOfShard(['node42'], lookup, { index: shardOf('host:node42', 4), count: 4 }, [])).toEqual(['node42']);
  });

  it('reads recaps from --json events and names a line that is not JSON', () => {
    expect(recapsOf('f.json', '{"type":"task_end","name":"x"}\n{"type":"recap","stats":{},"durationMs":5}\n')).toHaveLength(1);
    expect(() => recapsOf('f.json', '{"type":"recap"}\nnot json\n')).toThrow(expect.objectContaining({ location: { file: 'f.json', line: 2, col: 1 } }));
  });
});
