import { describe, expect, it } from 'vitest';
import { failure } from '../helpers/failure';
import { evaluate, isTrue } from '../../../src/expr/index';

const vars = {
  result: { rc: 1, stdout: 'service ok', stdout_lines: ['service ok'], changed: true, failed: false, skipped: false },
  skipped_result: { changed: false, skipped: true },
  port: 8080,
  name: 'web01',
  version: '8',
  empty: [],
  groups: { web: ['a', 'b'] },
  nothing: null,
  flag: true,
  nodes: ['a', 'b'],
};

/** [expression, expected value]. */
const cases: [string, unknown][] = [
  ['result.rc != 0', true],
  // keyword arguments of shared filters (the differential suite found indent= ignored)
  ["'x' if false", ''],
  ["{'b': 1} | to_nice_json(indent=2)", '{\n  "b": 1\n}'],
  ["{'a': {'b': 1}} | to_nice_yaml(indent=2)", 'a:\n  b: 1\n'],
  ['result.rc == 0', false],
  ["'ok' in result.stdout", true],
  ["'bad' not in result.stdout", true],
  ["'bad' not   in result.stdout", true],
  ['result is changed', true],
  ['result is not changed', false],
  ['result is failed', false],
  ['result is succeeded', true],
  ['result is success', true],
  ['skipped_result is skipped', true],
  ['proxy is defined', false],
  ['proxy is not defined', true],
  ['proxy is undefined', true],
  ['result.nope is defined', false],
  ['proxy.deeper is defined', false],
  ['port is defined and port > 1024', true],
  ['nothing is none', true],
  ['nothing is None', true],
  ['flag is true', true],
  ['flag is True', true],
  ['flag is false', false],
  ['port is number', true],
  ['name is string', true],
  ["name is match('web')", true],
  ["name is search('\\d+')", true],
  // keyword arguments of tests (the differential suite found them dropped)
  ["name is match('WEB')", false],
  ["name is match('WEB', ignorecase=true)", true],
  ["name is match('WEB', true)", true],
  ["name is regex('eb0', match_type='match')", false],
  ["name is regex('web|web01', match_type='fullmatch')", true],
  ["name is regex('web', match_type='fullmatch')", false],
  ["'1.2.3' is version('1.2.3', 'eq', strict=true)", true],
  ['not flag', false],
  ['not port == 8080', false],
  ['not result.rc == 0 and flag', true],
  ['flag and not result is failed', true],
  ['port > 80 and port < 9000 or false', true],
  ['false or port', 8080],
  ['empty or nodes', ['a', 'b']],
  ['true and false or true', true],
  ['true or false and false', true],
  ['port >= 8080', true],
  ['port <= 8079', false],
  ["'b' in nodes", true],
  ["'web' in groups", true],
  ['groups.web[1]', 'b'],
  ["groups['web'][0]", 'a'],
  ['nodes[-1]', 'b'],
  ['[1, 2] == [1, 2]', true],
  ['nodes == ["a", "b"]', true],
  ['True', true],
  ['False', false],
  ['None', null],
  ['none', null],
  ['"double" == \'double\'', true],
  ['port + 1', 8081],
  ['port - 80 * 2', 7920],
  ["name ~ '-' ~ port", 'web01-8080'],
  ['nodes | length > 1', true],
  ['empty | length == 0', true],
  ["proxy | default('none')", 'none'],
  ["proxy | default('none') == 'none'", true],
  ['version | int >= 8', true],
  ["nodes | join(',')", 'a,b'],
  ['result.stdout_lines | first', 'service ok'],
  ["name.startswith('web')", true],
  ["groups.get('db', [])", []],
  ['{{ port == 8080 }}', true],
  ['  {{ flag }}  ', true],
  ["'big' if port > 1 else 'small'", 'big'],
  ['port + 1', 8081],
  ["'pre-' ~ port", 'pre-8080'],
  ['[1, 2, 3] | map("int") | sum', 6],
  ['range(1, 4) | list', [1, 2, 3]],
];

describe('evaluate', () => {
  for (const [expr, expected] of cases) {
    it(`${expr} -> ${JSON.stringify(expected)}`, () => {
      expect(evaluate(expr, vars)).toEqual(expected);
    });
  }
});

