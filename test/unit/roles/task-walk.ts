import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml, ROOT, walk } from './harness';

/** A task as written in a role, with the file it came from. */
export interface RoleTask {
  file: string;
  task: Record<string, unknown>;
  module: string;
}

/** Task keywords the roles use; any other key of a task is its module. */
export const KEYWORDS = new Set([
  'name', 'when', 'register', 'loop', 'loop_control', 'notify', 'listen', 'changed_when', 'failed_when', 'check_mode', 'no_log',
  'diff', 'become', 'tags', 'run_once', 'delegate_to', 'until', 'retries', 'delay', 'args', 'environment',
  'ignore_errors', 'vars', 'block', 'rescue', 'always', 'loop_control',
]);

/** Keys of a task whose values are expressions without braces. */
export const EXPRESSION_KEYS = ['when', 'changed_when', 'failed_when', 'until'] as const;

/** The module of a task: its one key that is not a keyword. */
export function moduleOf(task: Record<string, unknown>): string {
  const keys = Object.keys(task).filter((k) => !KEYWORDS.has(k));
  if (keys.length !== 1) throw new Error(`task "${String(task.name)}" has modules ${JSON.stringify(keys)}`);
  return keys[0];
}

/** Every task of a role's tasks/ and handlers/ files, blocks flattened, imports followed by file listing. */
export function roleTasks(role: string): RoleTask[] {
  const dir = join(ROOT, 'roles', role);
  const files = ['tasks', 'handlers']
    .map((sub) => join(dir, sub))
    .filter((d) => existsSync(d))
    .flatMap((d) => walk(d))
    .filter((f) => f.endsWith('.yml'));
  const out: RoleTask[] = [];
  const visit = (file: string, tasks: Record<string, unknown>[]) => {
    for (const task of tasks) {
      for (const section of ['block', 'rescue', 'always']) {
        if (Array.isArray(task[section])) visit(file, task[section] as Record<string, unknown>[]);
      }
      if (!task.block) out.push({ file, task, module: moduleOf(task) });
    }
  };
  for (const file of files) visit(file, (loadYaml(file) ?? []) as Record<string, unknown>[]);
  return out;
}

/** Every string inside a value, recursively. */
export function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

// Helpers, block keywords and literals: never variables.
const HELPERS = new Set([
  'default', 'join', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'b64encode', 'indent', 'lower', 'upper',
  'trim', 'replace', 'split', 'first', 'last', 'length', 'unique', 'sort', 'keys', 'values', 'map_attr', 'eq', 'ne',
  'lt', 'gt', 'and', 'or', 'not', 'contains', 'bool', 'int', 'string', 'ternary', 'concat', 'merge', 'range',
  'mandatory', 'defined', 'lookup', 'quote', 'list', 'in', 'dirname', 'regex_search', 'regex_replace', 'if', 'else',
  'unless', 'each', 'with', 'this', 'true', 'false', 'null',
]);
const EXPRESSION_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'defined', 'changed', 'true', 'false', 'none']);

/** Root variable names in a string with moustaches ({{ ... }}), leaving out helpers, literals and @data. */
export function templateNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\{\{([^{}]*)\}\}/g)) {
    const body = m[1].replace(/'[^']*'|"[^"]*"/g, ' ').replace(/^[#/^]/, '').trim();
    for (const t of body.matchAll(/(^|[^.\w@/])([A-Za-z_]\w*)/g)) {
      if (!HELPERS.has(t[2])) names.push(t[2]);
    }
  }
  return names;
}

/** Root variable names in a brace-less expression (when, that, changed_when...). */
export function expressionNames(expr: string): string[] {
  const body = expr.replace(/'[^']*'|"[^"]*"/g, ' ');
  return [...body.matchAll(/(^|[^.\w])([A-Za-z_]\w*)/g)].map((t) => t[2]).filter((n) => !EXPRESSION_WORDS.has(n));
}

/** The text of every template of a role. */
export function roleTemplates(role: string): { file: string; text: string }[] {
  const dir = join(ROOT, 'roles', role, 'templates');
  if (!existsSync(dir)) return [];
  return walk(dir).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
