import YAML from 'yaml';
import { TsrunError } from '../../core/errors';
import { isMapping } from '../../expr/values';
import { type Filter, asString } from './types';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isMapping(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

function parseWith(filter: string, text: unknown, parse: (s: string) => unknown): unknown {
  try {
    return parse(asString(filter, text));
  } catch (err) {
    if (err instanceof TsrunError) throw err;
    throw new TsrunError('PARSE', `${filter}: ${(err as Error).message}`, { cause: err });
  }
}

/** Numbers as Jinja's int/float filters read them: invalid input gives the default (0). */
function toNumber(value: unknown, fallback: unknown, integer: boolean): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
  if (Number.isNaN(n)) return fallback ?? 0;
  return integer ? Math.trunc(n) : n;
}

/** Text rendering of a value in templates: lists and mappings as JSON, null as empty text. */
export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Serialisation, parsing and type conversion. */
export const dataFilters: Filter[] = [
  {
    name: 'to_json', signature: 'VALUE', description: 'VALUE as compact JSON.',
    example: { template: '{{to_json x}}', vars: { x: { a: [1, 2] } }, output: '{"a":[1,2]}' }, fn: ([v]) => JSON.stringify(v),
  },
  {
    name: 'to_nice_json', signature: 'VALUE [INDENT]', description: 'VALUE as indented JSON with sorted keys (indent 4, as Ansible).',
    example: { template: '{{to_nice_json x 2}}', vars: { x: { b: 1, a: 2 } }, output: '{\n  "a": 2,\n  "b": 1\n}' },
    fn: ([v, indent], named) => JSON.stringify(sortKeys(v), null, typeof (named.indent ?? indent) === 'number' ? Number(named.indent ?? indent) : 4),
  },
  {
    name: 'to_yaml', signature: 'VALUE', description: 'VALUE as YAML (block style, ends with a newline).',
    example: { template: '{{to_yaml x}}', vars: { x: { a: [1] } }, output: 'a:\n  - 1\n' }, fn: ([v]) => YAML.stringify(v),
  },
  {
    name: 'to_nice_yaml', signature: 'VALUE [INDENT]', description: 'VALUE as YAML indented by INDENT (default 4, as Ansible).',
    example: { template: '{{to_nice_yaml x}}', vars: { x: { a: { b: 1 } } }, output: 'a:\n    b: 1\n' },
    fn: ([v, indent], named) => YAML.stringify(v, { indent: typeof (named.indent ?? indent) === 'number' ? Number(named.indent ?? indent) : 4 }),
  },
  {
    name: 'from_json', signature: 'TEXT', description: 'The value that the JSON TEXT describes.',
    example: { template: '{{lookup (from_json s) "a"}}', vars: { s: '{"a": 5}' }, output: '5' },
    fn: ([v]) => parseWith('from_json', v, (s) => JSON.parse(s) as unknown),
  },
  {
    name: 'from_yaml', signature: 'TEXT', description: 'The value that the YAML TEXT describes (YAML 1.1, as playbooks).',
    example: { template: '{{lookup (from_yaml s) "enabled"}}', vars: { s: 'enabled: yes' }, output: 'true' },
    fn: ([v]) => parseWith('from_yaml', v, (s) => YAML.parse(s, { version: '1.1' }) as unknown),
  },
  {
    name: 'int', signature: 'VALUE [DEFAULT]', description: 'VALUE as an integer (decimals truncated); DEFAULT (0) when it is not a number.',
    example: { template: '{{int "42"}}', output: '42' }, fn: ([v, d]) => toNumber(v, d, true),
  },
  {
    name: 'float', signature: 'VALUE [DEFAULT]', description: 'VALUE as a number; DEFAULT (0) when it is not a number.',
    example: { template: '{{float "1.5"}}', output: '1.5' }, fn: ([v, d]) => toNumber(v, d, false),
  },
  {
    name: 'bool', signature: 'VALUE', description: "True for true, 1, and (any case) 'yes', 'on', 'true', '1'; false otherwise.",
    example: { template: '{{bool "Yes"}}', output: 'true' },
    fn: ([v]) => v === true || v === 1 || (typeof v === 'string' && ['yes', 'on', 'true', '1'].includes(v.trim().toLowerCase())),
  },
  {
    name: 'string', signature: 'VALUE', description: 'VALUE as text (lists and mappings as JSON, null as empty text).',
    example: { template: '{{string 8080}}', output: '8080' }, fn: ([v]) => stringify(v),
  },
];
