import { closest, distance } from 'fastest-levenshtein';
import { TsrunError, type SourceLocation } from '../core/errors';
import type { ArgDef, ArgSpec, ArgType } from './types';

const TRUE = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSE = new Set(['no', 'false', 'off', '0', 'n']);

/** Suggests the nearest of `known` to `word`, as "did you mean" text, or ''. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const list = [...known];
  if (list.length === 0) return '';
  const best = closest(word, list);
  return best && distance(word, best) <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** Where arguments come from, for error messages. */
export interface ArgsWhere {
  module: string;
  task?: string;
  location?: SourceLocation;
  /** The location of one argument's key, when the arguments came from a YAML mapping. */
  locate?: (key: string) => SourceLocation | undefined;
  /** Where an option is declared (a role's meta/argument_specs.yml), named in the message. */
  declared?: (option: string) => SourceLocation | undefined;
}
type Where = ArgsWhere & { key?: string; option?: string };

function fail(where: Where, message: string, expected?: string): never {
  const location = (where.key !== undefined && where.locate?.(where.key)) || where.location;
  const decl = where.option !== undefined ? where.declared?.(where.option) : undefined;
  const declared = decl ? ` (option "${where.option}" of ${decl.file}:${decl.line}:${decl.col})` : '';
  throw new TsrunError('SCHEMA', `${where.module}: ${message}${declared}`, { location, task: where.task, expected });
}

/** Validates and normalises a module's arguments against its spec: aliases, defaults, types, choices. */
export function validateArgs(spec: ArgSpec, raw: Record<string, unknown>, where: Where): Record<string, unknown> {
  return validateMapping(spec, raw, where, '');
}

/** Each spec's names and aliases, built once per spec: a large playbook checks the same module's spec many times. */
const names = new WeakMap<ArgSpec, Map<string, [string, ArgDef]>>();

function namesOf(spec: ArgSpec): Map<string, [string, ArgDef]> {
  let byName = names.get(spec);
  if (byName) return byName;
  byName = new Map();
  for (const [name, def] of Object.entries(spec)) {
    byName.set(name, [name, def]);
    for (const alias of def.aliases ?? []) byName.set(alias, [name, def]);
  }
  names.set(spec, byName);
  return byName;
}

const entries = new WeakMap<ArgSpec, [string, ArgDef][]>();

function entriesOf(spec: ArgSpec): [string, ArgDef][] {
  let list = entries.get(spec);
  if (!list) entries.set(spec, (list = Object.entries(spec)));
  return list;
}

/** One mapping against a spec; `path` prefixes the names in errors for nested options. */
function validateMapping(spec: ArgSpec, raw: Record<string, unknown>, where: Where, path: string): Record<string, unknown> {
  const byName = namesOf(spec);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const hit = byName.get(key);
    if (!hit) fail({ ...where, key }, `unsupported argument "${path}${key}"${didYouMean(key, byName.keys())}`, `one of: ${Object.keys(spec).join(', ')}`);
    const [name, def] = hit;
    if (value === null || value === undefined) continue;
    out[name] = coerce(value, def.type, def, `${path}${name}`, where, key, name);
  }
  for (const [name, def] of entriesOf(spec)) {
    // a default list or mapping is copied, so that no task's arguments share it with another's
    if (out[name] === undefined && def.default !== undefined) out[name] = typeof def.default === 'object' ? structuredClone(def.default) : def.default;
    if (out[name] === undefined && def.required) fail({ ...where, option: name }, `missing required argument "${path}${name}"`, `${name} (${def.type}): ${def.description}`);
  }
  return out;
}

/** Argument groups a module declares: none of `exclusive` given together, one of each `requiredOneOf` given. */
export function checkArgGroups(
  groups: { exclusive?: readonly (readonly string[])[]; requiredOneOf?: readonly (readonly string[])[] }, args: Record<string, unknown>, where: ArgsWhere,
): void {
  for (const group of groups.exclusive ?? []) {
    const given = group.filter((k) => args[k] !== undefined);
    if (given.length > 1) fail({ ...where, key: given[1] }, `arguments ${given.join(' and ')} are mutually exclusive`, `one of ${group.join(', ')}`);
  }
  for (const group of groups.requiredOneOf ?? []) {
    if (!group.some((k) => args[k] !== undefined)) fail(where, `one of the following is required: ${group.join(', ')}`, `one of ${group.join(', ')}`);
  }
}

