import { hostTaskVars } from './lazy';
import pLimit from 'p-limit';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TsrunError } from '../core/errors';
import { loadTaskFile } from '../playbook/tasks';
import { roleHandlers, RoleLoader, roleSearchPath } from '../playbook/roles';
import type { TaskDef } from '../playbook/types';
import type { PlayContext } from './context';
import { tally, type HostResult } from './events';
import type { HostRun } from './host';
import { expand, holds, truthy, whereOf } from './render';
import { inherit, joinConditions, selectedByTags, type Inherited } from './scope';
import { runTaskOnHost } from './task';
import { registerTaskSecrets } from './secrets';

import { flushHandlers } from './handlers';

/** Runs a task list on hosts, task by task (Ansible's linear strategy): every host finishes a task before the next. */
export async function runTasks(pc: PlayContext, tasks: TaskDef[], hosts: HostRun[], parent: Inherited): Promise<void> {
  for (const task of tasks) {
    if (pc.opts.abort?.aborted) return;
    const active = hosts.filter((h) => h.active);
    if (active.length === 0) return;
    if (task.kind === 'block') {
      await runBlock(pc, task, active, inherit(parent, task.kw));
    } else if (task.action === 'meta') {
      await runMeta(pc, task, active, inherit(parent, task.kw));
    } else if (task.kind === 'include_tasks' || task.kind === 'include_role') {
      await runInclude(pc, task, active, parent);
    } else {
      await runTask(pc, task, active, inherit(parent, task.kw, false));
    }
  }
}

/** Runs one task on hosts in parallel, up to --forks, and reports each result. */
export async function runTask(pc: PlayContext, task: TaskDef, hosts: HostRun[], inh: Inherited, handler = false): Promise<HostResult[]> {
  const tags = inh.tags;
  if (pc.opts.abort?.aborted) return [];
  if (!handler && !selectedByTags(tags, pc.opts.tags, pc.opts.skipTags)) return [];
  const withWhen = { ...inh, when: joinConditions(inh.when, task.kw.when ?? []) };
  const runOnce = task.kw.run_once !== undefined && truthy(task.kw.run_once, hostTaskVars(pc.pv, hosts[0], task.scope.roleUse, inh.vars), { task: task.name });
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  // a title may show a secret variable: register the task's secrets before it is printed
  registerTaskSecrets(pc, task, hostTaskVars(pc.pv, hosts[0], task.scope.roleUse, inh.vars), { task: task.name, location: task.loc });
  const title = displayName(pc, task, hosts[0], inh);
  if (!handler && pc.opts.gate && !(await pc.opts.gate({ name: title }))) return [];
  const taskStarted = performance.now();
  const role = task.scope.roleUse?.role;
  pc.opts.reporter.event({ type: 'task_start', name: title, hosts: targets.map((h) => h.name), handler, location: `${task.loc.file}:${task.loc.line}`, action: task.action, role: role?.name });
  // -vv: where the task and its role are, as Ansible's "task path:"
  if (pc.opts.verbosity >= 2) {
    pc.opts.reporter.event({ type: 'log', level: 2, text: `task path: ${task.loc.file}:${task.loc.line}` });
    if (role) pc.opts.reporter.event({ type: 'log', level: 2, text: `role path: ${role.path} (role ${role.name})` });
  }
  const limit = pLimit(pc.opts.forks);
  // each result is told as its host finishes, so the live view knows which hosts are still running; hosts still
  // waiting for a fork when an interrupt comes are not started
  const started = await Promise.all(targets.map((h) => limit(async () => {
    if (pc.opts.abort?.aborted) return undefined;
    const r = await runTaskOnHost(pc, task, h, withWhen);
    count(pc.hosts.get(r.host)!, r);
    if (r.status === 'failed' && !r.ignored) h.lastFailure = { task: { name: title, action: task.action, args: task.args }, result: r.result };
    pc.opts.reporter.event({ type: 'host_result', task: title, result: r });
    return r;
  })));
  const results = started.filter((r): r is HostResult => r !== undefined);
  if (runOnce && task.kw.register) {
    // run_once: every host sees the one result
    for (const h of hosts) h.hostFacts[task.kw.register] = hosts[0].hostFacts[task.kw.register];
  }
  pc.opts.reporter.event({ type: 'task_end', name: title, durationMs: performance.now() - taskStarted });
  stopOnFailures(pc, hosts, results, inh);
  return results;
}

