import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { keywordReference, moduleReference } from '../../../src/cli/module-docs';
import { docCommand } from '../../../src/doc/command';
import { registry } from '../../../src/modules/index';
import { specialActions } from '../../../src/playbook/actions';
import { keywords, keywordsAt } from '../../../src/playbook/keywords';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const everyModule = [...registry.keys(), ...specialActions.map((a) => a.name)];

describe('tsrun doc: modules', () => {
  it('lists every module and special action with its summary (no name, or -l)', () => {
    const list = docCommand([]);
    expect(docCommand([], { list: true })).toBe(list);
    for (const m of [...registry.values(), ...specialActions]) expect(list).toMatch(new RegExp(`^${m.name}\\s+${escape(m.summary)}$`, 'm'));
    expect(list).toMatch(/^meta\s+/m);
  });

  it("documents a module's arguments from its schema", () => {
    const doc = docCommand(['copy']);
    expect(doc).toMatch(/^copy: /);
    expect(doc).toMatch(/^ {2}dest \(path; required/m);
    expect(doc).toMatch(/^ {2}force \(bool; default: true; aliases: thirsty\)/m);
  });

  it('takes the ansible.builtin. and ansible.legacy. names tasks take, for every module and meta', () => {
    for (const name of everyModule) {
      expect(docCommand([`ansible.builtin.${name}`])).toBe(docCommand([name]));
      expect(docCommand([`ansible.legacy.${name}`])).toBe(docCommand([name]));
    }
  });

  it('documents meta, a special action of the executor, with its choices', () => {
    const doc = docCommand(['meta']);
    expect(doc).toMatch(/^meta: /);
    expect(doc).toMatch(/^ {2}free_form \(str; required; choices: flush_handlers, noop, end_play, end_host, clear_facts\)/m);
    expect(doc).toMatch(/- meta: flush_handlers/);
  });

  it('documents the return values of every module', () => {
    for (const name of everyModule) expect(docCommand([name])).toMatch(/^Return values \(besides changed, failed, msg and diff\):$/m);
    const copy = docCommand(['copy']);
    expect(copy).toMatch(/^ {2}checksum \(str; returned: success\)\n {6}sha1 of the file after the task\.\n {6}sample: "6e642bb8/m);
    expect(docCommand(['command'])).toMatch(/^ {2}rc \(int; returned: always\)/m);
    expect(docCommand(['stat'])).toMatch(/^ {2}stat \(dict; returned: always\)/m);
    // what register holds for modules that return data: declared, not an empty section
    for (const name of ['apt', 'copy', 'command', 'file', 'get_url', 'lineinfile', 'service', 'set_fact', 'stat', 'systemd', 'uri', 'wait_for']) {
      expect(Object.keys(registry.get(name)!.returns).length, name).toBeGreaterThan(0);
    }
  });

  it('documents several modules at once, as ansible-doc', () => {
    expect(docCommand(['copy', 'meta'])).toBe(`${docCommand(['copy'])}\n\n${docCommand(['meta'])}`);
  });

  it('suggests the nearest module for a typo', () => {
    expect(() => docCommand(['cpy'])).toThrow(/no module named "cpy" \(did you mean "copy"\?\)/);
    expect(() => docCommand(['ansible.builtin.mta'])).toThrow(/no module named "ansible.builtin.mta" \(did you mean "meta"\?\)/);
  });
});

describe('tsrun doc -s (snippet)', () => {
  it('prints a task that parses as YAML, with every argument as a key and required ones marked', () => {
    for (const name of everyModule) {
      const text = docCommand([name], { snippet: true });
      const tasks = YAML.parse(text) as Record<string, unknown>[];
      expect(tasks, name).toHaveLength(1);
      const args = tasks[0][name] as Record<string, unknown> | null;
      const mod = registry.get(name) ?? specialActions.find((a) => a.name === name)!;
      expect(Object.keys(args ?? {}).sort(), name).toEqual(Object.keys(mod.args).sort());
      expect(typeof tasks[0].name).toBe('string');
    }
    expect(docCommand(['copy'], { snippet: true })).toMatch(/^ {6}dest: +# \(required\) Remote path to write/m);
  });

  it('keeps the name as typed, as ansible-doc', () => {
    expect(docCommand(['ansible.builtin.copy'], { snippet: true })).toMatch(/^ {2}ansible\.builtin\.copy:$/m);
  });

  it('refuses keywords and a missing name', () => {
    expect(() => docCommand(['become'], { snippet: true, type: 'keyword' })).toThrow(/--snippet is for modules only/);
    expect(() => docCommand([], { snippet: true })).toThrow(/--snippet needs a module name/);
  });
});

describe('tsrun doc --json', () => {
  it("prints ansible-doc's shape, keyed by the name as typed: doc, examples, return", () => {
    const out = JSON.parse(docCommand(['ansible.builtin.copy'], { json: true })) as Record<string, Record<string, Record<string, unknown>>>;
    const copy = out['ansible.builtin.copy'];
    expect(copy.doc.module).toBe('copy');
    expect(copy.doc.short_description).toBe(registry.get('copy')!.summary);
    expect((copy.doc.options as Record<string, unknown>).force).toEqual({ description: [expect.any(String)], type: 'bool', required: false, default: true, aliases: ['thirsty'] });
    expect(copy.return.checksum).toMatchObject({ type: 'str', returned: 'success' });
    expect(typeof copy.examples).toBe('string');
  });

  it('lists modules and keywords as name: summary', () => {
    const mods = JSON.parse(docCommand([], { list: true, json: true })) as Record<string, string>;
    expect(Object.keys(mods).sort()).toEqual([...everyModule].sort());
    const kws = JSON.parse(docCommand([], { list: true, json: true, type: 'keyword' })) as Record<string, string>;
    expect(Object.keys(kws)).toContain('become');
  });

  it('prints keywords as ansible-doc -t keyword --json does', () => {
    expect(JSON.parse(docCommand(['become_user'], { type: 'keyword', json: true }))).toEqual({
      become_user: { applies_to: ['Play', 'Role', 'Block', 'Task'], description: expect.any(String), type: 'string' },
    });
  });
});

describe('tsrun doc -t keyword', () => {
  it('documents a keyword as ansible-doc prints it (YAML)', () => {
    const text = docCommand(['become'], { type: 'keyword' });
    expect(YAML.parse(text)).toEqual({ become: { applies_to: ['Play', 'Role', 'Block', 'Task'], description: expect.stringMatching(/sudo/), type: 'bool' } });
  });

  it('lists every keyword', () => {
    const list = docCommand([], { type: 'keyword' });
    for (const k of keywords) expect(list).toMatch(new RegExp(`^${k.name}\\s+${escape(k.description)}$`, 'm'));
  });

  it('suggests the nearest keyword and refuses unknown types', () => {
    expect(() => docCommand(['becom'], { type: 'keyword' })).toThrow(/no keyword named "becom" \(did you mean "become"\?\)/);
    expect(() => docCommand(['copy'], { type: 'lookup' })).toThrow(/unknown type "lookup"/);
  });

  it('documents exactly the keywords the loader accepts on plays and on tasks and blocks', () => {
    // the lists as the loader held them before the declarations moved beside their documentation
    expect([...keywordsAt('Block', 'Task')].sort()).toEqual([
      'always', 'any_errors_fatal', 'args', 'become', 'become_method', 'become_user', 'block', 'changed_when', 'check_mode',
      'delay', 'delegate_to', 'diff', 'environment', 'failed_when', 'ignore_errors', 'listen', 'loop', 'loop_control', 'name',
      'no_log', 'notify', 'register', 'rescue', 'retries', 'run_once', 'tags', 'timeout', 'until', 'vars', 'when', 'with_items', 'with_list',
    ]);
    expect([...keywordsAt('Play')].sort()).toEqual([
      'any_errors_fatal', 'become', 'become_user', 'check_mode', 'connection', 'diff', 'environment', 'gather_facts', 'handlers',
      'hosts', 'ignore_errors', 'import_playbook', 'max_fail_percentage', 'name', 'no_log', 'post_tasks', 'pre_tasks',
      'remote_user', 'roles', 'serial', 'shard_groups', 'strategy', 'tags', 'tasks', 'vars', 'vars_files', 'when',
    ]);
  });
});

describe('generated references', () => {
  it('docs/modules.md is up to date (regenerate: npx tsx src/cli/module-docs.ts)', () => {
    expect(readFileSync(new URL('../../../docs/modules.md', import.meta.url), 'utf8')).toBe(moduleReference());
  });

  it('docs/keywords.md is up to date (regenerate: npx tsx src/cli/module-docs.ts)', () => {
    expect(readFileSync(new URL('../../../docs/keywords.md', import.meta.url), 'utf8')).toBe(keywordReference());
  });
});
