import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventsJsonSchema, eventsMarkdown } from '../../../src/events/docs';
import { Stamper } from '../../../src/events/stamp';
import { JsonReporter } from '../../../src/output/json';
import type { RunEvent } from '../../../src/executor/events';

const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

describe('the --json event schema', () => {
  it('docs/events.md and docs/events.schema.json are up to date (regenerate: npx tsx src/events/docs.ts)', () => {
    expect(doc('events.md')).toBe(eventsMarkdown());
    expect(doc('events.schema.json')).toBe(eventsJsonSchema());
  });

  it('stamps ids and times that a strict JSON Schema validator accepts, and refuses an event without them', () => {
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(doc('events.schema.json')) as object);
    const lines: string[] = [];
    const json = new JsonReporter((t) => lines.push(t), new Stamper('run-1'));
    const events: RunEvent[] = [
      { type: 'run_start', command: 'playbook', playbooks: ['site.yml'], check: false, diff: true, verbosity: 2, version: '0.1.0' },
      { type: 'play_start', name: 'p', hosts: ['h1'] },
      { type: 'task_start', name: 't', hosts: ['h1'], location: 'site.yml:3', action: 'copy' },
      { type: 'log', level: 2, host: 'h1', text: 'copy args: {}' },
      { type: 'host_result', task: 't', result: { host: 'h1', status: 'changed', result: { changed: true }, durationMs: 3, diff: [{ kind: 'lines', lines: ['mode 0644 -> 0600'] }] } },
      { type: 'task_end', name: 't', durationMs: 4 },
      { type: 'play_end', name: 'p', durationMs: 5 },
      { type: 'recap', stats: { h1: { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, unknown: 0, rescued: 0, ignored: 0 } }, durationMs: 6 },
    ];
    for (const e of events) json.event(e);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const p of parsed) expect(validate(p), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed.map((p) => p.eventId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(parsed.map((p) => p.runId))).toEqual(new Set(['run-1']));
    expect(parsed.slice(2, 6).map((p) => p.taskId)).toEqual(['t1', 't1', 't1', 't1']);
    expect(parsed[4]).toMatchObject({ type: 'host_result', host: 'h1', status: 'changed', playId: 'p1', diff: '  mode 0644 -> 0600' });
    const { time: _, ...untimed } = parsed[1];
    expect(validate(untimed)).toBe(false);
    expect(validate({ ...parsed[1], surprise: 1 })).toBe(false);
  });
});
