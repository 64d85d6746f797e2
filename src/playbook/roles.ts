import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TsrunError, type SourceLocation } from '../core/errors';
import { PACKAGE_ROOT } from '../core/paths';
import { didYouMean } from '../modules/args';
import type { ArgDef, ArgSpec, ArgType } from '../modules/types';
import { keyLocation, loadYaml, locateLike, locationOf } from '../yaml/load';
import { loadTaskFile, parseTasks } from './tasks';
import type { Role, RoleUse, TaskDef } from './types';

/** The roles shipped inside the tsrun package, so `roles: [proxy-env]` works in any playbook. */
export const SHIPPED_ROLES = join(PACKAGE_ROOT, 'roles');

/** Role search path: `roles/` beside the playbook, the playbook's folder, TSRUN_ROLES_PATH (colon list), then the shipped roles. */
export function roleSearchPath(playbookDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = (env.TSRUN_ROLES_PATH ?? env.ANSIBLE_ROLES_PATH ?? '').split(':').filter(Boolean);
  return [join(playbookDir, 'roles'), playbookDir, ...configured, SHIPPED_ROLES];
}

/** Loads roles for one play, once each, and remembers every use (for handlers, defaults and argument checks). */
export class RoleLoader {
  private readonly cache = new Map<string, Role>();
  /** Roles whose tasks are being loaded, outermost first: a dependency among them is a cycle. */
  private readonly chain: string[] = [];
  /** Every role use in the play, dependencies first. */
  readonly uses: RoleUse[] = [];

  constructor(private readonly searchPath: string[]) {}

  /** Finds and loads a role by name (or path) and records its use with parameters. */
  use(name: string, params: Record<string, unknown>, fromDir: string, loc: SourceLocation): RoleUse {
    const role = this.load(name, fromDir, loc);
    const use: RoleUse = { role, params, loc };
    this.uses.push(use);
    return use;
  }

  /** The tasks of a role use: its dependencies' tasks first (for the main entry point), then its own. */
  tasks(use: RoleUse, tasksFrom: string, loc: SourceLocation): TaskDef[] {
    const file = ['.yml', '.yaml', ''].map((ext) => join(use.role.path, 'tasks', tasksFrom + ext)).find(existsSync);
    if (!file && tasksFrom !== 'main') {
      throw new TsrunError('NOT_FOUND', `role "${use.role.name}" has no tasks file "${tasksFrom}"`, { location: loc, expected: `${use.role.path}/tasks/${tasksFrom}.yml` });
    }
    if (this.chain.includes(use.role.path)) {
      const names = [...this.chain.slice(this.chain.indexOf(use.role.path)), use.role.path].map((p) => p.split('/').pop()).join(' -> ');
      throw new TsrunError('SCHEMA', `role dependency cycle: ${names} (see each role's meta/main.yml)`, { location: loc, expected: 'role dependencies that do not lead back to the role' });
    }
    this.chain.push(use.role.path);
    try {
      const deps = tasksFrom === 'main' ? this.dependencies(use.role, loc) : [];
      const own = file ? loadTaskFile(file, { roleUse: use }, this, loc) : [];
      return [...deps, ...own];
    } finally {
      this.chain.pop();
    }
  }

  private dependencies(role: Role, loc: SourceLocation): TaskDef[] {
    const metaFile = join(role.path, 'meta', 'main.yml');
    if (!existsSync(metaFile)) return [];
    const meta = loadYaml(metaFile) as { dependencies?: unknown[] } | null;
    const out: TaskDef[] = [];
    for (const dep of meta?.dependencies ?? []) {
      const { name, params } = roleRef(dep, locationOf(meta?.dependencies) ?? loc);
      const use = this.use(name, params, role.path, locationOf(dep) ?? loc);
      out.push(...this.tasks(use, 'main', loc));
    }
    return out;
  }

