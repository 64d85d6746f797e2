import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderString } from '../../../src/template/index';
import { helperReference } from '../../../src/template/docs';
import { handlebars } from '../../../src/template/engine';
import { filters } from '../../../src/template/filters/index';

describe('helper reference', () => {
  for (const f of filters) {
    it(`example of ${f.name} renders as documented`, () => {
      expect(renderString(f.example.template, f.example.vars ?? {})).toBe(f.example.output);
    });
  }

  it('documents every registered helper', () => {
    const documented = new Set(filters.flatMap((f) => [f.name, ...(f.aliases ?? [])]));
    const builtin = ['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing'];
    const registered = Object.keys(handlebars().helpers).filter((n) => !n.startsWith('__') && !builtin.includes(n));
    expect(registered.filter((n) => !documented.has(n))).toEqual([]);
    expect(registered.length).toBe(documented.size);
  });

  it('docs/templates.md is up to date (regenerate: npx tsx src/template/docs.ts)', () => {
    expect(readFileSync(new URL('../../../docs/templates.md', import.meta.url), 'utf8')).toBe(helperReference());
  });
});

/** More helper behaviour: [template, vars, expected text]. */
const cases: [string, Record<string, unknown>, string][] = [
  ['{{regex_replace "a.b.c" "\\." "/"}}', {}, 'a/b/c'],
  ['{{regex_replace "Key=Val" "(?P<k>\\w+)=(?P<v>\\w+)" "\\g<v>=\\g<k>"}}', {}, 'Val=Key'],
  ['{{regex_replace "ABC" "b" "x" ignorecase=true}}', {}, 'AxC'],
  ['{{regex_search "abc" "z"}}', {}, ''],
  ['{{indent t 2 true}}', { t: 'a\n\nb' }, '  a\n\n  b'],
  ['{{join (split " a  b ")}}', {}, 'ab'],
  ['{{join (unique x) ","}}', { x: [{ a: 1 }, { a: 1 }, 2] }, '{"a":1},2'],
  ['{{join (sort x reverse=true) ","}}', { x: [1, 3, 2] }, '3,2,1'],
  ['{{join (map_attr (sort u attribute="n") "n") ","}}', { u: [{ n: 'b' }, { n: 'a' }] }, 'a,b'],
  ['{{to_json (merge a b recursive=true)}}', { a: { x: { p: 1 } }, b: { x: { q: 2 } } }, '{"x":{"p":1,"q":2}}'],
  ['{{to_json (combine a b)}}', { a: { x: { p: 1 } }, b: { x: { q: 2 } } }, '{"x":{"q":2}}'],
  ['{{to_json (dict2items m key_name="k" value_name="v")}}', { m: { a: 1 } }, '[{"k":"a","v":1}]'],
  ['{{join (range 1 7 2) ","}}', {}, '1,3,5'],
  ['{{int "3.9"}} {{int "x"}} {{int true}}', {}, '3 0 1'],
  ['{{bool "no"}} {{bool 1}} {{bool "ON"}}', {}, 'false true true'],
  ['{{contains m "a"}} {{contains "xyz" "y"}} {{contains l 2}}', { m: { a: 1 }, l: [1] }, 'true true false'],
  ['{{length m}} {{length "abc"}}', { m: { a: 1, b: 2 } }, '2 3'],
  ['{{first "abc"}}{{last "abc"}}', {}, 'ac'],
  ['{{to_json (map_attr l "a.b" default=0)}}', { l: [{ a: { b: 1 } }, {}] }, '[1,0]'],
  ['{{to_json (from_yaml "mode: 0644")}}', {}, '{"mode":420}'],
  ['{{eq l (list 1 2)}}', { l: [1, 2] }, 'true'],
  ['{{string l}}', { l: [1, 'a'] }, '[1,"a"]'],
  ['{{quote "plain"}} {{quote "a b"}}', {}, "plain 'a b'"],
];

describe('helpers', () => {
  for (const [template, vars, expected] of cases) {
    it(`renders ${template}`, () => {
      expect(renderString(template, vars)).toBe(expected);
    });
  }

  it('reports wrong argument types by helper name', () => {
    expect(() => renderString('{{lt 1 "a"}}', {})).toThrow(/lt expects two numbers or two strings, got number and string/);
    expect(() => renderString('{{keys l}}', { l: [] })).toThrow(/keys expects a mapping, got list/);
    expect(() => renderString('{{from_json "{"}}', {})).toThrow(/from_json: /);
  });
});
