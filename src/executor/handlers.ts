import { hostTaskVars } from './lazy';
import type { PlayContext } from './context';
import type { HostRun } from './host';
import { expand } from './render';
import { inherit, ROOT } from './scope';
import { runTask } from './run-tasks';
import type { TaskDef } from '../playbook/types';

/**
 * Runs notified handlers, in the order they are defined, each once, on the hosts that notified it
 * (by name or `listen`). Every handler listening to a notified topic runs, as in Ansible; a host's notification
 * is consumed by the last handler that answers it. A handler may notify handlers defined after it.
 * Handlers take the play's keywords (become, become_user, environment...), as Ansible applies them to handlers too,
 * and a role's handlers the keywords of the role's entry in the play (its `when` included; tags never select handlers).
 */
export async function flushHandlers(pc: PlayContext, hosts: HostRun[]): Promise<void> {
  const host0 = hosts[0];
  if (!host0) return;
  const handlers = [...pc.pv.play.handlers];
  const names = handlers.map((h) => namesOf(pc, h, host0));
  const play = inherit(ROOT, { ...pc.pv.play.keywords, when: undefined }, false);
  for (const [i, handler] of handlers.entries()) {
    const targets = hosts.filter((h) => h.active && [...names[i]].some((n) => h.notified.has(n)));
    if (targets.length === 0) continue;
    const answeredLater = (n: string) => names.slice(i + 1).some((later) => later.has(n));
    for (const h of targets) for (const n of names[i]) if (!answeredLater(n)) h.notified.delete(n);
    const entry = handler.scope.roleUse?.keywords;
    const parent = entry ? inherit(play, entry) : play;
    await runTask(pc, handler, targets, inherit(parent, { ...handler.kw, when: undefined }, false), true);
  }
}

/** The names a handler answers to: its rendered name, `ROLE : name` for a role's handler, and its `listen` topics. */
function namesOf(pc: PlayContext, handler: TaskDef, host0: HostRun): Set<string> {
  const names = new Set<string>(handler.kw.listen ?? []);
  const rendered = String(expand(handler.name, hostTaskVars(pc.pv, host0, handler.scope.roleUse, {}), {}));
  names.add(rendered);
  if (handler.scope.roleUse) names.add(`${handler.scope.roleUse.role.name} : ${rendered}`);
  return names;
}
