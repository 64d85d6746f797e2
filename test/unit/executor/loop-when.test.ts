import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult, RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-loop-when-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one task on the controller (connection: local) and returns its single host result event. */
async function runTask(task: string): Promise<HostResult> {
  writeFileSync(join(dir, 'inventory.ini'), 'h ansible_connection=local\n');
  writeFileSync(join(dir, 'play.yml'), `- hosts: h\n  gather_facts: false\n  vars:\n    state: absent\n  tasks:\n${task}`);
  const events: RunEvent[] = [];
  await runPlaybook(join(dir, 'play.yml'), {
    inventory: [join(dir, 'inventory.ini')], check: true, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  const r = events.find((e) => e.type === 'host_result');
  if (r?.type !== 'host_result') throw new Error(JSON.stringify(events));
  return r.result;
}

// [when, status]: an undefined variable in `loop` fails only when the conditional does not skip the task (Ansible's order).
const cases: [string, string][] = [
  ["state == 'present'", 'skipped'],
  ["state == 'absent'", 'failed'],
  ['item == 1', 'failed'],
];

describe('a loop over an undefined variable', () => {
  it.each(cases)('when: %s -> %s', async (when, status) => {
    const r = await runTask(`    - debug: {msg: "{{ item }}"}\n      loop: [{key: a, value: "{{ not_defined_yet }}"}]\n      when: ${when}\n`);
    expect(r).toMatchObject({ status });
    if (status === 'failed') expect(JSON.stringify(r)).toContain('not_defined_yet');
  });
});
