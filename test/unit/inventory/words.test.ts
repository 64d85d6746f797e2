import { describe, expect, it } from 'vitest';
import { expandHostPattern } from '../../../src/inventory/ranges';
import { parseIniValue, splitWords } from '../../../src/inventory/tokenize';
import { TsrunError } from '../../../src/core/errors';

describe('expandHostPattern', () => {
  const cases: [string, string[], number?][] = [
    ['node1', ['node1']],
    ['node[1:3]', ['node1', 'node2', 'node3']],
    ['node[01:10]', ['node01', 'node02', 'node03', 'node04', 'node05', 'node06', 'node07', 'node08', 'node09', 'node10']],
    ['node[1:9:4]', ['node1', 'node5', 'node9']],
    ['[a:c].example.com', ['a.example.com', 'b.example.com', 'c.example.com']],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
    ['n[:2]', ['n0', 'n1', 'n2']],
    ['web.example.com:2222', ['web.example.com'], 2222],
    ['node[1:2]:22', ['node1', 'node2'], 22],
    ['[2001:db8::1]:22', ['2001:db8::1'], 22],
    ['2001:db8::1', ['2001:db8::1']],
  ];
  it.each(cases)('%s', (entry, hosts, port) => {
    expect(expandHostPattern(entry)).toEqual({ hosts, port });
  });

  const bad: [string, RegExp][] = [
    ['node[1:]', /has no end value/],
    ['node[3:1]', /begins after it ends/],
    ['node[01:100]', /different widths/],
    ['node[1:x]', /neither numeric nor single letters/],
    ['node[1:3', /without its "]"/],
    ['node[1:2:3:4]', /too many parts/],
    ['node[1:5:0]', /not a positive integer/],
  ];
  it.each(bad)('rejects %s', (entry, msg) => {
    const loc = { file: 'f', line: 3, col: 1 };
    const err = (() => { try { expandHostPattern(entry, loc); } catch (e) { return e; } })() as TsrunError;
    expect(err).toBeInstanceOf(TsrunError);
    expect(err.code).toBe('PARSE');
    expect(err.message).toMatch(msg);
    expect(err.message).toContain(entry);
    expect(err.location).toEqual(loc);
  });
});

describe('splitWords', () => {
  const cases: [string, [string, number][]][] = [
    ['node1 a=1 b=2', [['node1', 1], ['a=1', 7], ['b=2', 11]]],
    ['n labels="a b" x=\'c "d"\'', [['n', 1], ['labels=a b', 3], ['x=c "d"', 16]]],
    ['n x="q\\"q" y=a\\ b', [['n', 1], ['x=q"q', 3], ['y=a b', 12]]],
    ['n a=1 # comment x=2', [['n', 1], ['a=1', 3]]],
    ['n a="#not comment"', [['n', 1], ['a=#not comment', 3]]],
  ];
  it.each(cases)('%s', (line, words) => {
    expect(splitWords(line).map((w) => [w.text, w.col])).toEqual(words);
  });
  it('reports where an unterminated quote opened', () => {
    expect(() => splitWords('n a="b c')).toThrow(expect.objectContaining({ col: 5 }));
  });
});

describe('parseIniValue (Python literal semantics)', () => {
  const cases: [string, unknown][] = [
    ['22', 22], ['-3', -3], ['1.5', 1.5], ['1e3', 1000], ['0644', '0644'], ['True', true], ['False', false],
    ['None', null], ['yes', 'yes'], ['"quoted"', 'quoted'], ["'single'", 'single'], ['[1, "a"]', [1, 'a']],
    ['{"k": 1}', { k: 1 }], ['[broken', '[broken'], ['5 # five', 5], ['a # b', 'a # b'], ['FALSE', 'FALSE'],
  ];
  it.each(cases)('%s', (raw, value) => {
    expect(parseIniValue(raw)).toEqual(value);
  });
});
