import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TsrunError } from '../../../src/core/errors';
import type { HostResult, RunEvent } from '../../../src/executor/events';
import { runPlaybook } from '../../../src/executor/playbook';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-locations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const playbook = join(dir, 'play.yml');

/** Runs a playbook on the local host and returns every host result. */
async function run(text: string): Promise<HostResult[]> {
  writeFileSync(join(dir, 'inventory.ini'), 'h1 ansible_connection=local\n');
  writeFileSync(playbook, text);
  const events: RunEvent[] = [];
  await runPlaybook(playbook, {
    inventory: [join(dir, 'inventory.ini')], check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0,
    reporter: { event: (e) => events.push(e), close: async () => undefined }, connection: {},
  });
  return events.flatMap((e) => (e.type === 'host_result' ? [e.result] : []));
}

/** The `file:line:col: message` head of a failed result. */
function head(r: HostResult): string {
  return String(r.msg).split('\n')[0];
}

async function rejection(text: string): Promise<TsrunError> {
  try {
    await run(text);
  } catch (err) {
    expect(err).toBeInstanceOf(TsrunError);
    return err as TsrunError;
  }
  throw new Error('expected the run to be refused');
}

const PLAY = '- hosts: h1\n  gather_facts: false\n';

describe('an undefined variable is reported at the value that uses it, naming it and the task', () => {
  // [what, tasks (from line 4), line, col of the variable's name, variable]
  const cases: [string, string, number, number, string][] = [
    ['a module argument', '    - name: T\n      debug:\n        msg: "hello {{ nope }}"\n', 6, 24, 'nope'],
    ['an argument in a block scalar', '    - name: T\n      copy:\n        dest: /nonexistent/x\n        content: |\n          one\n          {{ nope }}\n', 9, 14, 'nope'],
    ['a k=v argument, at its text', '    - name: T\n      debug: msg={{ nope }}\n', 5, 21, 'nope'],
    ['the loop', '    - name: T\n      debug: {msg: x}\n      loop: "{{ nope }}"\n', 6, 17, 'nope'],
    ['the second condition of a list', '    - name: T\n      debug: {msg: x}\n      when:\n        - true\n        - nope\n', 8, 11, 'nope'],
    ['changed_when', '    - name: T\n      debug: {msg: x}\n      changed_when: nope\n', 6, 21, 'nope'],
    ['a variable defined with it, at its definition', '    - name: T\n      debug: {msg: "{{ v }}"}\n      vars:\n        v: "{{ nope }}"\n', 7, 16, 'nope'],
  ];
  it.each(cases)('%s', async (_what, tasks, line, col, name) => {
    const [r] = await run(`${PLAY}  tasks:\n${tasks}`);
    expect(r.status).toBe('failed');
    expect(head(r)).toMatch(new RegExp(`^ERROR! ${playbook}:${line}:${col}: .*undefined variable '${name}'`));
    expect(String(r.msg)).toContain('in task: T');
  });

  it('a play variable, at its definition', async () => {
    const [r] = await run(`${PLAY}  vars:\n    v: "x {{ nope }}"\n  tasks:\n    - name: T\n      debug: {msg: "{{ v }}"}\n`);
    expect(head(r)).toMatch(new RegExp(`^ERROR! ${playbook}:4:14: undefined variable 'nope'`));
  });
});

describe('a template file error names the file and its own line', () => {
  it('.j2 file', async () => {
    writeFileSync(join(dir, 'page.j2'), 'line one\n{% if true %}\n  port {{ missing_port }}\n{% endif %}\n');
    const [r] = await run(`${PLAY}  tasks:\n    - name: T\n      template: {src: page.j2, dest: ${dir}/page}\n`);
    expect(head(r)).toMatch(new RegExp(`^ERROR! ${dir}/page.j2:3:\\d+: template ${dir}/page.j2: .*undefined variable 'missing_port'`));
  });
});

