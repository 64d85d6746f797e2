// named builders, not the `Type` namespace: the namespace holds every builder TypeBox has and esbuild cannot trim
// it, which put 90 KB more into every command's start-up
import {
  Array as ArrayOf, Boolean as BooleanType, Integer, Literal, Number as NumberType, Object as ObjectOf, Optional, Record as RecordOf, String as StringType,
  Union, Unknown, type Static, type TLiteral, type TObject, type TProperties, type TSchema, type TUnion,
} from '@sinclair/typebox';
import type { ArgDef, ArgSpec, ArgType } from './types';

/**
 * A module declares its arguments once, as a TypeBox object schema built with `arg`: the schema gives the
 * TypeScript type of the parsed arguments (`Static`), the load-time and run-time checks (through `specOf`) and
 * the documentation. Ansible's own notions ride on each property: its argument type (which drives coercion:
 * `yes` is a bool, 0644 a mode), aliases and no_log.
 */

/** Where the Ansible argument type is kept on a property's schema. */
const ARG = 'x-arg';

/** Options every argument may carry besides its description. */
export interface ArgOptions<T> {
  default?: T;
  aliases?: readonly string[];
  /** The value is a secret: never printed in output, diffs or logs. */
  noLog?: boolean;
}

function meta(type: ArgType, description: string, o: ArgOptions<unknown> = {}, elements?: ArgType): Record<string, unknown> {
  const { noLog, aliases, ...rest } = o;
  return { description, ...rest, [ARG]: { type, aliases, noLog, elements } };
}

/** Argument builders: each returns a required schema; wrap it in `optional` unless it has a default or is required. */
export const arg = {
  str: (description: string, o?: ArgOptions<string>) => StringType(meta('str', description, o)),
  path: (description: string, o?: ArgOptions<string>) => StringType(meta('path', description, o)),
  /** A file mode: 0644 (YAML 1.1 octal), '0644' or u+rwx, kept as text. */
  mode: (description: string, o?: ArgOptions<string>) => StringType(meta('mode', description, o)),
  int: (description: string, o?: ArgOptions<number>) => Integer(meta('int', description, o)),
  float: (description: string, o?: ArgOptions<number>) => NumberType(meta('float', description, o)),
  bool: (description: string, o?: ArgOptions<boolean>) => BooleanType(meta('bool', description, o)),
  dict: (description: string, o?: ArgOptions<Record<string, unknown>>) => RecordOf(StringType(), Unknown(), meta('dict', description, o)),
  raw: (description: string, o?: ArgOptions<unknown>) => Unknown(meta('raw', description, o)),
  /** A list of strings; a comma-separated string is accepted, as in Ansible. */
  list: (description: string, o?: ArgOptions<string[]>) => ArrayOf(StringType(), meta('list', description, o, 'str')),
  /** One of a few strings. */
  choice: <const C extends readonly string[]>(choices: C, description: string, o?: ArgOptions<C[number]>) =>
    Union(choices.map((c) => Literal(c)), meta('str', description, o)) as TUnion<TLiteral<C[number]>[]>,
};

/** An argument that may be left out (and has no default). */
export const optional = Optional;

/** A module's arguments: an object schema of `arg` properties. */
export function argsSchema<P extends TProperties>(properties: P): TObject<P> {
  return ObjectOf(properties);
}

/** The parsed arguments a schema describes. */
export type ArgsOf<S extends TSchema> = Static<S>;

/** The parsed arguments a group of `arg` properties describes (arguments several modules share). */
export type PropsOf<P extends TProperties> = Static<TObject<P>>;

interface ArgMeta {
  type: ArgType;
  aliases?: readonly string[];
  noLog?: boolean;
  elements?: ArgType;
}

const specs = new WeakMap<TObject, ArgSpec>();

/** The argument specs the validator, the load-time checks and `tsrun doc` read, derived from a schema once. */
export function specOf(schema: TObject): ArgSpec {
  const known = specs.get(schema);
  if (known) return known;
  const required = new Set(schema.required ?? []);
  const spec: ArgSpec = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    const p = prop as TSchema & { description?: string; default?: unknown; anyOf?: { const?: unknown }[] };
    const m = (p as Record<string, unknown>)[ARG] as ArgMeta | undefined;
    if (!m) throw new Error(`argument ${name} is not declared with arg.*`);
    const def: ArgDef = { type: m.type, description: p.description ?? name };
    if (required.has(name) && p.default === undefined) def.required = true;
    if (p.default !== undefined) def.default = p.default;
    if (p.anyOf) def.choices = p.anyOf.map((l) => l.const as string);
    if (m.aliases?.length) def.aliases = m.aliases;
    if (m.elements) def.elements = m.elements;
    if (m.noLog) def.noLog = true;
    spec[name] = def;
  }
  specs.set(schema, spec);
  return spec;
}
