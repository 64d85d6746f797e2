import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-serial-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a one-task play over four local hosts with this `serial`; returns the hosts of each batch, in order. */
async function batchesOf(serial: string): Promise<string[][]> {
  writeFileSync(join(dir, 'inventory.ini'), ['h1', 'h2', 'h3', 'h4'].map((h) => `${h} ansible_connection=local`).join('\n'));
  const playbook = join(dir, 'play.yml');
  writeFileSync(playbook, `- hosts: all\n  gather_facts: false\n  serial: ${serial}\n  tasks:\n    - debug: {msg: x}\n`);
  const events: RunEvent[] = [];
  await runPlaybook(playbook, {
    inventory: [join(dir, 'inventory.ini')], check: false, diff: false, forks: 4, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  return events.flatMap((e) => (e.type === 'task_start' ? [e.hosts] : []));
}

// Ansible (_get_serialized_batches): a batch size of 0 or less takes every host left; a percentage rounds down, at least 1.
describe('serial', () => {
  it('0 is one batch of every host', async () => {
    expect(await batchesOf('0')).toEqual([['h1', 'h2', 'h3', 'h4']]);
  });

  it('a 0 in a list takes every host left', async () => {
    expect(await batchesOf('[1, 0]')).toEqual([['h1'], ['h2', 'h3', 'h4']]);
  });

  it('"0%" is batches of one host', async () => {
    expect(await batchesOf('"0%"')).toEqual([['h1'], ['h2'], ['h3'], ['h4']]);
  });

  it('a number and a percentage, the last size repeating', async () => {
    expect(await batchesOf('[1, "50%"]')).toEqual([['h1'], ['h2', 'h3'], ['h4']]);
  });
});
