import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playbookFile } from '../../../src/bench/large';
import { TsrunError } from '../../../src/core/errors';
import { parseWithDocument } from '../../../src/yaml/document';
import { NOT_FAST, parseFast } from '../../../src/yaml/fast';
import { exactItemLocation, exactValueLocation, keyLocation, locationOf, parseYaml } from '../../../src/yaml/load';

/** Every value with every location the loader keeps (mappings' own, their keys' and values', list items'). */
function located(value: unknown, path = '$'): unknown[] {
  if (Array.isArray(value)) {
    return [[path, locationOf(value)], ...value.flatMap((v, i) => [[`${path}[${i}]`, exactItemLocation(value, i)], ...located(v, `${path}[${i}]`)])];
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return [
      [path, locationOf(value)],
      ...Object.entries(value).flatMap(([k, v]) => [[`${path}.${k}`, keyLocation(value, k), exactValueLocation(value, k)], ...located(v, `${path}.${k}`)]),
    ];
  }
  return [];
}

/** Both paths on one text: the fast one must take it (unless `fast` is false) and agree on values and locations. */
function same(text: string, file = 'f.yml', fast = true): unknown {
  const slow = parseWithDocument({ file, text });
  const quick = parseFast({ file, text });
  if (!fast) {
    expect(quick).toBe(NOT_FAST);
    return slow;
  }
  expect(quick, `${file} should load on the fast path`).not.toBe(NOT_FAST);
  expect(quick).toEqual(slow);
  expect(located(quick)).toEqual(located(slow));
  return quick;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'tsrun-fast-yaml-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the fast YAML path', () => {
  const corpus = [...yamlFiles('playbooks'), ...yamlFiles('roles'), ...yamlFiles('test/conformance/cases')];

  it('gives the values and locations of the yaml path on the repository playbooks, roles and conformance cases', () => {
    expect(corpus.length).toBeGreaterThan(50);
    const slowOnly: string[] = [];
    for (const file of corpus) {
      const text = readFileSync(file, 'utf8');
      const fallback = /[&*!]\w|<<:|^%|^\uFEFF/m.test(text) && parseFast({ file, text }) === NOT_FAST;
      if (fallback) slowOnly.push(file);
      same(text, file, !fallback);
    }
    // only files with anchors, aliases, tags or merge keys may take the yaml path
    expect(slowOnly.length).toBeLessThan(corpus.length / 4);
  });

  it('gives the same on the bench generator output', async () => {
    const file = join(scratch, 'large.yml');
    await playbookFile(file, 64 * 1024);
    const value = same(readFileSync(file, 'utf8'), file) as { tasks: unknown[] }[];
    expect(value[0].tasks.length).toBeGreaterThan(500);
  });

  it('reads YAML 1.1 scalars as PyYAML does', () => {
    const text = [
      'b: [yes, no, on, off, Yes, NO, true, False, y, n, Y, N]',
      'octal: 0644',
      'mode: "0644"',
      'under: 1_000',
      'sexa: 1:30',
      'float: 1.5e3',
      'hex: 0x1F',
      'bin: 0b101',
      'nulls: [~, null, Null, NULL, ""]',
      'inf: [.inf, -.Inf, .nan]',
      'date: 2024-01-02',
      'stamp: 2024-01-02 03:04:05',
      'yes: key is a boolean',
      '1.0: key is a float',
      '~: key is null',
      'empty:',
      'folded: >',
      '  one',
      '  two',
      'literal: |-',
      '  kept',
      'quoted: \'it\'\'s\'',
      'escaped: "tab\\there"',
      'multi: plain',
      '  on two lines',
      '',
    ].join('\n');
    const value = same(text) as Record<string, unknown>;
    expect(value.b).toEqual([true, false, true, false, true, false, true, false, 'y', 'n', 'Y', 'N']);
    expect(value).toMatchObject({ octal: 420, mode: '0644', under: 1000, sexa: 90, float: 1500, hex: 31, bin: 5, nulls: [null, null, null, null, ''], true: 'key is a boolean', 1: 'key is a float', null: 'key is null', empty: null });
  });

  it('locates empty values, quoted and block scalars, flow collections and nested lists as the yaml path does', () => {
    same('a:\nb:   \nc: # note\nd: "x"\ne: \'y\'\nf: |\n    text\ng: {h: 1, i: [2, "3"]}\nj:\n- k\n-   "l"\n- m: 1\n  n:\n- [o, p]\n');
    same('---\n# comment\nplays:\n  - hosts: all\n    tasks:\n      - debug: msg="{{ x }}"\n        when: y\n');
    same('[1, 2, {a: b}]\n');
    same('just a scalar\n');
    same('a: 1\r\nb:\r\n  - x\r\n  - "y"\r\n');
    same('- - a\n  - b\n- - c\na: {}\n'.replace('a: {}\n', '- {}\n- []\n'));
    same('a: |+\n  x\n\nb: >-\n  y\n\nc: "x\\\n   y"\nd: "é😀"\n');
    same('a:\n  - b: 1\n    c: |\n      t\n    d: "q"\n  -\n    e: 2\n');
    expect(same('')).toBeNull();
    expect(same('# only a comment\n')).toBeNull();
  });

  it('leaves anchors, aliases, merge keys, tags and odd entries to the yaml path', () => {
    same('a: &x 1\nb: *x\n', 'f.yml', false);
    same('base: &b {k: 1}\nother:\n  <<: *b\n  j: 2\n', 'f.yml', false);
    same('<<: {k: 1}\nj: 2\n', 'f.yml', false);
    same('secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n', 'f.yml', false);
    same('s: !!str 0644\n', 'f.yml', false);
    same('- a\n-\n- b\n', 'f.yml', false);
    same('%YAML 1.1\n---\na: 1\n', 'f.yml', false);
    same('\uFEFFa: 1\n', 'f.yml', false);
    same('a: !\n', 'f.yml', false);
  });

  it('takes an explicit key only when it pairs with its value as the yaml path does', () => {
    const text = '? complex\n: value\nnext: 1\n';
    if (parseFast({ file: 'f.yml', text }) === NOT_FAST) same(text, 'f.yml', false);
    else same(text);
  });

  it('keeps the located messages of invalid files', () => {
    const cases: [string, RegExp, number, number][] = [
      ['a: 1\na: 2\n', /malformed YAML/, 2, 1],
      ['a: [1, 2\n', /malformed YAML/, 2, 1],
      ['a: b: c\n', /malformed YAML/, 1, 4],
      ['x: *nowhere\n', /undefined YAML alias '\*nowhere'/, 1, 4],
      ['a: 1\n---\nb: 2\n', /malformed YAML/, 2, 1],
      [`${'k'.repeat(1100)}: 1\n`, /malformed YAML/, 1, 1],
      [`"${'\\u0041'.repeat(180)}": 1\n`, /malformed YAML/, 1, 1],
    ];
    for (const [text, message, line, col] of cases) {
      let slow: unknown;
      try {
        parseWithDocument({ file: 'bad.yml', text });
      } catch (e) {
        slow = e;
      }
      expect(slow, text).toBeInstanceOf(TsrunError);
      expect(parseFast({ file: 'bad.yml', text })).toBe(NOT_FAST);
      expect(() => parseYaml(text, 'bad.yml')).toThrow(message);
      try {
        parseYaml(text, 'bad.yml');
      } catch (e) {
        expect((e as TsrunError).message).toBe((slow as TsrunError).message);
        expect((e as TsrunError).location).toMatchObject({ file: 'bad.yml', line, col });
      }
    }
  });
});
