import { describe, expect, it } from 'vitest';
import { emptyStats, tally, type HostResult } from '../../../src/executor/events';
import { RunTally } from '../../../src/output/recap';

const results: HostResult[] = [
  { durationMs: 1, host: 'a', status: 'ok', result: {} },
  { durationMs: 1, host: 'a', status: 'changed', result: { changed: true } },
  { durationMs: 1, host: 'a', status: 'skipped', result: {} },
  { durationMs: 1, host: 'a', status: 'unknown', result: {} },
  { durationMs: 1, host: 'a', status: 'failed', ignored: true, result: { changed: true } },
  { durationMs: 1, host: 'a', status: 'failed', ignored: true, result: {} },
  { durationMs: 1, host: 'b', status: 'failed', result: {}, msg: 'boom' },
  { durationMs: 1, host: 'c', status: 'unreachable', result: {}, msg: 'gone' },
];

describe('the recap tally', () => {
  it('counts as Ansible does: an ignored failure is ok, and changed when its result says so', () => {
    const a = emptyStats();
    for (const r of results.filter((r) => r.host === 'a')) tally(a, r);
    expect(a).toEqual({ ok: 4, changed: 2, unreachable: 0, failed: 0, skipped: 1, unknown: 1, rescued: 0, ignored: 2 });
  });

  it('the interrupted recap counts the events as the executor counts the results', () => {
    const seen = new RunTally();
    for (const r of results) seen.see({ type: 'host_result', task: 't', result: r });
    const expected = new Map<string, ReturnType<typeof emptyStats>>();
    for (const r of results) tally(expected.get(r.host) ?? expected.set(r.host, emptyStats()).get(r.host)!, r);
    expect(seen.stats).toEqual(expected);
    expect([...seen.changed]).toEqual(['a']);
    expect(seen.failures.map((f) => [f.host, f.status])).toEqual([['b', 'failed'], ['c', 'unreachable']]);
  });
});
