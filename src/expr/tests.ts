import { TsrunError } from '../core/errors';
import { contains, isMapping, truthy, typeName } from './values';

/** A Jinja/Ansible test (`x is defined`, `result is changed`), given the value and the test's arguments. */
type Test = (value: unknown, args: unknown[]) => boolean;

function result(name: string, value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw new TsrunError('SCHEMA', `'is ${name}' expects a registered task result, got ${typeName(value)}`, { expected: 'a registered result' });
}

function regex(name: string, args: unknown[]): RegExp {
  if (typeof args[0] !== 'string') throw new TsrunError('SCHEMA', `'is ${name}' expects a pattern string`);
  return new RegExp(args[0].replace(/\(\?P</g, '(?<'));
}

/** Tests that may be applied to an undefined variable. */
export const LENIENT_TESTS: ReadonlySet<string> = new Set(['defined', 'undefined']);

/** The tests `is` understands. */
export const tests: ReadonlyMap<string, Test> = new Map<string, Test>([
  ['defined', (v) => v !== undefined],
  ['undefined', (v) => v === undefined],
  ['none', (v) => v === null],
  ['true', (v) => v === true],
  ['false', (v) => v === false],
  ['truthy', (v) => truthy(v)],
  ['falsy', (v) => !truthy(v)],
  ['string', (v) => typeof v === 'string'],
  ['number', (v) => typeof v === 'number'],
  ['integer', (v) => Number.isInteger(v)],
  ['float', (v) => typeof v === 'number' && !Number.isInteger(v)],
  ['boolean', (v) => typeof v === 'boolean'],
  ['mapping', (v) => isMapping(v)],
  ['sequence', (v) => Array.isArray(v) || typeof v === 'string'],
  ['iterable', (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v)],
  ['even', (v) => typeof v === 'number' && v % 2 === 0],
  ['odd', (v) => typeof v === 'number' && Math.abs(v % 2) === 1],
  ['changed', (v) => truthy(result('changed', v).changed)],
  ['failed', (v) => truthy(result('failed', v).failed)],
  ['succeeded', (v) => !truthy(result('succeeded', v).failed)],
  ['success', (v) => !truthy(result('success', v).failed)],
  ['skipped', (v) => truthy(result('skipped', v).skipped)],
  ['match', (v, args) => typeof v === 'string' && regex('match', args).exec(v)?.index === 0],
  ['search', (v, args) => typeof v === 'string' && regex('search', args).test(v)],
  ['in', (v, args) => contains(args[0], v) === true],
]);
