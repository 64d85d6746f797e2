import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../src/expr/evaluate';
import { checkTemplate } from '../../../src/template/index';
import { loadYaml, rel, roleDefaults, ROLES, ROOT, walk, type Vars } from './harness';
import { EXPRESSION_KEYS, expressionNames, roleTasks, roleTemplates, stringsOf, templateNames } from './task-walk';

/** Modules the runner provides (Ansible names). */
const MODULES = new Set([
  'command', 'shell', 'copy', 'template', 'file', 'lineinfile', 'blockinfile', 'apt', 'package', 'service',
  'systemd', 'stat', 'get_url', 'uri', 'wait_for', 'assert', 'fail', 'debug', 'set_fact', 'meta',
  'include_tasks', 'import_tasks', 'include_role',
]);

/** Names the runner itself provides: inventory, facts, loop variables. */
const RUNNER_NAMES = new Set([
  'groups', 'hostvars', 'inventory_hostname', 'item', 'ansible_host', 'ansible_hostname',
  'ansible_distribution_release', 'ansible_check_mode',
]);

const yamlFiles = [...walk(join(ROOT, 'roles')), ...walk(join(ROOT, 'playbooks'))].filter((f) => f.endsWith('.yml'));

describe('shipped YAML', () => {
  it.each(yamlFiles.map((f) => [rel(f), f]))('%s parses as YAML 1.1', (_name, file) => {
    expect(() => loadYaml(file)).not.toThrow();
  });
});