  private load(name: string, fromDir: string, loc: SourceLocation): Role {
    const candidates = name.includes('/') ? [resolve(fromDir, name)] : this.searchPath.map((dir) => join(dir, name));
    const path = candidates.find((p) => existsSync(join(p, 'tasks')) || existsSync(join(p, 'meta')) || existsSync(join(p, 'handlers')));
    if (!path) {
      throw new TsrunError('NOT_FOUND', `role "${name}" not found`, { location: loc, expected: `a folder ${name}/ with tasks/main.yml in one of: ${this.searchPath.join(', ')}` });
    }
    const cached = this.cache.get(path);
    if (cached) return cached;
    const role: Role = {
      name: name.split('/').pop() ?? name,
      path,
      defaults: mapping(join(path, 'defaults', 'main.yml')),
      vars: mapping(join(path, 'vars', 'main.yml')),
      handlers: [],
    };
    this.cache.set(path, role);
    const handlersFile = join(path, 'handlers', 'main.yml');
    if (existsSync(handlersFile)) {
      role.handlers = parseTasks(loadYaml(handlersFile), { dir: dirname(handlersFile), roleUse: { role, params: {} } }, this, { file: handlersFile, line: 1, col: 1 });
    }
    Object.assign(role, argumentSpec(join(path, 'meta', 'argument_specs.yml')));
    return role;
  }
}

/** The handlers of the given role uses, each bound to its use (for the role's files and variables); a role used twice gives its handlers once. */
export function roleHandlers(uses: readonly RoleUse[]): TaskDef[] {
  const seen = new Set<string>();
  return uses.flatMap((u) => {
    if (seen.has(u.role.path)) return [];
    seen.add(u.role.path);
    return u.role.handlers.map((h) => ({ ...h, scope: { ...h.scope, roleUse: u } }));
  });
}

/** Keywords of a role entry (`- role: x` with `become: true`...) that tsrun applies to the role's tasks and handlers. */
const ROLE_KEYWORDS = ['tags', 'when', 'become', 'become_user', 'environment', 'check_mode', 'no_log', 'ignore_errors', 'diff', 'any_errors_fatal'];

/** Reads a role reference: `name`, `{role: name, vars...}` or `{name: x, ...params}`. */
export function roleRef(ref: unknown, loc: SourceLocation): { name: string; params: Record<string, unknown>; keywords: Record<string, unknown> } {
  if (typeof ref === 'string') return { name: ref, params: {}, keywords: {} };
  if (!ref || typeof ref !== 'object') throw new TsrunError('SCHEMA', 'a role must be a name or a mapping with "role"', { location: loc });
  const { role, name, vars, ...rest } = ref as Record<string, unknown>;
  const roleName = role ?? name;
  if (typeof roleName !== 'string') throw new TsrunError('SCHEMA', 'a role entry needs "role: NAME"', { location: locationOf(ref) ?? loc });
  // as Ansible: the play keywords a role entry may carry are keywords; any other key is a role parameter
  const keywords = Object.fromEntries(ROLE_KEYWORDS.filter((k) => k in rest).map((k) => [k, rest[k]]));
  const params = { ...Object.fromEntries(Object.entries(rest).filter(([k]) => !ROLE_KEYWORDS.includes(k))), ...((vars as object) ?? {}) };
  locateLike(params, [vars, ref]);
  return { name: roleName, params, keywords };
}

function mapping(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const data = loadYaml(file);
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
}

const TYPES: Record<string, ArgType> = { str: 'str', int: 'int', float: 'float', bool: 'bool', list: 'list', dict: 'dict', path: 'path', raw: 'raw' };

function argumentSpec(file: string): Pick<Role, 'argSpec' | 'argSpecLocations'> {
  if (!existsSync(file)) return {};
  const data = loadYaml(file) as { argument_specs?: { main?: { options?: Record<string, Record<string, unknown>> } } };
  const options = data?.argument_specs?.main?.options ?? {};
  const spec: ArgSpec = {};
  const locations: Record<string, SourceLocation> = {};
  for (const [name, o] of Object.entries(options)) {
    locations[name] = keyLocation(options, name) ?? { file, line: 1, col: 1 };
    const type = TYPES[String(o.type ?? 'str')];
    if (!type) {
      throw new TsrunError('SCHEMA', `argument spec "${name}" has unknown type "${String(o.type)}"${didYouMean(String(o.type), Object.keys(TYPES))}`, { location: keyLocation(o, 'type') });
    }
    const def: ArgDef = { type, description: [o.description].flat().join(' ') || name, required: o.required === true, choices: o.choices as ArgDef['choices'], noLog: o.no_log === true };
    if (o.elements) def.elements = TYPES[String(o.elements)];
    spec[name] = def;
  }
  return { argSpec: spec, argSpecLocations: locations };
}
