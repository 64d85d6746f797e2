import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult, RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-semantics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Named = HostResult & { task: string };

/** Runs a play on two local hosts and returns every host result with its task name. */
async function run(play: string, inventory = 'h1 ansible_connection=local ansible_host=10.0.0.1\nh2 ansible_connection=local ansible_host=10.0.0.2\n'): Promise<Named[]> {
  writeFileSync(join(dir, 'inventory.ini'), inventory);
  writeFileSync(join(dir, 'play.yml'), play);
  const events: RunEvent[] = [];
  await runPlaybook(join(dir, 'play.yml'), {
    inventory: [join(dir, 'inventory.ini')], check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  return events.flatMap((e) => (e.type === 'host_result' ? [{ ...e.result, task: e.task }] : []));
}

describe('values are rendered once, in the right scope', () => {
  it('hostvars[h] renders h\'s templates in h\'s own scope', async () => {
    const r = await run(`- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ hostvars.h2.addr }}"}\n      when: inventory_hostname == 'h1'\n`,
      'h1 ansible_connection=local ansible_host=10.0.0.1\nh2 ansible_connection=local ansible_host=10.0.0.2\n[all:vars]\naddr="{{ ansible_host }}"\n');
    expect(r.find((x) => x.host === 'h1')?.debug).toBe('10.0.0.2');
  });

  it('a Handlebars escape survives: the result is not rendered again', async () => {
    const r = await run(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - debug: {msg: "docker ps --format '\\\\{{ .ID }}'"}\n`);
    expect(r[0].debug).toBe("docker ps --format '{{ .ID }}'");
  });

  it('a registered output that looks like a template is data', async () => {
    const r = await run(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: echo "{{ '{{' }} x }}"\n      register: out\n      changed_when: false\n    - debug: {msg: "{{ out.stdout }}"}\n`);
    expect(r[1].debug).toBe('{{ x }}');
  });
});

describe('task outcomes as Ansible decides them', () => {
  it('ansible_play_hosts leaves out a host that failed; ansible_play_hosts_all keeps it', async () => {
    const r = await run(`- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "false"\n      when: inventory_hostname == 'h2'\n    - debug: {msg: "{{ ansible_play_hosts }} {{ play_hosts }} {{ ansible_play_hosts_all }}"}\n`);
    expect(r.filter((x) => x.debug !== undefined).map((x) => x.debug)).toEqual(["['h1'] ['h1'] ['h1', 'h2']"]);
  });

  it('until never met fails the task with attempts', async () => {
    const r = await run(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: "true"\n      register: out\n      until: out.rc == 1\n      retries: 2\n      delay: 0\n`);
    expect(r[0].status).toBe('failed');
    expect(r[0].result.attempts).toBe(2); // ansible-core 2.14: 3 runs, attempts = retries
  });

  it('ignore_errors covers a module that fails with an error (copy of a missing file)', async () => {
    const r = await run(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - copy: {src: /nonexistent/nope, dest: ${dir}/out}\n      ignore_errors: true\n    - debug: {msg: after}\n`);
    expect(r[0]).toMatchObject({ status: 'failed', ignored: true });
    expect(r[1].debug).toBe('after');
  });

  it("selectattr with a test: selectattr('admin', 'defined')", async () => {
    const r = await run(`- hosts: h1\n  gather_facts: false\n  vars:\n    users: [{name: ann, admin: true}, {name: bob}]\n  tasks:\n    - debug: {msg: "{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}"}\n`);
    expect(r[0].debug).toEqual(['ann']);
  });
});
