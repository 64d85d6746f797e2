import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult, RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-no-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs tasks on the controller (connection: local) and returns their host results. */
async function runTasks(task: string): Promise<HostResult[]> {
  writeFileSync(join(dir, 'inventory.ini'), 'h ansible_connection=local\n');
  writeFileSync(join(dir, 'play.yml'), `- hosts: h\n  gather_facts: false\n  tasks:\n${task}`);
  const events: RunEvent[] = [];
  await runPlaybook(join(dir, 'play.yml'), {
    inventory: [join(dir, 'inventory.ini')], check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  const results = events.flatMap((e) => (e.type === 'host_result' ? [e.result] : []));
  if (results.length === 0) throw new Error(JSON.stringify(events));
  return results;
}

/** Runs one task and returns its host result. */
async function runTask(task: string): Promise<HostResult> {
  return (await runTasks(task))[0];
}

describe('a templated no_log', () => {
  it('naming a variable that only exists when the task runs: a skipped task is skipped, as in Ansible', async () => {
    const r = await runTask('    - {debug: {msg: x}, no_log: "{{ not_yet }}", when: false}\n');
    expect(r.status).toBe('skipped');
  });

  it('that cannot be templated fails a task that runs, naming the variable', async () => {
    const r = await runTask('    - {debug: {msg: x}, no_log: "{{ not_yet }}"}\n');
    expect(r.status).toBe('failed');
    expect(r.msg).toContain('not_yet');
  });

  it('a no_log debug prints the censored notice, not its message, as in Ansible', async () => {
    const r = await runTask('    - {debug: {msg: s3cret}, no_log: true}\n');
    expect(r.debug).toBe("the output has been hidden due to the fact that 'no_log: true' was specified for this result");
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });
});

describe('a loop over nothing', () => {
  it('is skipped and registers skipped, as in Ansible', async () => {
    const r = await runTask('    - {debug: {msg: x}, loop: []}\n');
    expect(r.status).toBe('skipped');
  });
});

describe('a task that when skips', () => {
  it('still registers its skipped result, as in Ansible', async () => {
    const [skipped, shown] = await runTasks('    - {command: "true", register: skr, when: false}\n    - {debug: {msg: "{{ skr is skipped }} {{ skr is changed }} {{ skr.skip_reason }}"}}\n');
    expect(skipped.status).toBe('skipped');
    expect(shown.status).toBe('ok');
    expect(shown.debug).toBe('True False Conditional result was False');
  });
});