describe('isTrue', () => {
  const table: [unknown, boolean][] = [
    [true, true],
    [false, false],
    ['result.rc != 0', true],
    ['empty', false],
    ['nodes', true],
    [['flag', 'port > 1'], true],
    [['flag', 'port < 1'], false],
    [[], true],
    [undefined, true],
    ['False', false],
    ['{{ flag }}', true],
  ];
  for (const [cond, expected] of table) {
    it(`${JSON.stringify(cond)} -> ${expected}`, () => {
      expect(isTrue(cond, vars)).toBe(expected);
    });
  }

  it('refuses a mapping as a condition', () => {
    expect(() => isTrue({ a: 1 }, vars)).toThrow(/a condition must be an expression string/);
  });
});


const where = { task: 'restart app', location: { file: 'play.yml', line: 7, col: 13 } };

/** [expression, code, message pattern, column of the location]. */
const errors: [string, string, RegExp, number][] = [
  ['proxy', 'UNDEFINED', /undefined variable 'proxy'/, 13],
  ['result.nope == 1', 'UNDEFINED', /undefined variable 'result.nope'/, 13],
  ["proxy == 'x'", 'UNDEFINED', /undefined variable 'proxy'/, 13],
  ['proxy is none', 'UNDEFINED', /undefined variable 'proxy'/, 13],
  ['result.rc ==', 'PARSE', /syntax error in expression 'result.rc ==' at column 13: unexpected end of the expression/, 25],
  ['a b', 'PARSE', /at column 3: expected the end of the expression, got 'b'/, 15],
  ['{{ a b }}', 'PARSE', /at column 6: expected the end of the expression/, 18],
  ["'open", 'PARSE', /at column 1: unterminated string/, 13],
  ['', 'PARSE', /empty expression/, 13],
  ['constructor', 'PARSE', /access to 'constructor' is not allowed/, 13],
  ['result.constructor.constructor', 'PARSE', /access to 'constructor' is not allowed/, 13],
  ["result['__proto__']", 'PARSE', /access to '__proto__' is not allowed/, 13],
  ['nodes.prototype', 'PARSE', /access to 'prototype' is not allowed/, 13],
  ["name.toString()", 'SCHEMA', /a string has no method 'toString'/, 13],
  ['nofunc(1)', 'PARSE', /unknown function 'nofunc'/, 13],
  ['port is bogus', 'PARSE', /unknown test 'is bogus'/, 21],
  ['port | nosuch', 'PARSE', /unknown filter 'nosuch'/, 20],
  ['port > "80"', 'SCHEMA', /cannot compare number > string/, 13],
  ['1 in port', 'SCHEMA', /'in' needs a list, mapping or string/, 13],
  ['port is changed', 'SCHEMA', /'is changed' expects a registered task result/, 13],
  ['port | join', 'SCHEMA', /join expects a list, got number/, 13],
];

describe('expression errors', () => {
  for (const [expr, code, message, col] of errors) {
    it(`${JSON.stringify(expr)} -> ${code}`, () => {
      const err = failure(() => evaluate(expr, vars, where));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(err.task).toBe('restart app');
      expect(err.location).toEqual({ file: 'play.yml', line: 7, col });
    });
  }

  it('fails on selectattr of a missing attribute without a test, as Ansible does; a test sees it undefined', () => {
    const users = { users: [{ name: 'ann', admin: true }, { name: 'bob' }] };
    expect(failure(() => evaluate("users | selectattr('admin') | list", users)).message).toMatch(/undefined variable 'item.admin'/);
    expect(evaluate("users | selectattr('admin', 'defined') | map(attribute='name') | list", users)).toEqual(['ann']);
  });

  it('names the expression when the caller does not say what it is', () => {
    expect(failure(() => evaluate('nope', {})).message).toBe("expression 'nope': undefined variable 'nope'");
    expect(failure(() => isTrue(['flag', 'nope'], vars, { what: 'when' })).message).toBe("when: undefined variable 'nope'");
  });

  it('never reaches inherited properties', () => {
    expect(() => evaluate('toString', {})).toThrow(/undefined variable 'toString'/);
    expect(() => evaluate("name['toString']", vars)).toThrow(/undefined variable/);
    expect(() => evaluate('nodes.map', vars)).toThrow(/undefined variable 'nodes.map'/);
  });
});