/** any_errors_fatal and max_fail_percentage: failures on some hosts end the play for all of them. */
function stopOnFailures(pc: PlayContext, hosts: HostRun[], results: HostResult[], inh: Inherited): void {
  const failed = results.filter((r) => (r.status === 'failed' && !r.ignored) || r.status === 'unreachable').length;
  if (failed === 0) return;
  const fatal = inh.any_errors_fatal !== undefined && truthy(inh.any_errors_fatal, {}, {});
  const pct = pc.pv.play.maxFailPercentage;
  if (fatal || (pct !== undefined && (failed / hosts.length) * 100 > pct)) {
    pc.opts.reporter.event({ type: 'warning', message: fatal ? 'any_errors_fatal: ending the play for every host' : `more than ${pct}% of hosts failed: ending the play` });
    for (const h of hosts) h.ended = true;
    pc.aborted = true;
  }
}

function count(host: HostRun, r: HostResult): void {
  tally(host.stats, r);
  if (r.status === 'unreachable') host.unreachable = true;
  else if (r.status === 'failed' && !r.ignored) host.failed = true;
}

function displayName(pc: PlayContext, task: TaskDef, host: HostRun, inh: Inherited): string {
  const role = task.scope.roleUse ? `${task.scope.roleUse.role.name} : ` : '';
  try {
    return role + String(expand(task.name, hostTaskVars(pc.pv, host, task.scope.roleUse, inh.vars), {}));
  } catch {
    return role + task.name;
  }
}

async function runBlock(pc: PlayContext, block: TaskDef, hosts: HostRun[], inh: Inherited): Promise<void> {
  await runTasks(pc, block.block ?? [], hosts, inh);
  const failedHere = hosts.filter((h) => h.failed && !h.unreachable);
  if (block.rescue?.length && failedHere.length) {
    for (const h of failedHere) {
      h.failed = false;
      h.stats.failed--;
      h.stats.rescued++;
      // as in Ansible, the rescue (and every task after it) sees what failed
      if (h.lastFailure) Object.assign(h.hostFacts, { ansible_failed_task: h.lastFailure.task, ansible_failed_result: h.lastFailure.result });
    }
    await runTasks(pc, block.rescue, failedHere, inh);
  }
  if (block.always?.length) {
    const stillFailed = hosts.filter((h) => h.failed && !h.unreachable);
    for (const h of stillFailed) h.failed = false;
    await runTasks(pc, block.always, hosts.filter((h) => !h.unreachable && !h.ended), inh);
    for (const h of stillFailed) h.failed = true;
  }
}

async function runMeta(pc: PlayContext, task: TaskDef, hosts: HostRun[], inh: Inherited): Promise<void> {
  const action = String(task.args.free_form ?? task.args._raw_params ?? '');
  const applies = hosts.filter((h) => !inh.when.length || holds(inh.when, hostTaskVars(pc.pv, h, task.scope.roleUse, inh.vars), { task: task.name, location: task.loc }));
  // as Ansible, a meta action that `when` skips is skipped on those hosts, without counting in the recap
  if (['end_play', 'end_host', 'clear_facts'].includes(action) && applies.length < hosts.length) {
    reportOwn(pc, task, hosts, inh, hosts.filter((h) => !applies.includes(h)).map((h) => ({ host: h.name, status: 'skipped', result: SKIPPED, durationMs: 0 })), false);
  }
  switch (action) {
    case 'flush_handlers':
      return flushHandlers(pc, hosts);
    case 'noop':
      return;
    case 'end_play':
      if (applies.length) for (const h of hosts) h.ended = true;
      return;
    case 'end_host':
      for (const h of applies) h.ended = true;
      return;
    case 'clear_facts':
      for (const h of applies) h.facts = {};
      return;
    default:
      throw new TsrunError('SCHEMA', `unknown meta action "${action}"`, { location: task.loc, task: task.name, expected: 'flush_handlers, noop, end_play, end_host or clear_facts' });
  }
}

const SKIPPED = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };

