import { dirname, isAbsolute, resolve } from 'node:path';
import { TsrunError, type SourceLocation } from '../core/errors';
import { didYouMean } from '../modules/args';
import { itemLocation, keyLocation, loadYaml, locateItems, locateLike, locationOf, valueLocation } from '../yaml/load';
import { checkKeywordTypes, checkNotify, checkTemplates } from './checks';
import { roleHandlers, roleRef, RoleLoader, roleSearchPath } from './roles';
import { keywordsAt } from './keywords';
import { parseTasks } from './tasks';
import type { Play, TaskDef, TaskKeywords } from './types';
import { checkLiteralVarsFiles, varsFileEntries } from './vars-files';

/** Play keywords: declared once, with their documentation, in keywords.ts. */
const PLAY_KEYS = keywordsAt('Play');

/** Playbooks being loaded, outermost first, to name an import_playbook cycle. */
const loading: string[] = [];

/** Loads a playbook file into plays; `import_playbook` entries are expanded in place. */
export function loadPlaybook(file: string, from?: SourceLocation): Play[] {
  const path = resolve(file);
  if (loading.includes(path)) {
    throw new TsrunError('SCHEMA', `import cycle: ${[...loading.slice(loading.indexOf(path)), path].join(' -> ')}`, { location: from, expected: 'playbooks that do not import themselves' });
  }
  loading.push(path);
  try {
    return loadPlays(path, from);
  } finally {
    loading.pop();
  }
}

function loadPlays(path: string, from?: SourceLocation): Play[] {
  const data = loadYaml(path, from);
  if (!Array.isArray(data)) {
    throw new TsrunError('SCHEMA', 'a playbook must be a YAML list of plays', { location: locationOf(data) ?? { file: path, line: 1, col: 1 }, expected: '- hosts: all\n  tasks: [...]' });
  }
  return data.flatMap((raw, i) => {
    const loc = locationOf(raw) ?? itemLocation(data, i) ?? { file: path, line: 1, col: 1 };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new TsrunError('SCHEMA', 'a play must be a mapping', { location: loc, expected: 'hosts: PATTERN' });
    const map = raw as Record<string, unknown>;
    if ('import_playbook' in map) {
      const target = String(map.import_playbook);
      return loadPlaybook(isAbsolute(target) ? target : resolve(dirname(path), target), keyLocation(map, 'import_playbook'));
    }
    return [loadPlay(map, dirname(path), loc)];
  });
}

/** Loads one play from its mapping (a playbook's entry, or one built by `tsrun adhoc`). */
export function loadPlay(map: Record<string, unknown>, dir: string, loc: SourceLocation): Play {
  for (const key of Object.keys(map)) {
    if (!PLAY_KEYS.has(key)) {
      throw new TsrunError('SCHEMA', `unknown play keyword "${key}"${didYouMean(key, PLAY_KEYS)}`, { location: keyLocation(map, key), expected: `one of ${[...PLAY_KEYS].join(', ')}` });
    }
  }
  if (typeof map.hosts !== 'string' && !Array.isArray(map.hosts)) {
    throw new TsrunError('SCHEMA', 'a play needs "hosts"', { location: loc, expected: 'hosts: all (or a group, host or pattern)' });
  }
  checkKeywordTypes(map, typeof map.name === 'string' ? map.name : undefined);
  for (const key of ['vars', 'hosts', 'vars_files', 'environment']) checkTemplates(map[key], valueLocation(map, key), undefined, key);
  const hosts = Array.isArray(map.hosts) ? map.hosts.join(':') : map.hosts;
  const varsFiles = varsFileEntries(map, loc);
  checkLiteralVarsFiles(varsFiles, dir);
  const roles = new RoleLoader(roleSearchPath(dir));
  const scope = { dir };
  const vars = { ...((map.vars as Record<string, unknown>) ?? {}) };
  locateLike(vars, [map.vars]);
  if (typeof map.connection === 'string') vars.ansible_connection = map.connection;
  if (typeof map.remote_user === 'string') vars.ansible_user = map.remote_user;

  const roleBlocks: TaskDef[] = [];
  for (const [i, ref] of ((map.roles as unknown[]) ?? []).entries()) {
    const rloc = itemLocation(map.roles, i) ?? keyLocation(map, 'roles') ?? loc;
    const { name, params, keywords } = roleRef(ref, rloc);
    const use = roles.use(name, params, dir, rloc);
    use.keywords = keywordsOf(keywords);
    roleBlocks.push(block(`role ${name}`, roles.tasks(use, 'main', rloc), use.keywords, rloc, scope));
  }
  const section = (key: string) => parseTasks(map[key], scope, roles, keyLocation(map, key) ?? loc);
  const playKw = keywordsOf(map);
  const sections = [section('pre_tasks'), [...roleBlocks, ...section('tasks')], section('post_tasks')].map((tasks) => [block('play', tasks, playKw, loc, scope)]);
  const playHandlers = section('handlers');
  const handlers = [...roleHandlers(roles.uses), ...playHandlers];
  checkNotify([...sections.flat(), ...handlers], handlers);
  return {
    name: typeof map.name === 'string' ? map.name : hosts,
    hosts,
    vars,
    varsFiles,
    gatherFacts: map.gather_facts === undefined ? true : map.gather_facts !== false,
    serial: map.serial,
    maxFailPercentage: typeof map.max_fail_percentage === 'number' ? map.max_fail_percentage : undefined,
    anyErrorsFatal: map.any_errors_fatal === true,
    shardGroups: shardGroups(map, loc),
    sections,
    keywords: playKw,
    handlers,
    roles: roles.uses,
    loc,
    source: map,
    dir,
  };
}

/** `shard_groups`: inventory groups whose hosts stay in one shard under `--shard` (a list of names). */
function shardGroups(map: Record<string, unknown>, loc: SourceLocation): string[] {
  const v = map.shard_groups;
  if (v === undefined || v === null) return [];
  const list = [v].flat();
  if (!list.every((g) => typeof g === 'string' && g !== '')) {
    throw new TsrunError('SCHEMA', 'shard_groups must be a list of inventory group names', { location: keyLocation(map, 'shard_groups') ?? loc, expected: 'shard_groups: [etcd]' });
  }
  return list as string[];
}

function keywordsOf(map: Record<string, unknown>): TaskKeywords {
  const list = (v: unknown) => (v === undefined || v === null ? undefined : [v].flat());
  const when = Array.isArray(map.when) ? map.when : list(map.when);
  if (when && !Array.isArray(map.when)) locateItems(when, [valueLocation(map, 'when')]);
  return {
    tags: list(map.tags)?.map(String),
    when,
    become: map.become,
    become_user: map.become_user,
    environment: map.environment,
    check_mode: map.check_mode,
    no_log: map.no_log,
    ignore_errors: map.ignore_errors,
    diff: map.diff,
    any_errors_fatal: map.any_errors_fatal,
  };
}

function block(name: string, tasks: TaskDef[], kw: TaskKeywords, loc: SourceLocation, scope: { dir: string }): TaskDef {
  return { kind: 'block', name, action: 'block', args: {}, kw, loc, scope, block: tasks, rescue: [], always: [] };
}
