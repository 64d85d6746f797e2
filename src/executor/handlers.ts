import { hostTaskVars } from './lazy';
import type { PlayContext } from './context';
import type { HostRun } from './host';
import { expand } from './render';
import { inherit, ROOT } from './scope';
import { runTask } from './run-tasks';


/**
 * Runs notified handlers, in the order they are defined, each once, on the hosts that notified it
 * (by name or `listen`). A handler may notify handlers defined after it.
 */
export async function flushHandlers(pc: PlayContext, hosts: HostRun[]): Promise<void> {
  for (const handler of pc.pv.play.handlers) {
    const names = new Set<string>(handler.kw.listen ?? []);
    const host0 = hosts[0];
    if (!host0) return;
    const rendered = String(expand(handler.name, hostTaskVars(pc.pv, host0, handler.scope.roleUse, {}), {}));
    names.add(rendered);
    if (handler.scope.roleUse) names.add(`${handler.scope.roleUse.role.name} : ${rendered}`);
    const targets = hosts.filter((h) => h.active && [...names].some((n) => h.notified.has(n)));
    if (targets.length === 0) continue;
    for (const h of targets) for (const n of names) h.notified.delete(n);
    await runTask(pc, handler, targets, inherit(ROOT, { ...handler.kw, when: undefined }, false), true);
  }
}
