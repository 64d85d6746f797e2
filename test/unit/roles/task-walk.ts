import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Node, walkNodes } from '../../../src/expr/ast';
import { GLOBALS, parseExpression, unknownNames } from '../../../src/expr/evaluate';
import { parseJinja } from '../../../src/expr/parser';
import { parseTemplate } from '../../../src/template/jinja';
import { hasStatements } from '../../../src/template/render';
import { segment } from '../../../src/template/segments';
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

// Handlebars helpers, block keywords and literals: never variables.
const HELPERS = new Set([
  'default', 'join', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'b64encode', 'indent', 'lower', 'upper',
  'trim', 'replace', 'split', 'first', 'last', 'length', 'unique', 'sort', 'keys', 'values', 'map_attr', 'eq', 'ne',
  'lt', 'gt', 'and', 'or', 'not', 'contains', 'bool', 'int', 'string', 'ternary', 'concat', 'merge', 'range',
  'mandatory', 'defined', 'lookup', 'quote', 'list', 'in', 'dirname', 'regex_search', 'regex_replace', 'if', 'else',
  'unless', 'each', 'with', 'this', 'true', 'false', 'null',
]);

type Stmts = ReturnType<typeof parseTemplate>;

/** The variables a Jinja expression reads (not its functions, not the names bound around it). */
function nodeNames(node: Node, bound: ReadonlySet<string>): string[] {
  const names: string[] = [];
  walkNodes(node, (n) => {
    if (n.k === 'name' && !bound.has(n.name) && !GLOBALS.has(n.name)) names.push(n.name);
  });
  return names;
}

/** The variables a Jinja statement template reads: `for` targets, `loop` and `set` names are its own. */
function statementNames(stmts: Stmts, outer: ReadonlySet<string>): string[] {
  const bound = new Set(outer);
  const names: string[] = [];
  for (const st of stmts) {
    if (st.k === 'out') names.push(...nodeNames(st.expr, bound));
    else if (st.k === 'set') { names.push(...nodeNames(st.expr, bound)); st.names.forEach((n) => bound.add(n)); }
    else if (st.k === 'if') {
      for (const b of st.branches) names.push(...nodeNames(b.cond, bound), ...statementNames(b.body, bound));
      names.push(...statementNames(st.otherwise, bound));
    } else if (st.k === 'for') {
      const inner = new Set([...bound, ...st.names, 'loop']);
      names.push(...nodeNames(st.iter, bound), ...(st.filter ? nodeNames(st.filter, inner) : []));
      names.push(...statementNames(st.body, inner), ...statementNames(st.otherwise, bound));
    }
  }
  return names;
}

/**
 * Root variable names in a string with moustaches, read with the runner's own rule: a Jinja statement template
 * as a whole; otherwise each `{{ }}` that parses as a Jinja expression by its tree, and the rest (Handlebars blocks
 * and helper calls) by their words, leaving out helpers, literals and @data.
 */
export function templateNames(text: string): string[] {
  if (hasStatements(text)) return statementNames(parseTemplate(text), new Set());
  const names: string[] = [];
  for (const seg of segment(text, false, true)) {
    if (seg.kind !== 'expr' || seg.escaped) continue;
    let node: Node | undefined;
    try {
      if (!/^[#/^!>&{~]/.test(seg.body) && !/^\s*else(\s|$)/.test(seg.body)) node = parseJinja(seg.body);
    } catch {
      node = undefined;
    }
    if (node && !unknownNames(node)) {
      names.push(...nodeNames(node, new Set(['this'])));
      continue;
    }
    const body = seg.body.replace(/'[^']*'|"[^"]*"/g, ' ').replace(/^[#/^]/, '').trim();
    for (const t of body.matchAll(/(^|[^.\w@/])([A-Za-z_]\w*)/g)) {
      if (!HELPERS.has(t[2])) names.push(t[2]);
    }
  }
  return names;
}

/** Root variable names in a brace-less expression (when, that, changed_when...). */
export function expressionNames(expr: string): string[] {
  return nodeNames(parseExpression(expr), new Set());
}

/** The text of every template of a role. */
export function roleTemplates(role: string): { file: string; text: string }[] {
  const dir = join(ROOT, 'roles', role, 'templates');
  if (!existsSync(dir)) return [];
  return walk(dir).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
