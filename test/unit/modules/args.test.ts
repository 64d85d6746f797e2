import { describe, expect, it } from 'vitest';
import { TsrunError } from '../../../src/core/errors';
import { validateArgs } from '../../../src/modules/args';
import type { ArgSpec } from '../../../src/modules/types';

const spec: ArgSpec = {
  path: { type: 'path', required: true, aliases: ['dest'], description: 'the file' },
  mode: { type: 'mode', description: 'permissions' },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present', description: 'state' },
  force: { type: 'bool', default: false, description: 'force' },
  names: { type: 'list', elements: 'str', description: 'names' },
};
const where = { module: 'demo', task: 'a task', location: { file: 'site.yml', line: 3, col: 7 } };

describe('validateArgs', () => {
  it('normalises aliases, defaults, YAML 1.1 octal modes and booleans', () => {
    const out = validateArgs(spec, { dest: '/etc/x', mode: 0o644, force: 'yes', names: 'a, b' }, where);
    expect(out).toEqual({ path: '/etc/x', mode: '0644', state: 'present', force: true, names: ['a', 'b'] });
  });

  it('names the unknown argument and suggests the nearest', () => {
    const err = (() => { try { validateArgs(spec, { path: '/x', stat: 'absent' }, where); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(TsrunError);
    expect((err as TsrunError).message).toMatch(/unsupported argument "stat" \(did you mean "state"\?\)/);
    expect((err as TsrunError).location).toEqual(where.location);
    expect((err as TsrunError).task).toBe('a task');
  });

  it('rejects wrong types and choices with what was expected', () => {
    expect(() => validateArgs(spec, { path: '/x', force: 'maybe' }, where)).toThrow(/"force" must be a boolean/);
    expect(() => validateArgs(spec, { path: '/x', state: 'presnt' }, where)).toThrow(/one of present, absent.*did you mean "present"/);
    expect(() => validateArgs(spec, { path: ['a'] }, where)).toThrow(/"path" must be a path \(string\), got a list/);
    expect(() => validateArgs(spec, {}, where)).toThrow(/missing required argument "path"/);
  });
});
