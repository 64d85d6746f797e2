import { isAbsolute, join } from 'node:path';
import { existsSync } from 'node:fs';
import { formatError, TsrunError } from '../core/errors';
import { UnreachableError, type Become } from '../connection/types';
import { LocalConnection } from '../connection/local';
import { checkArgGroups, validateArgs } from '../modules/args';
import { registry } from '../modules/index';
import type { ModuleContext, ModuleResult } from '../modules/types';
import type { TaskDef } from '../playbook/types';
import { keyLocation } from '../yaml/load';
import type { PlayContext } from './context';
import type { HostResult, HostStatus } from './events';
import type { HostRun } from './host';
import { evaluate, expand, holds, truthy, whereOf, type Where } from './render';
import type { Inherited } from './scope';
import { extend, hostTaskVars } from './lazy';
import { renderText } from '../template/index';
import { OMIT } from './vars';
import { recordUnknown, unknownInput } from '../predict/depends';
import { Unpredictable } from '../predict/unknown';
import { registerArgSecrets, registerTaskSecrets, secretsOf } from './secrets';

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Runs one task on one host: when, loop, until, the module, changed_when/failed_when, register, notify. */
export async function runTaskOnHost(pc: PlayContext, task: TaskDef, host: HostRun, inh: Inherited): Promise<HostResult> {
  const started = performance.now();
  const where: Where = { task: task.name, location: task.loc };
  const base = hostTaskVars(pc.pv, host, task.scope.roleUse, inh.vars, where);
  const done = (status: HostStatus, result: Record<string, unknown>, extra: Partial<HostResult> = {}): HostResult => ({
    host: host.name, status, result, durationMs: performance.now() - started, ...extra,
  });
  // as Ansible: a task that `when` skips still registers its (skipped) result
  const skipped = (): HostResult => {
    const result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
    if (task.kw.register) host.hostFacts[task.kw.register] = result;
    return done('skipped', result);
  };
  let noLog = false;
  // --check: a task that reads what an unknown task left is unknown too (the notified host is told, so its handlers say why)
  const unknown = (reason: string): HostResult => {
    const notify = (task.kw.notify ?? []).map((n) => String(expand(n, base, whereOf(task, 'notify'))));
    recordUnknown(host.model, host.hostFacts, task, reason, notify);
    for (const n of notify) host.notified.add(n);
    return done('unknown', { changed: false, unknown: true, msg: reason }, { msg: reason });
  };
  // As Ansible: no_log is templated only when the task runs, so a skipped task may name variables that its
  // condition guards (until then an untemplated no_log censors, as a non-empty string is true).
  let noLogError: unknown;
  const mustRun = () => {
    if (noLogError === undefined) return;
    noLog = false;
    throw noLogError;
  };
  try {
    const unknownWhy = pc.opts.check ? unknownInput(host.model, task, inh.when, pc.pv.play.handlers.includes(task)) : undefined;
    if (unknownWhy) return unknown(unknownWhy);
    registerTaskSecrets(pc, task, base, where);
    try {
      noLog = inh.no_log !== undefined && truthy(inh.no_log, base, whereOf(task, 'no_log'));
    } catch (err) {
      noLog = true;
      noLogError = err;
    }
    if (task.kw.loop === undefined) {
      if (inh.when.length && !holds(inh.when, base, where)) return skipped();
      mustRun();
      const out = await runOnce(pc, task, host, inh, base, where, noLog);
      return finish(pc, task, host, inh, base, where, done, out, noLog);
    }
    let items: unknown;
    try {
      items = expand(task.kw.loop, base, whereOf(task, loopKey(task)));
    } catch (err) {
      // As Ansible: an undefined variable in the loop is raised only after the conditional, so a task that `when`
      // skips (e.g. imported under a false condition) may loop over variables that only exist when it runs.
      if (err instanceof TsrunError && err.code === 'UNDEFINED' && inh.when.length && whenIsFalse(inh.when, base, where)) {
        return skipped();
      }
      throw err;
    }
    if (!Array.isArray(items)) {
      throw new TsrunError('SCHEMA', `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}`, {
        location: whereOf(task, loopKey(task)).location, task: task.name, expected: 'loop: [a, b] or loop: "{{ a_list }}"',
      });
    }
    if (items.length === 0) {
      // as Ansible: a loop over nothing is skipped, and so registered
      return finish(pc, task, host, inh, base, where, done, { result: { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] }, items: [] }, noLog, true);
    }
    const loopVar = task.kw.loop_control?.loop_var ?? 'item';
    const results: Record<string, unknown>[] = [];
    const lines: NonNullable<HostResult['items']> = [];
    for (const [index, item] of items.entries()) {
      // rebuilt per item: a set_fact in an earlier item is visible to the next
      const vars = extend(hostTaskVars(pc.pv, host, task.scope.roleUse, inh.vars, where), {
        [loopVar]: item, ansible_loop_var: loopVar, ...(task.kw.loop_control?.index_var ? { [task.kw.loop_control.index_var]: index } : {}),
      });
      const label = String(task.kw.loop_control?.label !== undefined ? expand(task.kw.loop_control.label, vars, whereOf(task, 'loop_control')) : typeof item === 'string' ? item : JSON.stringify(item));
      if (inh.when.length && !holds(inh.when, vars, where)) {
        results.push({ changed: false, skipped: true, [loopVar]: item });
        lines.push({ label, status: 'skipped' });
        continue;
      }
      mustRun();
      const out = await runOnce(pc, task, host, inh, vars, where, noLog);
      if (out.unreachable) return done('unreachable', out.result, { msg: out.msg });
      results.push({ ...out.result, [loopVar]: item });
      lines.push({ label, status: statusOf(out), msg: out.msg, debug: out.debug });
      if (out.diff) out.result.__diff = out.diff;
    }
    const failed = results.some((r) => r.failed === true);
    const aggregate: Outcome = {
      result: {
        changed: results.some((r) => r.changed === true),
        failed,
        skipped: results.length > 0 && results.every((r) => r.skipped === true),
        msg: failed ? 'One or more items failed' : 'All items completed',
        results: results.map(({ __diff: _, ...r }) => r),
      },
      diff: results.flatMap((r) => (r.__diff as ModuleResult['diff']) ?? []),
      items: lines,
    };
    return finish(pc, task, host, inh, base, where, done, aggregate, noLog, true);
  } catch (err) {
    if (err instanceof Unpredictable) return unknown(err.message);
    if (err instanceof UnreachableError) return done('unreachable', { unreachable: true, msg: err.message }, { msg: err.message });
    const msg = err instanceof TsrunError ? formatError(err) : err instanceof Error ? err.message : String(err);
    const result = { failed: true, msg: noLog ? CENSORED : msg };
    if (task.kw.register) host.hostFacts[task.kw.register] = result;
    // ignore_errors covers every failure of the task's own action, a module's thrown error included, as in Ansible
    return done('failed', result, { msg: result.msg, ignored: ignores(inh, base, where) });
  }
}

