import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TsrunError } from '../../../src/core/errors';
import { loadPlaybook } from '../../../src/playbook/plays';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-load-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function loadError(files: Record<string, string>): TsrunError {
  const dir = tree(files);
  try {
    loadPlaybook(join(dir, 'site.yml'));
  } catch (err) {
    expect(err).toBeInstanceOf(TsrunError);
    return err as TsrunError;
  }
  throw new Error('expected an error');
}

describe('loadPlaybook', () => {
  it('loads plays, roles with dependencies and handlers, imports, and YAML 1.1 values', () => {
    const dir = tree({
      'site.yml': '- hosts: all\n  roles: [{role: web, port: 8080}]\n  tasks:\n    - import_tasks: more.yml\n      tags: extra\n    - debug: msg=hi\n      when: yes\n',
      'more.yml': '- name: from import\n  debug: {msg: imported}\n',
      'roles/web/tasks/main.yml': '- name: web task\n  debug: msg="{{ port }}"\n  notify: restart web\n',
      'roles/web/defaults/main.yml': 'port: 80\nmode: 0644\n',
      'roles/web/handlers/main.yml': '- name: restart web\n  debug: msg=restarted\n',
      'roles/web/meta/main.yml': 'dependencies: [base]\n',
      'roles/base/tasks/main.yml': '- name: base task\n  debug: msg=base\n',
    });
    const [play] = loadPlaybook(join(dir, 'site.yml'));
    expect(play.hosts).toBe('all');
    expect(play.roles.map((u) => u.role.name)).toEqual(['web', 'base']);
    expect(play.roles[0].params).toEqual({ port: 8080 });
    expect(play.roles[0].role.defaults).toEqual({ port: 80, mode: 0o644 });
    const main = play.sections[1][0].block!;
    const roleBlock = main[0];
    expect(roleBlock.block!.map((t) => t.name)).toEqual(['base task', 'web task']);
    expect(roleBlock.block![1].scope.roleUse?.role.name).toBe('web');
    const imported = main[1];
    expect(imported.kind).toBe('block');
    expect(imported.kw.tags).toEqual(['extra']);
    expect(imported.block![0].name).toBe('from import');
    expect(main[2]).toMatchObject({ action: 'debug', args: { msg: 'hi' }, kw: { when: [true] } });
    expect(play.handlers.map((h) => h.name)).toEqual(['restart web']);
  });

  it('reports malformed YAML with file, line and column', () => {
    const err = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: {msg: [1, 2}\n' });
    expect(err.code).toBe('PARSE');
    expect(err.location).toMatchObject({ line: 3 });
    expect(err.location?.file).toMatch(/site\.yml$/);
  });

  it('names an unknown module with a suggestion and its location', () => {
    const err = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - name: say hi\n      debgu: msg=hi\n' });
    expect(err.message).toMatch(/unknown module or keyword "debgu" \(did you mean "debug"\?\)/);
    expect(err.location).toMatchObject({ line: 4, col: 7 });
    expect(err.task).toBe('say hi');
  });

  it('names an unknown play keyword', () => {
    const err = loadError({ 'site.yml': '- hots: all\n  tasks: []\n' });
    expect(err.message).toMatch(/unknown play keyword "hots" \(did you mean "hosts"\?\)/);
    expect(err.location).toMatchObject({ line: 1, col: 3 });
  });

  it('refuses a task with two modules', () => {
    const err = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=a\n      fail: msg=b\n' });
    expect(err.message).toMatch(/more than one module: debug, fail/);
    expect(err.location).toMatchObject({ line: 4 });
  });

  it('names a missing role and where it was looked for', () => {
    const err = loadError({ 'site.yml': '- hosts: all\n  roles:\n    - nosuchrole\n' });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.message).toMatch(/role "nosuchrole" not found/);
    expect(err.expected).toMatch(/roles/);
    expect(err.location).toMatchObject({ line: 3 });
  });

  it('refuses vars that are not a mapping', () => {
    const err = loadError({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=a\n      vars: [1]\n' });
    expect(err.message).toMatch(/"vars" must be a mapping/);
    expect(err.location).toMatchObject({ line: 4 });
  });

  it('expands import_playbook in place', () => {
    const dir = tree({ 'site.yml': '- import_playbook: other.yml\n- hosts: b\n', 'other.yml': '- hosts: a\n' });
    expect(loadPlaybook(join(dir, 'site.yml')).map((p) => p.hosts)).toEqual(['a', 'b']);
  });
});
