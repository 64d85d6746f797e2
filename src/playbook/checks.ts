import { TsrunError, type SourceLocation } from '../core/errors';
import { parseExpression } from '../expr/index';
import { checkArgGroups, validateArgs } from '../modules/args';
import { registry } from '../modules/index';
import type { ArgSpec } from '../modules/types';
import { checkTemplate } from '../template/index';
import { itemLocation, keyLocation, valueLocation } from '../yaml/load';
import type { TaskDef } from './types';

/**
 * What can be known about a task before any host is touched, checked when the playbook loads (exit 4):
 * keyword types, expression and template syntax (unknown filters and tests too), and module arguments
 * wherever they are literal.
 */

const BOOLEAN_WORDS = new Set(['yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n', '1', '0']);
const BOOLEAN_KEYWORDS = ['ignore_errors', 'become', 'check_mode', 'diff', 'no_log', 'run_once', 'any_errors_fatal', 'gather_facts', 'ignore_unreachable'];
const INTEGER_KEYWORDS = ['retries', 'delay', 'timeout'];
const MAPPING_KEYWORDS = ['vars', 'loop_control', 'environment'];
const CONDITIONS = ['when', 'changed_when', 'failed_when', 'until'];

function isTemplate(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

function bad(map: Record<string, unknown>, key: string, message: string, expected: string, task?: string): TsrunError {
  return new TsrunError('SCHEMA', message, { location: valueLocation(map, key), task, expected });
}

/** Types of task, block and play keywords (`retries: "x"`, `ignore_errors: sometimes`, `vars: [a, b]`). */
export function checkKeywordTypes(map: Record<string, unknown>, task?: string): void {
  for (const key of BOOLEAN_KEYWORDS) {
    const v = map[key];
    if (v === undefined || typeof v === 'boolean' || v === 0 || v === 1 || isTemplate(v)) continue;
    if (typeof v === 'string' && BOOLEAN_WORDS.has(v.toLowerCase())) continue;
    throw bad(map, key, `"${key}" must be a boolean, got ${JSON.stringify(v)}`, `${key}: true (or yes/no, or a "{{ expression }}")`, task);
  }
  for (const key of INTEGER_KEYWORDS) {
    const v = map[key];
    if (v === undefined || (typeof v === 'number' && Number.isInteger(v)) || isTemplate(v)) continue;
    if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) continue;
    throw bad(map, key, `"${key}" must be an integer, got ${JSON.stringify(v)}`, `${key}: 3 (or a "{{ expression }}")`, task);
  }
  for (const key of MAPPING_KEYWORDS) {
    const v = map[key];
    if (v === undefined || v === null || isTemplate(v)) continue;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw bad(map, key, `"${key}" must be a mapping, got ${Array.isArray(v) ? 'a list' : JSON.stringify(v)}`, `${key}: {name: value}`, task);
    }
  }
  const loop = map.loop;
  if (loop !== undefined && loop !== null && !Array.isArray(loop) && !isTemplate(loop)) {
    // as ansible-core: a literal that is not a list is refused (a string is not split into items)
    throw bad(map, 'loop', `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(loop)}`, 'loop: [a, b] or loop: "{{ a_list }}"', task);
  }
  const serial = map.serial;
  if (serial !== undefined) {
    const ok = (s: unknown) => (typeof s === 'number' && Number.isInteger(s) && s >= 0) || (typeof s === 'string' && (/^\s*\d+%?\s*$/.test(s) || isTemplate(s)));
    if (!(Array.isArray(serial) ? serial.length > 0 && serial.every(ok) : ok(serial))) {
      throw bad(map, 'serial', `"serial" must be a number, a percentage or a list of them, got ${JSON.stringify(serial)}`, 'serial: 2, serial: "30%" or serial: [1, "50%"]', task);
    }
  }
}

/** Conditions parse as expressions, with known filters and tests, located at the condition itself. */
export function checkConditions(map: Record<string, unknown>, task?: string): void {
  for (const key of CONDITIONS) {
    const v = map[key];
    if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'number') continue;
    const items = Array.isArray(v) ? v : [v];
    items.forEach((c, i) => {
      if (typeof c !== 'string') return;
      const location = Array.isArray(v) ? itemLocation(v, i) : valueLocation(map, key);
      parseExpression(c, { task, location, what: key });
    });
  }
}

/** Every string with `{{ }}` or `{% %}` inside a value compiles: syntax, filters and tests. */
export function checkTemplates(value: unknown, location: SourceLocation | undefined, task?: string, what?: string): void {
  if (typeof value === 'string') { checkTemplate(value, { task, location, what }); return; }
  if (Array.isArray(value)) { value.forEach((v, i) => checkTemplates(v, itemLocation(value, i) ?? location, task, what)); return; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkTemplates(v, valueLocation(value, k) ?? location, task, what ? `${what}.${k}` : k);
  }
}

/**
 * A module's arguments as far as they are literal: types, choices, required and unknown arguments, conflicts.
 * An argument holding a template is only known to be present.
 */
export function checkModuleArgs(task: TaskDef): void {
  const mod = registry.get(task.action);
  if (!mod || mod.anyArgs || task.kind !== 'task') return;
  const spec: ArgSpec = {};
  for (const [name, def] of Object.entries(mod.args)) spec[name] = def;
  const templated = Object.entries(task.args).filter(([, v]) => containsTemplate(v)).map(([k]) => k);
  for (const key of templated) {
    const entry = Object.entries(mod.args).find(([n, d]) => n === key || d.aliases?.includes(key));
    if (entry) spec[entry[0]] = { ...entry[1], type: 'raw', choices: undefined, elements: undefined };
  }
  const where = {
    module: mod.name, task: task.name, location: task.argsLoc ?? task.loc,
    locate: (key: string) => (task.argsSource ? keyLocation(task.argsSource, key) : undefined),
  };
  // conflicts and required groups as declared by the module, on the canonical names (aliases resolved)
  checkArgGroups(mod, validateArgs(spec, task.args, where), where);
}

function containsTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplate(v);
  if (Array.isArray(v)) return v.some(containsTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(containsTemplate);
  return false;
}

/** Handler names a task notifies that no handler's name or `listen` answers, before the play runs. */
export function checkNotify(tasks: TaskDef[], handlers: TaskDef[]): void {
  const known = new Set(handlers.flatMap((h) => [h.name, ...(h.kw.listen ?? [])]));
  const walk = (list: TaskDef[]) => {
    for (const t of list) {
      for (const n of t.kw.notify ?? []) {
        if (isTemplate(n) || known.has(n)) continue;
        throw new TsrunError('SCHEMA', `task notifies "${n}", but no handler has that name or listens to it`, {
          location: t.loc, task: t.name, expected: known.size ? `one of ${[...known].map((k) => `"${k}"`).join(', ')}` : 'a handlers: section with a handler of that name',
        });
      }
      walk([...(t.block ?? []), ...(t.rescue ?? []), ...(t.always ?? [])]);
    }
  };
  walk(tasks);
}