/** Whether the task's failure is ignored; an ignore_errors that cannot be rendered ignores nothing. */
function ignores(inh: Inherited, vars: Record<string, unknown>, where: Where): boolean {
  if (inh.ignore_errors === undefined) return false;
  try {
    return truthy(inh.ignore_errors, vars, where);
  } catch {
    return false;
  }
}

/** True when the conditions are false without a loop item; false when they hold or need the item to be evaluated. */
function whenIsFalse(when: Inherited['when'], vars: Record<string, unknown>, where: Where): boolean {
  try {
    return !holds(when, vars, where);
  } catch {
    return false;
  }
}

interface Outcome {
  result: Record<string, unknown>;
  msg?: string;
  diff?: ModuleResult['diff'];
  items?: HostResult['items'];
  unreachable?: boolean;
  debug?: unknown;
}

function statusOf(out: Outcome): HostStatus {
  if (out.result.failed) return 'failed';
  if (out.result.skipped) return 'skipped';
  return out.result.changed ? 'changed' : 'ok';
}

/** register, notify, ignore_errors and no_log, once per task (after the loop, if any). */
function finish(
  pc: PlayContext, task: TaskDef, host: HostRun, inh: Inherited, vars: Record<string, unknown>, where: Where,
  done: (s: HostStatus, r: Record<string, unknown>, e?: Partial<HostResult>) => HostResult, out: Outcome, noLog: boolean, looped = false,
): HostResult {
  const result = noLog ? { changed: out.result.changed, failed: out.result.failed, censored: CENSORED } : out.result;
  if (task.kw.register) host.hostFacts[task.kw.register] = noLog ? out.result : result;
  if (looped && out.result.failed && !noLog) out.msg = 'One or more items failed';
  const status = statusOf(out);
  if (status === 'changed' && task.kw.notify) {
    for (const n of task.kw.notify) host.notified.add(String(expand(n, vars, whereOf(task, 'notify'))));
  }
  const ignored = status === 'failed' && ignores(inh, vars, where);
  const showDiff = !noLog && (inh.diff === undefined ? pc.opts.diff : truthy(inh.diff, vars, where));
  return done(status, result, {
    ignored,
    msg: noLog ? (status === 'failed' ? CENSORED : undefined) : (out.msg ?? (out.result.msg as string | undefined)),
    diff: showDiff ? out.diff : undefined,
    items: noLog ? undefined : out.items,
    // as Ansible, a no_log debug prints the censored notice instead of its message
    debug: noLog ? (out.debug !== undefined ? CENSORED : undefined) : out.debug,
  });
}

