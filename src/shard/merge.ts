import { readFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import { emptyStats, type HostStats, type RunEvent } from '../executor/events';
import type { Shard } from './split';

/** The combined outcome of several shards' `--json` event files. */
export interface Merged {
  stats: Record<string, HostStats>;
  /** The slowest shard's run: the fan-out's wall time when the shards ran side by side. */
  durationMs: number;
  /** Why the merge is not the whole run (a shard missing or unfinished); empty when complete. */
  problems: string[];
}

type Recap = Extract<RunEvent, { type: 'recap' }>;

/** The recap events of one `--json` file; a line that is not JSON is an error naming file:line. */
export function recapsOf(file: string, text: string): Recap[] {
  const out: Recap[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new TsrunError('SCHEMA', `merge: line is not a JSON event`, { location: { file, line: i + 1, col: 1 }, expected: 'the output of tsrun playbook --json or --json-file' });
    }
    if (e && typeof e === 'object' && (e as { type?: unknown }).type === 'recap') out.push(e as Recap);
  });
  return out;
}

function add(into: HostStats, s: HostStats): void {
  for (const k of Object.keys(into) as (keyof HostStats)[]) into[k] += s[k] ?? 0;
}

/** Shards that should be there and are not, or are there twice. */
function shardProblems(seen: { file: string; shard?: Shard }[]): string[] {
  const sharded = seen.filter((s) => s.shard);
  if (!sharded.length) return [];
  const counts = new Set(sharded.map((s) => s.shard!.count));
  if (counts.size > 1) return [`the files come from different shard counts (${[...counts].join(', ')})`];
  const count = [...counts][0];
  const problems: string[] = [];
  for (let i = 0; i < count; i++) {
    const files = sharded.filter((s) => s.shard!.index === i).map((s) => s.file);
    if (files.length === 0) problems.push(`shard ${i}/${count} is missing`);
    if (files.length > 1) problems.push(`shard ${i}/${count} is there twice (${files.join(', ')})`);
  }
  return problems;
}

/**
 * Merges shards' event files: a host's counts are summed over every recap it is in (each host is in one shard,
 * so this is their union), and a file without a recap (a shard that did not finish) is a problem, as is a
 * missing shard.
 */
export function mergeFiles(files: string[]): Merged {
  const stats: Record<string, HostStats> = {};
  const problems: string[] = [];
  const seen: { file: string; shard?: Shard }[] = [];
  let durationMs = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TsrunError('USAGE', `merge: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const recaps = recapsOf(file, text);
    if (!recaps.length) problems.push(`${file} has no recap: that shard did not finish`);
    for (const r of recaps) {
      for (const [host, s] of Object.entries(r.stats)) add((stats[host] ??= emptyStats()), s);
      durationMs = Math.max(durationMs, r.durationMs);
    }
    if (recaps.length) seen.push({ file, shard: recaps[0].shard });
  }
  return { stats, durationMs, problems: [...problems, ...shardProblems(seen)] };
}
