import { TsrunError } from '../../core/errors';
import { typeName } from '../../expr/values';

/** An example in the helper reference; the test suite renders it and compares the output. */
export interface FilterExample {
  template: string;
  vars?: Record<string, unknown>;
  output: string;
}

/**
 * One helper, usable as a Handlebars helper (`{{join list ","}}`), as a Jinja-style pipe in templates and
 * expressions (`list | join(',')`), documented from the same entry.
 */
export interface Filter {
  name: string;
  aliases?: string[];
  /** Arguments in order, as shown in the reference: `VALUE SEP`. */
  signature: string;
  description: string;
  example: FilterExample;
  /** Arguments may be undefined variables (default, mandatory, defined): lookups do not fail for them. */
  lenient?: boolean;
  /** Positional arguments first, named arguments (`key=value` in Handlebars) in `named`. */
  fn(args: unknown[], named: Record<string, unknown>): unknown;
}

/** A user passed a helper a value of the wrong type. */
export function wrongType(filter: string, expected: string, value: unknown): TsrunError {
  return new TsrunError('SCHEMA', `${filter} expects ${expected}, got ${typeName(value)}`, { expected });
}

/** Coerces scalars to text, as Jinja does for string filters; lists, mappings and undefined are errors. */
export function asString(filter: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw wrongType(filter, 'a string', value);
}

/** Requires a list. */
export function asList(filter: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw wrongType(filter, 'a list', value);
}