describe.each(ROLES)('role %s', (role) => {
  const dir = join(ROOT, 'roles', role);
  const defaults = roleDefaults(role);
  const specs = loadYaml(join(dir, 'meta/argument_specs.yml')) as {
    argument_specs: { main: { options: Record<string, { type: string; description: string; default?: unknown }> } };
  };
  const options = specs.argument_specs.main.options;
  const tasks = roleTasks(role);
  const prefix = role.replace(/-/g, '_');

  it('has the standard layout and a README', () => {
    for (const f of ['tasks/main.yml', 'handlers/main.yml', 'defaults/main.yml', 'meta/main.yml', 'README.md']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
  });

  it('declares every default in argument_specs with the same default, a type and a description', () => {
    expect(Object.keys(options).sort()).toEqual(Object.keys(defaults).sort());
    for (const [name, opt] of Object.entries(options)) {
      expect(opt.type, name).toBeTruthy();
      expect(opt.description, name).toBeTruthy();
      expect(opt.default, name).toEqual(defaults[name]);
      expect(name.startsWith(`${prefix}_`), `${name} starts with ${prefix}_`).toBe(true);
    }
  });

  it('lists every variable with its default in the README', () => {
    const rows = readFileSync(join(dir, 'README.md'), 'utf8').split('## Variables')[1].split('\n');
    for (const [name, value] of Object.entries(defaults)) {
      const row = rows.find((r) => r.startsWith(`| \`${name}\` `));
      expect(row, `README row for ${name}`).toBeDefined();
      expect(row, name).toContain(`\`${JSON.stringify(value)}\``);
    }
  });

  it('uses only the runner modules, and command/shell only as creates/removes, read-only probes or start-counter resets', () => {
    for (const { task, module } of tasks) {
      expect(MODULES.has(module), `${String(task.name)}: module ${module}`).toBe(true);
      if (module !== 'command' && module !== 'shell') continue;
      const args = { ...(task.args as Vars | undefined) };
      const guarded = 'creates' in args || 'removes' in args;
      const probe = task.changed_when === false && task.check_mode === false;
      // resets only systemd's start-rate counter before a restart (no configuration), and is skipped in check mode
      const counterReset = task.changed_when === false && task.check_mode === undefined && /^systemctl reset-failed [\w.-]+$/.test(String(task[module]));
      expect(guarded || probe || counterReset, `${String(task.name)} is guarded, a probe or a start-counter reset`).toBe(true);
    }
  });

  it('notifies only handlers that exist', () => {
    const handlers = tasks.filter((t) => t.file.includes('/handlers/'));
    const topics = new Set(handlers.flatMap(({ task }) => [task.name, task.listen].filter(Boolean)));
    for (const { task } of tasks) {
      for (const n of [task.notify].flat().filter(Boolean)) expect(topics.has(n), `notify ${String(n)}`).toBe(true);
    }
  });

  it('reads only variables that are declared, registered, set as facts, or given by the runner', () => {
    const known = new Set([...Object.keys(defaults), ...RUNNER_NAMES]);
    for (const { task } of tasks) {
      if (typeof task.register === 'string') known.add(task.register);
      if (task.set_fact) Object.keys(task.set_fact as Vars).forEach((k) => known.add(k));
    }
    const used: { name: string; where: string }[] = [];
    for (const { task } of tasks) {
      const where = String(task.name);
      for (const s of stringsOf(task)) templateNames(s).forEach((name) => used.push({ name, where }));
      for (const key of EXPRESSION_KEYS) {
        for (const e of [task[key]].flat()) {
          if (typeof e === 'string') expressionNames(e).forEach((name) => used.push({ name, where }));
        }
      }
      const that = (task.assert as { that?: string[] } | undefined)?.that ?? [];
      for (const e of that) expressionNames(e).forEach((name) => used.push({ name, where }));
    }
    for (const { file, text } of roleTemplates(role)) {
      templateNames(text).forEach((name) => used.push({ name, where: rel(file) }));
    }
    const unknown = used.filter((u) => !known.has(u.name)).map((u) => `${u.name} (${u.where})`);
    expect(unknown).toEqual([]);
    expect(used.length).toBeGreaterThan(5);
  });

  it('writes every string and template as a valid template, and expressions without braces', () => {
    const texts = [...tasks.flatMap(({ task }) => stringsOf(task)), ...roleTemplates(role).map((t) => t.text)];
    for (const text of texts) expect(() => checkTemplate(text), text.slice(0, 80)).not.toThrow();
    for (const { task } of tasks) {
      const that = (task.assert as { that?: string[] } | undefined)?.that ?? [];
      for (const e of [...EXPRESSION_KEYS.flatMap((k) => [task[k]].flat()), ...that]) {
        if (typeof e !== 'string') continue;
        expect(e, String(task.name)).not.toMatch(/\{\{/);
        expect(() => parseExpression(e), e).not.toThrow();
      }
    }
  });

  it('renders only templates that exist', () => {
    for (const { task, module } of tasks) {
      if (module !== 'template') continue;
      const src = String((task.template as Vars).src);
      const expanded = src.includes('nginx_lb_mode') ? ['l4', 'l7'].map((m) => src.replace(/\{\{.*\}\}/, m)) : [src];
      for (const s of expanded) expect(existsSync(join(dir, 'templates', s)), s).toBe(true);
    }
  });
});

describe('cross-role contract', () => {
  it('registry-mirror sets the docker role\'s docker_daemon_config_registry', () => {
    const set = roleTasks('registry-mirror').find(({ task }) => task.set_fact && 'docker_daemon_config_registry' in (task.set_fact as Vars));
    expect(set).toBeDefined();
    expect(roleDefaults('docker')).toHaveProperty('docker_daemon_config_registry');
  });

  it('the playbooks read only lab variables, play variables and role variables', () => {
    const known = new Set([...RUNNER_NAMES, 'lab_proxy', 'lab_registry', 'lab_rancher_fqdn', ...ROLES.flatMap((r) => Object.keys(roleDefaults(r)))]);
    for (const file of walk(join(ROOT, 'playbooks'))) {
      for (const play of loadYaml(file) as Vars[]) {
        Object.keys((play.vars as Vars | undefined) ?? {}).forEach((k) => known.add(k));
        for (const s of stringsOf(play)) {
          expect(() => checkTemplate(s), s).not.toThrow();
          for (const name of templateNames(s)) expect(known.has(name), `${rel(file)}: ${name}`).toBe(true);
        }
      }
    }
  });

  it('the playbooks use only shipped roles', () => {
    for (const file of walk(join(ROOT, 'playbooks'))) {
      for (const play of loadYaml(file) as { roles?: (string | { role: string })[] }[]) {
        for (const r of play.roles ?? []) {
          const name = typeof r === 'string' ? r : r.role;
          expect(ROLES as readonly string[], `${rel(file)}: ${name}`).toContain(name);
        }
      }
    }
  });
});
