import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../src/playbook/plays';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function play(tasks: string, extra = ''): string {
  const path = join(dir, 'play.yml');
  writeFileSync(path, `- hosts: all\n  gather_facts: false\n${extra}  tasks:\n${tasks}`);
  return path;
}

// [what, tasks, message, line, col]: each is found when the playbook loads, before any host is touched.
const cases: [string, string, RegExp, number, number][] = [
  ['retries not an integer', '    - command: "true"\n      retries: "x"\n', /"retries" must be an integer, got "x"/, 5, 17],
  ['ignore_errors not a boolean', '    - command: "true"\n      ignore_errors: sometimes\n', /"ignore_errors" must be a boolean/, 5, 22],
  ['vars a list', '    - command: "true"\n      vars: [a, b]\n', /"vars" must be a mapping, got a list/, 5, 13],
  ['loop_control not a mapping', '    - command: "true"\n      loop: [1]\n      loop_control: item\n', /"loop_control" must be a mapping/, 6, 21],
  ['when syntax', '    - command: "true"\n      when: x ==\n', /when: syntax error in expression 'x ==' at column 5/, 5, 17],
  ['when list item syntax', '    - command: "true"\n      when:\n        - a\n        - b c\n', /expected the end of the expression, got 'c'/, 7, 13],
  ['unknown filter in a value', "    - debug:\n        msg: \"{{ x | nosuch }}\"\n", /unknown filter 'nosuch'/, 5, 22],
  ['unknown test in a condition', '    - command: "true"\n      when: x is bogus\n', /unknown test 'is bogus'/, 5, 18],
  ['template syntax in a value', "    - debug:\n        msg: \"{% if x %}\"\n", /never closed/, 5, 15],
  ['wrong argument type', '    - file:\n        path: /x\n        state: [a]\n', /file: argument "state"/, 6, 9],
  ['missing required argument', '    - copy:\n        content: x\n', /copy: .*dest/, 4, 7],
  ['conflicting arguments', '    - copy:\n        src: a\n        content: x\n        dest: /x\n', /src and content are mutually exclusive/, 6, 9],
  ['bad choice', '    - file:\n        path: /x\n        state: nope\n', /must be one of/, 6, 9],
  ['notify without handler', '    - command: "true"\n      notify: restart nope\n', /notifies "restart nope", but no handler/, 4, 7],
  ['undefined alias', '    - debug: *nope\n', /undefined YAML alias '\*nope'/, 4, 14],
  ['loop over a literal string', '    - debug: {msg: x}\n      loop: abc\n', /Invalid data passed to 'loop', it requires a list, got this instead: "abc"/, 5, 13],
  ['loop over a literal mapping', '    - debug: {msg: x}\n      loop: {a: 1}\n', /Invalid data passed to 'loop', it requires a list/, 5, 13],
];

describe('bad input is found when the playbook loads', () => {
  it.each(cases)('%s', (_what, tasks, message, line, col) => {
    const path = play(tasks);
    const err = failure(() => loadPlaybook(path));
    expect(err.message).toMatch(message);
    expect(err.location).toMatchObject({ file: path, line, col });
  });

  it('serial that is not a number or percentage', () => {
    const path = play('    - command: "true"\n', '  serial: abc\n');
    const err = failure(() => loadPlaybook(path));
    expect(err.message).toMatch(/"serial" must be a number/);
    expect(err.location).toMatchObject({ file: path, line: 3, col: 11 });
  });

  it('a missing vars_files file, at its entry', () => {
    const path = play('    - command: "true"\n', '  vars_files:\n    - common.yml\n    - nosuch.yml\n');
    writeFileSync(join(dir, 'common.yml'), 'a: 1\n');
    const err = failure(() => loadPlaybook(path));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toBe('vars file nosuch.yml was not found');
    expect(err.location).toEqual({ file: path, line: 5, col: 7 });
  });

  it('vars_files: a list entry is satisfied by the first file that exists; a templated name waits for its variables', () => {
    writeFileSync(join(dir, 'common.yml'), 'a: 1\n');
    const path = play('    - command: "true"\n', '  vars_files:\n    - [nosuch.yml, common.yml]\n    - "{{ os }}.yml"\n');
    expect(loadPlaybook(path)[0].varsFiles).toHaveLength(2);
  });

  it('a template in an argument is only known to be present', () => {
    const path = play('    - file:\n        path: /x\n        state: "{{ s }}"\n');
    expect(loadPlaybook(path)[0].name).toBe('all');
  });

  it('an import cycle names the chain of files, no stack overflow', () => {
    writeFileSync(join(dir, 'a.yml'), '- import_tasks: b.yml\n');
    writeFileSync(join(dir, 'b.yml'), '- import_tasks: a.yml\n');
    const err = failure(() => loadPlaybook(play('    - import_tasks: a.yml\n')));
    expect(err.message).toMatch(/import cycle: .*a\.yml -> .*b\.yml -> .*a\.yml/);
  });

  it('a tasks file importing itself', () => {
    writeFileSync(join(dir, 'self.yml'), '- import_tasks: self.yml\n');
    expect(failure(() => loadPlaybook(play('    - import_tasks: self.yml\n'))).message).toMatch(/import cycle: .*self\.yml -> .*self\.yml/);
  });

  it('a role dependency cycle names the roles', () => {
    for (const [r, dep] of [['r1', 'r2'], ['r2', 'r1']]) {
      mkdirSync(join(dir, 'roles', r, 'tasks'), { recursive: true });
      mkdirSync(join(dir, 'roles', r, 'meta'), { recursive: true });
      writeFileSync(join(dir, 'roles', r, 'tasks', 'main.yml'), '- debug: {msg: hi}\n');
      writeFileSync(join(dir, 'roles', r, 'meta', 'main.yml'), `dependencies: [${dep}]\n`);
    }
    const path = join(dir, 'roles.yml');
    writeFileSync(path, '- hosts: all\n  roles: [r1]\n');
    expect(failure(() => loadPlaybook(path)).message).toMatch(/role dependency cycle: r1 -> r2 -> r1/);
  });

  it('a play that is a string is located at its line', () => {
    const path = join(dir, 'str.yml');
    writeFileSync(path, '- hosts: all\n  tasks: []\n- oops\n');
    expect(failure(() => loadPlaybook(path)).location).toMatchObject({ line: 3, col: 3 });
  });
});
