import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a play on the controller (connection: local) and returns its events. */
async function run(play: string): Promise<RunEvent[]> {
  writeFileSync(join(dir, 'inventory.ini'), 'h ansible_connection=local\n');
  writeFileSync(join(dir, 'play.yml'), play);
  const events: RunEvent[] = [];
  await runPlaybook(join(dir, 'play.yml'), {
    inventory: [join(dir, 'inventory.ini')], check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  return events;
}

/** The names of the handlers that ran, in order. */
const handlersRun = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'task_start' && e.handler ? [e.name] : []));

describe('handlers', () => {
  it('every handler listening to a notified topic runs once, in definition order (Ansible), and each only once', async () => {
    const events = await run(`- hosts: h
  gather_facts: false
  tasks:
    - {name: one, command: 'true', notify: [topic, last]}
    - {name: two, command: 'true', notify: [topic]}
  handlers:
    - {name: first, debug: {msg: a}, listen: topic}
    - {name: unrelated, debug: {msg: b}, listen: other}
    - {name: second, debug: {msg: c}, listen: [topic]}
    - {name: last, debug: {msg: d}}
    - {name: third, debug: {msg: e}, listen: topic}
`);
    expect(handlersRun(events)).toEqual(['first', 'second', 'last', 'third']);
  });

  it('a handler notified by name and by a topic it listens to runs once; a second flush runs nothing again', async () => {
    const events = await run(`- hosts: h
  gather_facts: false
  tasks:
    - {name: one, command: 'true', notify: [restart, topic]}
    - meta: flush_handlers
    - {name: quiet, command: 'true', changed_when: false, notify: topic}
  handlers:
    - {name: restart, debug: {msg: a}, listen: topic}
    - {name: other, debug: {msg: b}, listen: topic}
`);
    expect(handlersRun(events)).toEqual(['restart', 'other']);
  });

  it('handlers run under the play keywords (environment here; become is proven in the lab)', async () => {
    const events = await run(`- hosts: h
  gather_facts: false
  environment: {TSRUN_HANDLER_ENV: from-the-play}
  tasks:
    - {name: one, command: 'true', notify: show}
  handlers:
    - {name: show, command: 'printenv TSRUN_HANDLER_ENV'}
`);
    const r = events.find((e) => e.type === 'host_result' && e.task === 'show');
    expect(r?.type === 'host_result' && r.result.result).toMatchObject({ stdout: 'from-the-play' });
  });

  it('a role\'s handlers run under the keywords of its entry in the play (environment, vars, no_log, when), as in Ansible', async () => {
    const role = join(dir, 'roles', 'entry');
    for (const sub of ['tasks', 'handlers']) mkdirSync(join(role, sub), { recursive: true });
    writeFileSync(join(role, 'tasks', 'main.yml'), '- {name: change, command: "true", notify: show}\n');
    writeFileSync(join(role, 'handlers', 'main.yml'), '- {name: show, shell: \'echo "$TSRUN_HANDLER_ENV {{ entry_var }}"\'}\n');
    const play = (extra: string) => `- hosts: h
  gather_facts: false
  environment: {TSRUN_HANDLER_ENV: from-the-play}
  roles:
    - role: entry
      environment: {TSRUN_HANDLER_ENV: from-the-entry}
      vars: {entry_var: entry-vars}
${extra}`;
    const shown = (events: RunEvent[]) => events.find((e) => e.type === 'host_result' && e.task === 'entry : show');
    const plain = shown(await run(play('')));
    expect(plain?.type === 'host_result' && plain.result.status).toBe('changed');
    expect(plain?.type === 'host_result' && plain.result.result).toMatchObject({ stdout: 'from-the-entry entry-vars' });
    // no_log on the entry is a keyword (not a role variable): the handler's result is hidden too
    const hidden = shown(await run(play('      no_log: true\n')));
    expect(hidden?.type === 'host_result' && hidden.result.result.stdout).toBeUndefined();
    // the entry's condition is evaluated again when the handler runs: false by then, the handler is skipped
    const skipped = shown(await run(play('      when: gate is not defined\n  tasks:\n    - {set_fact: {gate: shut}}\n')));
    expect(skipped?.type === 'host_result' && skipped.result.status).toBe('skipped');
  });
});