/** Reports results that tsrun decides itself, not a module (an include, a skipped meta), as a task of their own. */
function reportOwn(pc: PlayContext, task: TaskDef, hosts: HostRun[], inh: Inherited, results: HostResult[], counted: boolean): void {
  const title = displayName(pc, task, hosts[0], inh);
  pc.opts.reporter.event({ type: 'task_start', name: title, hosts: hosts.map((h) => h.name), handler: false, location: `${task.loc.file}:${task.loc.line}`, action: task.action, role: task.scope.roleUse?.role.name });
  for (const r of results) {
    if (counted) count(pc.hosts.get(r.host)!, r);
    pc.opts.reporter.event({ type: 'host_result', task: title, result: r });
  }
  pc.opts.reporter.event({ type: 'task_end', name: title, durationMs: 0 });
}

/** include_tasks / include_role: decided per host at run time; hosts that include the same file run it together. */
async function runInclude(pc: PlayContext, task: TaskDef, hosts: HostRun[], parent: Inherited): Promise<void> {
  const inh = inherit(parent, task.kw, false);
  if (!selectedByTags(inh.tags, pc.opts.tags, pc.opts.skipTags)) return;
  // hosts that include the same file with the same arguments (and loop item) run it together, in item order
  const groups = new Map<string, HostRun[]>();
  const loopVar = task.kw.loop_control?.loop_var ?? 'item';
  const indexVar = task.kw.loop_control?.index_var;
  const included = new Set<HostRun>();
  for (const h of hosts) {
    const vars = hostTaskVars(pc.pv, h, task.scope.roleUse, inh.vars);
    const where = { task: task.name, location: task.loc };
    const conditions = joinConditions(inh.when, task.kw.when ?? []);
    const items = task.kw.loop === undefined ? [undefined] : expand(task.kw.loop, vars, whereOf(task, 'loop'));
    if (!Array.isArray(items)) throw new TsrunError('SCHEMA', `"loop" must give a list, got ${typeof items}`, { location: whereOf(task, 'loop').location, task: task.name, expected: 'loop: [a, b] or loop: "{{ a_list }}"' });
    for (const [index, item] of items.entries()) {
      const itemVars = task.kw.loop === undefined ? {} : { [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}) };
      const withItem = { ...vars, ...itemVars };
      if (conditions.length && !holds(conditions, withItem, where)) continue;
      const args = expand(task.args, withItem, where) as Record<string, unknown>;
      const key = JSON.stringify({ args, itemVars });
      groups.set(key, [...(groups.get(key) ?? []), h]);
      included.add(h);
    }
  }
  // as Ansible, the include is a task of its own: ok on each host that includes (once for a loop), skipped on the others
  reportOwn(pc, task, hosts, inh, hosts.map((h): HostResult => (included.has(h)
    ? { host: h.name, status: 'ok', result: { changed: false }, durationMs: 0 }
    : { host: h.name, status: 'skipped', result: SKIPPED, durationMs: 0 })), true);
  for (const [key, group] of groups) {
    const { args, itemVars } = JSON.parse(key) as { args: Record<string, unknown>; itemVars: Record<string, unknown> };
    const roles = new RoleLoader(roleSearchPath(pc.pv.play.dir));
    let tasks: TaskDef[];
    if (task.kind === 'include_tasks') {
      const file = String(args.file ?? args._raw_params ?? '');
      const base = task.scope.roleUse ? `${task.scope.roleUse.role.path}/tasks` : task.scope.dir;
      tasks = loadTaskFile(isAbsolute(file) ? file : resolve(base, file), { roleUse: task.scope.roleUse }, roles, task.loc);
    } else {
      const use = roles.use(String(args.name), (args.vars as Record<string, unknown>) ?? {}, dirname(task.loc.file), task.loc);
      tasks = roles.tasks(use, typeof args.tasks_from === 'string' ? args.tasks_from : 'main', task.loc);
      // an included role's handlers join the play's, once
      const known = new Set(pc.pv.play.handlers.map((h) => h.scope.roleUse?.role.path));
      pc.pv.play.handlers.push(...roleHandlers(roles.uses.filter((u) => !known.has(u.role.path))));
    }
    // inh already carries the include's own vars; the loop item joins them
    await runTasks(pc, tasks, group, Object.keys(itemVars).length ? { ...inh, vars: { ...inh.vars, ...itemVars } } : inh);
  }
}