/** Where a failing argument stands; built only on failure, as a large playbook checks millions of arguments. */
function whereOf(where: Where, key?: string, option?: string): Where {
  return key === undefined ? where : { ...where, key, option };
}

// a no_log option's value is never echoed, not even when it is wrong
function shownOf(def: ArgDef, v: unknown): string {
  return def.noLog ? `${describe(v).split(' ')[0]} (value hidden: no_log)` : describe(v);
}

const BAD = Symbol('bad argument');

function coerce(value: unknown, type: ArgType, def: ArgDef, name: string, where: Where, key?: string, option?: string): unknown {
  // no closures here: a large playbook coerces millions of arguments, and a failing one is found by the sentinel
  let v: unknown = BAD;
  switch (type) {
    case 'raw':
      v = value;
      break;
    case 'str':
    case 'path':
      if (typeof value === 'string') v = value;
      else if (typeof value === 'number' || typeof value === 'boolean') v = String(value);
      break;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) v = value;
      else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) v = Number(value);
      break;
    case 'float':
      if (typeof value === 'number') v = value;
      else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) v = Number(value);
      break;
    case 'bool':
      if (typeof value === 'boolean') v = value;
      else if (typeof value === 'string' && TRUE.has(value.toLowerCase())) v = true;
      else if (typeof value === 'string' && FALSE.has(value.toLowerCase())) v = false;
      else if (value === 1 || value === 0) v = value === 1;
      break;
    case 'list':
      if (Array.isArray(value)) v = value;
      else if (typeof value === 'string') v = value.split(',').map((s) => s.trim()).filter(Boolean);
      if (def.elements && v !== BAD) {
        const element: ArgDef = { ...def, elements: undefined, choices: undefined };
        v = (v as unknown[]).map((e, i) => coerce(e, def.elements!, element, `${name}[${i}]`, where, key, option));
      }
      break;
    case 'dict':
      if (value && typeof value === 'object' && !Array.isArray(value)) v = value;
      if (def.options && v !== BAD) v = coerceNested(def, v as Record<string, unknown>, name, whereOf(where, key, option));
      break;
    case 'mode':
      // YAML 1.1 reads 0644 as the number 420: print it back in octal, as Ansible does.
      if (typeof value === 'number' && Number.isInteger(value)) v = value.toString(8).padStart(4, '0');
      else if (typeof value === 'string' && /^[0-7]{3,4}$/.test(value)) v = value.padStart(4, '0');
      else if (typeof value === 'string' && /^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(value)) v = value;
      break;
  }
  if (v === BAD) fail(whereOf(where, key, option), `argument "${name}" must be ${article(type)}, got ${shownOf(def, value)}`, def.description);
  if (def.choices && type !== 'list' && !def.choices.includes(v as string)) {
    fail(whereOf(where, key, option), `argument "${name}" must be one of ${def.choices.join(', ')}, got ${shownOf(def, value)}${def.noLog ? '' : didYouMean(String(value), def.choices.map(String))}`, def.description);
  }
  if (def.choices && type === 'list') {
    for (const e of v as unknown[]) if (!def.choices.includes(e as string)) fail(whereOf(where, key, option), `argument "${name}" elements must be among ${def.choices.join(', ')}, got ${shownOf(def, e)}`);
  }
  return v;
}

/**
 * A mapping against its nested options, named by their path in errors (`configs[0].auth.password`) and located at
 * the top argument's key; the options of a no_log mapping are all hidden.
 */
function coerceNested(def: ArgDef, value: Record<string, unknown>, name: string, where: Where): Record<string, unknown> {
  const options = def.noLog ? Object.fromEntries(Object.entries(def.options!).map(([k, d]) => [k, { ...d, noLog: true }])) : def.options!;
  const location = (where.key !== undefined && where.locate?.(where.key)) || where.location;
  return validateMapping(options, value, { ...where, location, locate: undefined, key: undefined, declared: undefined }, `${name}.`);
}

function article(type: ArgType): string {
  const words: Record<ArgType, string> = {
    str: 'a string', path: 'a path (string)', int: 'an integer', float: 'a number', bool: 'a boolean (yes/no/true/false)',
    list: 'a list', dict: 'a mapping', mode: "a file mode such as 0644, '0644' or u+rwx", raw: 'a value',
  };
  return words[type];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
