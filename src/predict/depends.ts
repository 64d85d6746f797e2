import type { TaskDef } from '../playbook/types';
import type { HostModel } from './model';

/** Why a task cannot be predicted because of what it reads: a variable registered by an unknown task, or an unknown notification. */
export function unknownInput(model: HostModel, task: TaskDef, inheritedWhen: readonly unknown[], handler: boolean): string | undefined {
  if (handler) {
    for (const name of [task.name, ...(task.kw.listen ?? [])]) {
      const why = model.unknownNotified.get(name);
      if (why) return `notified by a task whose outcome is unknown (${why})`;
    }
  }
  if (model.unknownVars.size === 0) return undefined;
  const text = JSON.stringify([task.args, task.kw.when, task.kw.loop, task.kw.changed_when, task.kw.failed_when, task.kw.until, inheritedWhen]);
  for (const [name, why] of model.unknownVars) {
    if (new RegExp(`(^|[^A-Za-z0-9_.])${name.replace(/[^A-Za-z0-9_]/g, '')}\\b`).test(text)) return `uses "${name}", whose value is unknown in check mode (${why})`;
  }
  return undefined;
}

/** Records an unknown task: its registered variable and the handlers it notifies are unknown too. */
export function recordUnknown(model: HostModel, facts: Record<string, unknown>, task: TaskDef, reason: string, notified: string[]): void {
  model.unknownTasks++;
  if (task.kw.register) {
    model.unknownVars.set(task.kw.register, `task "${task.name}": ${reason}`);
    facts[task.kw.register] = { changed: false, unknown: true, msg: reason };
  }
  for (const n of notified) model.unknownNotified.set(n, `task "${task.name}"`);
}
