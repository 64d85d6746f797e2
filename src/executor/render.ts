import type { SourceLocation } from '../core/errors';
import { evaluate as evalExpr, isTrue } from '../expr/index';
import type { TaskDef } from '../playbook/types';
import { renderDeep } from '../template/index';
import { exactItemLocation, exactValueLocation } from '../yaml/load';

/** Where a template or expression is used, for error messages. */
export interface Where {
  task?: string;
  location?: SourceLocation;
}

/**
 * Renders the templates inside a value, once. Variables that hold templates themselves (`a: "{{ b }}"`) are
 * rendered when read (see lazyVars), so a result is never rendered again: Handlebars escapes (`\{{ x }}`) and text
 * that merely looks like a template (a registered command's output) survive as they are.
 */
export function expand(value: unknown, vars: Record<string, unknown>, where: Where): unknown {
  return hasTemplate(value) ? renderDeep(value, vars, where) : value;
}

/** Whether a value holds a template anywhere inside it. */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasTemplate(k) || hasTemplate(v));
  return false;
}

/**
 * Whether a condition (`when`, `changed_when`...: a string, a boolean or a list of them, all of which must hold)
 * holds. Each condition of a list is located where it is written, for errors.
 */
export function holds(cond: unknown, vars: Record<string, unknown>, where: Where): boolean {
  if (!Array.isArray(cond)) return isTrue(cond, vars, where);
  return cond.every((c, i) => isTrue(c, vars, { ...where, location: exactItemLocation(cond, i) ?? where.location }));
}

/** Where a task's keyword is written (its value's line and column), for errors in rendering it. */
export function whereOf(task: TaskDef, key: string): Where {
  return { task: task.name, location: exactValueLocation(task.source, key) ?? task.loc };
}

/** Evaluates one expression (debug's `var`, assert's `that`). */
export function evaluate(expr: string, vars: Record<string, unknown>, where: Where): unknown {
  return evalExpr(expr, vars, where);
}

/** A boolean-ish keyword value (`become: yes`, `ignore_errors: "{{ x }}"`). */
export function truthy(value: unknown, vars: Record<string, unknown>, where: Where): boolean {
  const v = expand(value, vars, where);
  if (typeof v === 'string') return ['yes', 'true', 'on', '1', 'y'].includes(v.toLowerCase());
  return Boolean(v);
}
