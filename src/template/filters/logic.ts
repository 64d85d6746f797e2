import { TsrunError } from '../../core/errors';
import { deepEqual, truthy, typeName } from '../../expr/values';
import type { Filter } from './types';

function compare(name: string, test: (order: number) => boolean): Filter['fn'] {
  return ([a, b]) => {
    const ok = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
    if (!ok) {
      const expected = 'two numbers or two strings';
      throw new TsrunError('SCHEMA', `${name} expects ${expected}, got ${typeName(a)} and ${typeName(b)}`, { expected });
    }
    return test(a < b ? -1 : a > b ? 1 : 0);
  };
}

/** Defaults, definedness, comparisons and boolean logic. */
export const logicFilters: Filter[] = [
  {
    name: 'default', aliases: ['d'], lenient: true, signature: 'VALUE FALLBACK [IF_FALSY]',
    description: 'VALUE, or FALLBACK when VALUE is undefined (or, with IF_FALSY true, also when it is false/empty).',
    example: { template: '{{default proxy "none"}}', output: 'none' },
    fn: ([value, fallback, ifFalsy]) => (value === undefined || (ifFalsy === true && !truthy(value)) ? fallback : value),
  },
  {
    name: 'mandatory', lenient: true, signature: 'VALUE [MESSAGE]',
    description: 'VALUE, or an error (with MESSAGE) when it is undefined.',
    example: { template: '{{mandatory port}}', vars: { port: 80 }, output: '80' },
    fn: ([value, msg]) => {
      if (value === undefined) throw new TsrunError('UNDEFINED', typeof msg === 'string' ? msg : 'mandatory variable is not defined');
      return value;
    },
  },
  {
    name: 'defined', lenient: true, signature: 'VALUE',
    description: 'True when VALUE is defined (use in `{{#if (defined x)}}`, since `{{#if x}}` fails on undefined x).',
    example: { template: '{{#if (defined proxy)}}yes{{else}}no{{/if}}', output: 'no' },
    fn: ([value]) => value !== undefined,
  },
  {
    name: 'eq', signature: 'A B', description: 'A equals B (lists and mappings compared by content).',
    example: { template: '{{#if (eq os "debian")}}apt{{/if}}', vars: { os: 'debian' }, output: 'apt' },
    fn: ([a, b]) => deepEqual(a, b),
  },
  {
    name: 'ne', signature: 'A B', description: 'A differs from B.',
    example: { template: '{{ne 1 2}}', output: 'true' },
    fn: ([a, b]) => !deepEqual(a, b),
  },
  {
    name: 'lt', signature: 'A B', description: 'A < B (numbers or strings).',
    example: { template: '{{lt 1 2}}', output: 'true' }, fn: compare('lt', (o) => o < 0),
  },
  {
    name: 'gt', signature: 'A B', description: 'A > B (numbers or strings).',
    example: { template: '{{gt 1 2}}', output: 'false' }, fn: compare('gt', (o) => o > 0),
  },
  {
    name: 'le', signature: 'A B', description: 'A <= B (numbers or strings).',
    example: { template: '{{le 2 2}}', output: 'true' }, fn: compare('le', (o) => o <= 0),
  },
  {
    name: 'ge', signature: 'A B', description: 'A >= B (numbers or strings).',
    example: { template: '{{ge 1 2}}', output: 'false' }, fn: compare('ge', (o) => o >= 0),
  },
  {
    name: 'and', signature: 'A B...', description: 'True when every argument is truthy (Python truthiness: empty lists are false).',
    example: { template: '{{#if (and ssl port)}}on{{/if}}', vars: { ssl: true, port: 443 }, output: 'on' },
    fn: (args) => args.every(truthy),
  },
  {
    name: 'or', signature: 'A B...', description: 'True when some argument is truthy.',
    example: { template: '{{or false 0 "x"}}', output: 'true' },
    fn: (args) => args.some(truthy),
  },
  {
    name: 'not', signature: 'A', description: 'True when A is falsy.',
    example: { template: '{{#if (not items)}}empty{{/if}}', vars: { items: [] }, output: 'empty' },
    fn: ([a]) => !truthy(a),
  },
  {
    name: 'ternary', signature: 'COND IF_TRUE IF_FALSE [IF_NONE]', description: 'IF_TRUE when COND is truthy, else IF_FALSE (IF_NONE, when given, for a null COND).',
    example: { template: '{{ternary enabled "on" "off"}}', vars: { enabled: false }, output: 'off' },
    fn: ([cond, yes, no, none]) => (cond === null && none !== undefined ? none : truthy(cond) ? yes : no),
  },
];
