import { createHash } from 'node:crypto';
import { TsrunError } from '../core/errors';

/** `--shard I/N`: this process runs part I (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of N. */
export interface Shard {
  index: number;
  count: number;
}

/** What decides where a host goes: the groups a play keeps together, then the host's own shard group. */
export interface ShardHost {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
}

/** Parses `I/N` with 0 <= I < N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new TsrunError('USAGE', `--shard ${JSON.stringify(text)} is not a shard of a whole`, { expected: 'I/N with 0 <= I < N, e.g. 0/4 (I is JOB_COMPLETION_INDEX in a Kubernetes Indexed Job)' });
  }
  return { index, count };
}

/**
 * The key a host is hashed by: the first group of the play's `shard_groups` it belongs to, else its
 * `tsrun_shard_group` variable, else its own name. Hosts with one key always land in one shard.
 */
export function shardKey(host: ShardHost, together: string[]): string {
  const group = together.find((g) => host.groups.includes(g));
  if (group) return `group:${group}`;
  const own = host.vars.tsrun_shard_group;
  if (typeof own === 'string' && own !== '') return `group:${own}`;
  return `host:${host.name}`;
}

/** The shard a key falls in: a hash, so it depends on nothing but the key and N (not on the other hosts). */
export function shardOf(key: string, count: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % count;
}

/** The hosts of a play that belong to this shard, in the play's order. */
export function hostsOfShard(names: string[], lookup: (name: string) => ShardHost, shard: Shard, together: string[]): string[] {
  return names.filter((n) => shardOf(shardKey(lookup(n), together), shard.count) === shard.index);
}