describe('role argument errors point at the offending value and name the option', () => {
  mkdirSync(join(dir, 'roles', 'web', 'tasks'), { recursive: true });
  mkdirSync(join(dir, 'roles', 'web', 'meta'), { recursive: true });
  mkdirSync(join(dir, 'roles', 'web', 'defaults'), { recursive: true });
  const specs = join(dir, 'roles', 'web', 'meta', 'argument_specs.yml');
  writeFileSync(specs, 'argument_specs:\n  main:\n    options:\n      web_port:\n        type: int\n        required: true\n      web_mode:\n        type: str\n        choices: [a, b]\n');
  writeFileSync(join(dir, 'roles', 'web', 'tasks', 'main.yml'), '- debug: {msg: "{{ web_port }}"}\n');

  it("the role entry's variable in the play", async () => {
    writeFileSync(join(dir, 'roles', 'web', 'defaults', 'main.yml'), 'web_mode: a\n');
    const err = await rejection(`${PLAY}  roles:\n    - role: web\n      web_port: abc\n`);
    expect(err.location).toEqual({ file: playbook, line: 5, col: 17 });
    expect(err.message).toMatch(new RegExp(`argument "web_port" must be an integer.*option "web_port" of ${specs}:4:7`));
  });

  it("the role entry's vars", async () => {
    const err = await rejection(`${PLAY}  roles:\n    - role: web\n      vars:\n        web_port: [1]\n`);
    expect(err.location).toEqual({ file: playbook, line: 6, col: 19 });
  });

  it("the role's defaults line", async () => {
    const defaults = join(dir, 'roles', 'web', 'defaults', 'main.yml');
    writeFileSync(defaults, '# modes\nweb_mode: c\n');
    const err = await rejection(`${PLAY}  roles:\n    - role: web\n      web_port: 80\n`);
    expect(err.location).toEqual({ file: defaults, line: 2, col: 11 });
    expect(err.message).toMatch(new RegExp(`must be one of a, b.*option "web_mode" of ${specs}:7:7`));
  });

  it('a missing required option, at the role entry', async () => {
    writeFileSync(join(dir, 'roles', 'web', 'defaults', 'main.yml'), 'web_mode: a\n');
    const err = await rejection(`${PLAY}  roles:\n    - web\n`);
    expect(err.location).toEqual({ file: playbook, line: 4, col: 7 });
    expect(err.message).toMatch(/missing required argument "web_port"/);
  });
});

describe('vars_files named with host variables are read per host, and still located', () => {
  it('a missing one points at its entry', async () => {
    const err = await rejection(`${PLAY}  vars_files:\n    - "vars/{{ inventory_hostname }}.yml"\n  tasks:\n    - debug: {msg: x}\n`);
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/vars file vars\/h1\.yml was not found/);
    expect(err.location).toEqual({ file: playbook, line: 4, col: 8 });
  });

  it('a present one gives its variables', async () => {
    mkdirSync(join(dir, 'vars'), { recursive: true });
    writeFileSync(join(dir, 'vars', 'h1.yml'), 'greeting: hi h1\n');
    const [r] = await run(`${PLAY}  vars_files:\n    - "vars/{{ inventory_hostname }}.yml"\n  tasks:\n    - debug: {msg: "{{ greeting }}"}\n`);
    expect(r.debug).toBe('hi h1');
  });

  it('one whose name needs a variable the host lacks is skipped when no facts were gathered, as Ansible does', async () => {
    const [r] = await run(`${PLAY}  vars_files:\n    - "vars/{{ nosuch_var }}.yml"\n  tasks:\n    - debug: {msg: "{{ greeting | default('none') }}"}\n`);
    expect(r.status).toBe('ok');
    expect(r.debug).toBe('none');
  });

  it('and is an error, located at the entry, when facts were gathered', async () => {
    const err = await rejection(`- hosts: h1\n  gather_facts: true\n  vars_files:\n    - "vars/{{ nosuch_var }}.yml"\n  tasks:\n    - debug: {msg: x}\n`);
    expect(err.code).toBe('UNDEFINED');
    expect(err.location?.line).toBe(4);
  });
});
