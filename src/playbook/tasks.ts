import { dirname, isAbsolute, resolve } from 'node:path';
import { TsrunError, type SourceLocation } from '../core/errors';
import { didYouMean } from '../modules/args';
import { registry } from '../modules/index';
import { specialActionNames } from './actions';
import { keywordsAt } from './keywords';
import { keyLocation, loadYaml, locateItems, locateLike, locateValues, locationOf, valueLocation } from '../yaml/load';
import { checkConditions, checkKeywordTypes, checkModuleArgs, checkTemplates } from './checks';
import { parseKv } from './kv';
import type { RoleLoader } from './roles';
import type { TaskDef, TaskKeywords, TaskScope } from './types';

/** Task and block keywords: declared once, with their documentation, in keywords.ts. */
const KEYWORDS = keywordsAt('Block', 'Task');
const CONDITION_KEYS = ['when', 'changed_when', 'failed_when', 'until'];
const INCLUDES = new Set(['include_tasks', 'import_tasks', 'include_role', 'import_role']);
const PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

/** Loads a task list (a YAML sequence of task mappings) into TaskDefs; imports are expanded here. */
export function parseTasks(list: unknown, scope: TaskScope, roles: RoleLoader, where: SourceLocation): TaskDef[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new TsrunError('SCHEMA', 'a task list must be a YAML list of tasks', { location: locationOf(list) ?? where, expected: 'a list such as "- name: ...\\n  copy: ..."' });
  return list.map((raw) => parseTask(raw, scope, roles, locationOf(list) ?? where));
}

/** The task files being loaded, outermost first: an import that is already among them is a cycle. */
const loading: string[] = [];

/** Loads a tasks file (include_tasks/import_tasks/role tasks). */
export function loadTaskFile(file: string, scope: Omit<TaskScope, 'dir'>, roles: RoleLoader, from?: SourceLocation): TaskDef[] {
  const path = resolve(file);
  if (loading.includes(path)) {
    const chain = [...loading.slice(loading.indexOf(path)), path].join(' -> ');
    throw new TsrunError('SCHEMA', `import cycle: ${chain}`, { location: from, expected: 'task files that do not import themselves, directly or through others' });
  }
  loading.push(path);
  try {
    const data = loadYaml(file, from);
    return parseTasks(data ?? [], { ...scope, dir: dirname(file) }, roles, { file, line: 1, col: 1 });
  } finally {
    loading.pop();
  }
}

function parseTask(raw: unknown, scope: TaskScope, roles: RoleLoader, parentLoc: SourceLocation): TaskDef {
  const loc = locationOf(raw) ?? parentLoc;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TsrunError('SCHEMA', 'a task must be a mapping', { location: loc, expected: 'a mapping with a module key, e.g. "copy: {dest: /x, content: y}"' });
  }
  const map = raw as Record<string, unknown>;
  const named = typeof map.name === 'string' ? map.name : undefined;
  checkKeywordTypes(map, named);
  checkConditions(map, named);
  for (const [k, v] of Object.entries(map)) if (!['block', 'rescue', 'always', ...CONDITION_KEYS].includes(k)) checkTemplates(v, valueLocation(map, k), named, k);
  const kw = keywords(map);
  if ('block' in map) {
    const others = Object.keys(map).filter((k) => !KEYWORDS.has(k));
    if (others.length) throw unknownKey(others[0], map, named);
    return {
      kind: 'block', name: named ?? 'block', action: 'block', args: {}, kw, loc, scope,
      block: parseTasks(map.block, scope, roles, loc),
      rescue: parseTasks(map.rescue, scope, roles, loc),
      always: parseTasks(map.always, scope, roles, loc),
    };
  }
  const candidates = Object.keys(map).filter((k) => !KEYWORDS.has(k));
  if (candidates.length === 0) {
    throw new TsrunError('SCHEMA', `task${named ? ` "${named}"` : ''} has no module`, { location: loc, task: named, expected: `one module key such as ${[...registry.keys()].slice(0, 6).join(', ')}` });
  }
  const known = candidates.map((k) => [k, normalise(k)] as const);
  const unknown = known.find(([, n]) => !registry.has(n) && !specialActionNames.has(n));
  if (unknown) throw unknownKey(unknown[0], map, named);
  if (known.length > 1) {
    throw new TsrunError('SCHEMA', `task has more than one module: ${candidates.join(', ')}`, { location: keyLocation(map, candidates[1]), task: named, expected: 'exactly one module per task' });
  }
  const [key, action] = known[0];
  const offsets = new Map<string, number>();
  const args = moduleArgs(action, map[key], map.args, keyLocation(map, key) ?? loc, named, offsets);
  if (typeof map[key] === 'object' || map.args) locateLike(args, [map[key], map.args]);
  else locateValues(args, valueLocation(map, key), String(map[key] ?? ''), offsets);
  const name = named ?? (action === 'meta' ? `meta: ${String(args.free_form ?? '')}` : action);
  if (action === 'import_tasks') return importTasks(args, kw, scope, roles, loc, name);
  if (action === 'import_role') return importRole(args, kw, scope, roles, loc, name);
  const kind = action === 'include_tasks' || action === 'include_role' ? action : 'task';
  const source = map[key] && typeof map[key] === 'object' ? (map[key] as object) : undefined;
  const task: TaskDef = { kind, name, action, args, kw, loc, argsLoc: keyLocation(map, key), argsSource: source, source: map, scope };
  checkModuleArgs(task);
  return task;
}