/** One module call (one loop item), with until/retries and changed_when/failed_when. */
async function runOnce(pc: PlayContext, task: TaskDef, host: HostRun, inh: Inherited, vars: Record<string, unknown>, where: Where, noLog: boolean): Promise<Outcome> {
  const mod = registry.get(task.action);
  if (!mod) throw new TsrunError('SCHEMA', `unknown module "${task.action}"`, { location: task.loc, task: task.name });
  const check = inh.check_mode === undefined ? pc.opts.check : truthy(inh.check_mode, vars, whereOf(task, 'check_mode'));
  const become: Become | undefined = inh.become !== undefined && truthy(inh.become, vars, whereOf(task, 'become'))
    ? { enabled: true, user: inh.become_user !== undefined ? String(expand(inh.become_user, vars, whereOf(task, 'become_user'))) : undefined, password: (vars.ansible_become_password ?? vars.ansible_become_pass ?? pc.opts.connection.becomePassword) as string | undefined }
    : undefined;
  const environment = inh.environment !== undefined ? stringMap(expand(inh.environment, vars, whereOf(task, 'environment'))) : undefined;
  const timeout = task.kw.timeout !== undefined ? Number(expand(task.kw.timeout, vars, whereOf(task, 'timeout'))) : undefined;
  const raw = expand(task.args, vars, { task: task.name, location: task.argsLoc ?? task.loc }) as Record<string, unknown>;
  // before validation, so that even an error about these arguments shows them masked
  registerArgSecrets(secretsOf(pc), mod.anyArgs ? undefined : mod.args, dropOmitted(raw), noLog);
  secretsOf(pc).add(become?.password);
  const argsWhere = { module: mod.name, task: task.name, location: task.argsLoc ?? task.loc, locate: (key: string) => (task.argsSource ? keyLocation(task.argsSource, key) : undefined) };
  const args = mod.anyArgs ? dropOmitted(raw) : validateArgs(mod.args, dropOmitted(raw), argsWhere);
  if (!mod.anyArgs) checkArgGroups(mod, args, argsWhere);
  // -vv: the arguments as the module gets them (secrets are masked by the output; a no_log task shows none)
  if (pc.opts.verbosity >= 2) {
    const shown = noLog ? 'hidden (no_log: true)' : JSON.stringify(args);
    pc.opts.reporter.event({ type: 'log', level: 2, host: host.name, text: `${mod.name} args: ${shown}${become ? `, become ${become.user ?? 'root'}` : ''}${check ? ', check mode' : ''}` });
  }

  const delegate = task.kw.delegate_to !== undefined ? String(expand(task.kw.delegate_to, vars, whereOf(task, 'delegate_to'))) : undefined;
  const conn = mod.controllerOnly ? new LocalConnection('localhost')
    : delegate === 'localhost' || delegate === '127.0.0.1' ? new LocalConnection(delegate)
      : delegate ? pc.conns.get(delegate, pc.hosts.get(delegate)?.visibleVars() ?? { ansible_host: delegate })
        : pc.conns.get(host.name, vars);

  const model = check && pc.opts.check ? host.model : undefined;
  if (model) model.task = task.name;
  const ctx: ModuleContext = {
    conn, check, diff: true, become, environment, vars, model,
    observe: pc.opts.observe && ((key, value) => pc.opts.observe!(host.name, key, value)),
    timeoutMs: timeout ? timeout * 1000 : undefined,
    findFile: (kind, name) => findFile(task, kind, name, pc.pv.play.dir),
    // a template file renders with its own name and lines in errors, and its syntax chosen by its extension
    render: (source, file) => (file ? renderText(source, file, vars, where) : String(expand(source, vars, where))),
    evaluate: (expr) => evaluate(expr, vars, where),
  };
  const retries = task.kw.until !== undefined ? Number(expand(task.kw.retries ?? 3, vars, whereOf(task, 'retries'))) : 0;
  const delay = Number(expand(task.kw.delay ?? 5, vars, whereOf(task, 'delay')));
  let out: Outcome;
  for (let attempt = 0; ; attempt++) {
    const r = await mod.run(ctx, args as never);
    if (r.data?.ansible_facts && typeof r.data.ansible_facts === 'object') Object.assign(host.hostFacts, r.data.ansible_facts);
    const result: Record<string, unknown> = { changed: r.changed, failed: r.failed ?? false, ...(r.skipped ? { skipped: true } : {}), ...(r.msg !== undefined ? { msg: r.msg } : {}), ...r.data };
    const local = extend(vars, task.kw.register ? { [task.kw.register]: result } : result);
    if (task.kw.changed_when !== undefined) result.changed = holds(task.kw.changed_when, local, whereOf(task, 'changed_when'));
    if (task.kw.failed_when !== undefined) result.failed = holds(task.kw.failed_when, local, whereOf(task, 'failed_when'));
    out = { result, msg: r.msg, diff: r.diff, debug: r.data?.debug_output };
    if (task.kw.until === undefined) break;
    result.attempts = attempt + 1;
    if (holds(task.kw.until, local, whereOf(task, 'until'))) break;
    if (attempt >= retries) {
      // As Ansible: a condition never met fails the task, whatever the last attempt's own status was; after
      // 1 + retries runs, ansible-core 2.14 reports `attempts: retries`, and so do we
      result.failed = true;
      result.attempts = retries;
      if (result.msg === undefined) out.msg = 'the "until" condition was not met after the retries';
      break;
    }
    await new Promise((res) => setTimeout(res, delay * 1000));
  }
  if (mod.controllerOnly || delegate === 'localhost') await conn.close();
  return out;
}

/** The key the task's loop is written under (`loop`, or the older `with_items`/`with_list`). */
function loopKey(task: TaskDef): string {
  return ['loop', 'with_items', 'with_list'].find((k) => task.source && k in task.source) ?? 'loop';
}

function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args ?? {}).filter(([, v]) => v !== OMIT));
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
}

/** Looks a file up as Ansible does: the role's files/ or templates/, then beside the task file, then the playbook's. */
function findFile(task: TaskDef, kind: 'files' | 'templates', name: string, playDir: string): string {
  if (isAbsolute(name)) return name;
  const role = task.scope.roleUse?.role.path;
  const candidates = [
    ...(role ? [join(role, kind, name), join(role, name)] : []),
    join(task.scope.dir, kind, name), join(task.scope.dir, name), join(playDir, kind, name), join(playDir, name),
  ];
  const hit = candidates.find(existsSync);
  if (!hit) throw new TsrunError('NOT_FOUND', `could not find "${name}"`, { location: task.loc, task: task.name, expected: `one of ${candidates.join(', ')}` });
  return hit;
}
