import type { TaskKeywords } from '../playbook/types';
import { exactItemLocation, locateItems, locateLike } from '../yaml/load';

/** Keywords that blocks, roles and plays pass down to the tasks inside them. */
export interface Inherited {
  when: unknown[];
  tags: string[];
  vars: Record<string, unknown>;
  become?: unknown;
  become_user?: unknown;
  environment?: unknown;
  check_mode?: unknown;
  no_log?: unknown;
  ignore_errors?: unknown;
  diff?: unknown;
  any_errors_fatal?: unknown;
}

/** The empty inheritance at the top of a play. */
export const ROOT: Inherited = { when: [], tags: [], vars: {} };

/** What a task or block sees: its parents' keywords, overridden by its own. */
export function inherit(parent: Inherited, kw: TaskKeywords, withWhen = true): Inherited {
  const pick = <K extends keyof Inherited & keyof TaskKeywords>(k: K) => (kw[k] !== undefined ? kw[k] : parent[k]);
  return {
    when: withWhen && kw.when ? joinConditions(parent.when, kw.when) : parent.when,
    tags: kw.tags ? [...new Set([...parent.tags, ...kw.tags])] : parent.tags,
    vars: kw.vars ? located({ ...parent.vars, ...kw.vars }, [kw.vars, parent.vars]) : parent.vars,
    become: pick('become'),
    become_user: pick('become_user'),
    environment: kw.environment !== undefined ? mergeEnv(parent.environment, kw.environment) : parent.environment,
    check_mode: pick('check_mode'),
    no_log: pick('no_log'),
    ignore_errors: pick('ignore_errors'),
    diff: pick('diff'),
    any_errors_fatal: pick('any_errors_fatal'),
  };
}

/** The parents' conditions and the task's own, each still located where it is written. */
function located<T extends object>(merged: T, sources: unknown[]): T {
  locateLike(merged, sources);
  return merged;
}

export function joinConditions(parent: unknown[], own: unknown[]): unknown[] {
  const out = [...parent, ...own];
  locateItems(out, [...parent.map((_, i) => exactItemLocation(parent, i)), ...own.map((_, i) => exactItemLocation(own, i))]);
  return out;
}

function mergeEnv(parent: unknown, own: unknown): unknown {
  if (parent && typeof parent === 'object' && own && typeof own === 'object') return { ...parent, ...own };
  return own;
}

/** Whether a task with these tags runs under --tags/--skip-tags, as Ansible decides it. */
export function selectedByTags(taskTags: string[], only: string[], skip: string[]): boolean {
  const tags = new Set(taskTags);
  if (skip.some((t) => tags.has(t) || (t === 'tagged' && tags.size > 0) || (t === 'untagged' && tags.size === 0))) return false;
  if (tags.has('always') && !skip.includes('always')) return true;
  const wanted = only.length ? only : ['all'];
  if (tags.has('never') && !wanted.some((t) => tags.has(t) && t !== 'never')) return false;
  return wanted.some(
    (t) => t === 'all' || tags.has(t) || (t === 'tagged' && tags.size > 0) || (t === 'untagged' && tags.size === 0),
  );
}