function normalise(key: string): string {
  const prefix = PREFIXES.find((p) => key.startsWith(p));
  return prefix ? key.slice(prefix.length) : key;
}

function unknownKey(key: string, map: Record<string, unknown>, task?: string): TsrunError {
  const all = [...KEYWORDS, ...registry.keys(), ...specialActionNames];
  return new TsrunError('SCHEMA', `unknown module or keyword "${key}"${didYouMean(key, all)}`, {
    location: keyLocation(map, key), task, expected: 'a module name (see `tsrun doc`) or a task keyword',
  });
}

function moduleArgs(action: string, value: unknown, extra: unknown, loc: SourceLocation, task?: string, offsets?: Map<string, number>): Record<string, unknown> {
  let args: Record<string, unknown>;
  if (typeof value === 'string' || typeof value === 'number') {
    const mod = registry.get(action);
    const freeForm = mod?.freeForm ?? (INCLUDES.has(action) ? 'file' : action === 'meta' ? 'free_form' : undefined);
    const known = new Set(Object.keys(mod?.args ?? {}));
    args = parseKv(String(value), freeForm, known, offsets);
    if (action.endsWith('_role') && args.file !== undefined) args = { ...args, name: args.file, file: undefined };
  } else if (value === null || value === undefined) {
    args = {};
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    args = { ...(value as Record<string, unknown>) };
  } else {
    throw new TsrunError('SCHEMA', `the arguments of "${action}" must be a mapping or a k=v string`, { location: loc, task, expected: `${action}: {key: value, ...}` });
  }
  if (extra && typeof extra === 'object') args = { ...(extra as Record<string, unknown>), ...args };
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

function keywords(map: Record<string, unknown>): TaskKeywords {
  const list = (v: unknown): unknown[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  const when = list(map.when);
  if (when && !Array.isArray(map.when)) locateItems(when, [valueLocation(map, 'when')]);
  const strings = (k: string): string[] | undefined => {
    const v = list(map[k]);
    if (v === undefined) return undefined;
    const flat = v.flatMap((x) => (typeof x === 'string' ? x.split(',').map((s) => s.trim()) : [String(x)]));
    return flat.filter(Boolean);
  };
  return {
    when,
    loop: map.loop ?? map.with_items ?? map.with_list,
    loop_control: map.loop_control as TaskKeywords['loop_control'],
    register: map.register as string | undefined,
    notify: list(map.notify)?.map(String),
    listen: list(map.listen)?.map(String),
    changed_when: map.changed_when,
    failed_when: map.failed_when,
    ignore_errors: map.ignore_errors,
    tags: strings('tags'),
    become: map.become,
    become_user: map.become_user,
    vars: map.vars as Record<string, unknown> | undefined,
    environment: map.environment,
    check_mode: map.check_mode,
    diff: map.diff,
    no_log: map.no_log,
    until: map.until,
    retries: map.retries,
    delay: map.delay,
    run_once: map.run_once,
    delegate_to: map.delegate_to,
    timeout: map.timeout,
    any_errors_fatal: map.any_errors_fatal,
  };
}

function importTasks(args: Record<string, unknown>, kw: TaskKeywords, scope: TaskScope, roles: RoleLoader, loc: SourceLocation, name: string): TaskDef {
  const file = String(args.file ?? args._raw_params ?? '');
  if (!file) throw new TsrunError('SCHEMA', 'import_tasks needs a file name', { location: loc, task: name });
  const path = isAbsolute(file) ? file : resolve(scope.roleUse ? `${scope.roleUse.role.path}/tasks` : scope.dir, file);
  const block = loadTaskFile(path, { roleUse: scope.roleUse }, roles, loc);
  return { kind: 'block', name, action: 'block', args: {}, kw, loc, scope, block, rescue: [], always: [] };
}

function importRole(args: Record<string, unknown>, kw: TaskKeywords, scope: TaskScope, roles: RoleLoader, loc: SourceLocation, name: string): TaskDef {
  const roleName = String(args.name ?? '');
  const use = roles.use(roleName, (args.vars as Record<string, unknown>) ?? {}, scope.dir, loc);
  const block = roles.tasks(use, typeof args.tasks_from === 'string' ? args.tasks_from : 'main', loc);
  return { kind: 'block', name, action: 'block', args: {}, kw, loc, scope, block, rescue: [], always: [] };
}
