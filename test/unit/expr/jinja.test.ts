import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GLOBALS } from '../../../src/expr/evaluate';
import { jinjaFilterNames } from '../../../src/expr/filters';
import { FUNCTION_DOCS, TEST_DOCS } from '../../../src/expr/reference';
import { tests } from '../../../src/expr/tests';
import { render, renderFile, renderString } from '../../../src/template/index';
import { failure } from '../helpers/failure';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-jinja-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vars: Record<string, unknown> = {
  n: 3, name: 'web', flag: true, a: 'A', b: 'B', inventory_hostname: 'h1', playbook_dir: dir,
  users: [{ name: 'ann', admin: true }, { name: 'bob' }],
  groups: { all: ['h1', 'h2'], web: ['h1'] },
  hostvars: { h1: { ansible_host: '10.0.0.1' }, h2: { ansible_host: '10.0.0.2' } },
  d: { k: 1, j: 2 },
};

// The idioms of issue 10, each as Ansible renders it (ansible-core 2.14).
const idioms: [string, unknown][] = [
  ['{{ n + 1 }}', 4],
  ["{{ 'pre-' ~ name }}", 'pre-web'],
  ['{{ name is defined }}', true],
  ['{{ n > 2 and flag }}', true],
  ['{{ (n * 2) | string }}', '6'],
  ["{{ hostvars[inventory_hostname]['ansible_host'] }}", '10.0.0.1'],
  ["{{ groups['all'] | map('extract', hostvars, 'ansible_host') | list }}", ['10.0.0.1', '10.0.0.2']],
  ['{{ range(1, 4) | list }}', [1, 2, 3]],
  ["{{ [1,2,3] | map('int') | sum }}", 6],
  ["{{ '%s-%s' | format(a, b) }}", 'A-B'],
  ["{{ lookup('env', 'TSRUN_JINJA_TEST') }}", 'set'],
  ["{{ query('inventory_hostnames', 'all') }}", ['h1', 'h2']],
  ["{{ query('inventory_hostnames', 'all:!web') }}", ['h2']],
  ["{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}", ['ann']],
  ["{{ users | rejectattr('admin', 'defined') | map(attribute='name') | join(',') }}", 'bob'],
  ["{{ users | selectattr('name', 'equalto', 'bob') | list | length }}", 1],
  ["{{ [1, 2, 3, 4] | select('even') | list }}", [2, 4]],
  ["{{ 'a' if n > 5 else 'b' }}", 'b'],
  ['{{ 7 // 2 }}|{{ 2 ** 10 }}|{{ 7 % 3 }}|{{ 10 / 4 }}|{{ -7 // 2 }}', '3|1024|1|2.5|-4'],
  ["{{ 'x' in name }}|{{ 'e' in name }}|{{ 3 not in [1, 2] }}", 'False|True|True'],
  ['{{ 1 < n < 5 }}', true],
  ["{{ d | dict2items | items2dict }}", { k: 1, j: 2 }],
  ["{{ {'a': 1} | combine({'b': 2}) }}", { a: 1, b: 2 }],
  ["{{ '1.2.10' is version('1.2.9', '>') }}", true],
  ["{{ name | upper }} {{ name.upper() }} {{ 'a,b'.split(',') }}", "WEB WEB ['a', 'b']"],
  ['v={{ d }} {{ [1, none, true] }} {{ none }}', "v={'k': 1, 'j': 2} [1, None, True] "],
  ["{{ nope | default('dflt') }} {{ nope.x is defined }}", 'dflt False'],
  ["{{ 'abcdef'[1:3] }} {{ [1,2,3][-1] }}", 'bc 3'],
  ['{{ users | map(attribute="name") | map("upper") | join(", ") }}', 'ANN, BOB'],
  ["{{ 'hello' | regex_replace('l+', 'L') }}", 'heLo'],
  ['{{ [3, 1, 2] | sort | first }}', 1],
  ["{{ {'b': 1, 'a': 2} | to_json }}", '{"b": 1, "a": 2}'],
];

describe('the expression idioms Ansible users type', () => {
  process.env.TSRUN_JINJA_TEST = 'set';
  it.each(idioms)('%s', (template, expected) => {
    expect(render(template, vars)).toEqual(expected);
  });
});

describe('Jinja statements', () => {
  it.each([
    ['{% for u in users %}{{ u.name }}{% if not loop.last %},{% endif %}{% endfor %}', 'ann,bob'],
    ['{% for u in users if u.admin is defined %}{{ loop.index }}:{{ u.name }}{% endfor %}', '1:ann'],
    ['{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}', 'k=1;j=2;'],
    ['{% for x in [] %}x{% else %}empty{% endfor %}', 'empty'],
    ['{% set x = n * 2 %}{{ x }}', '6'],
    ['{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %}', 'mid'],
    ['a\n{% if flag %}\nyes\n{% endif %}\nb', 'a\nyes\nb'],
    ['a  {%- if flag -%}  yes  {%- endif -%}  b', 'ayesb'],
    ['x {{- n -}} y', 'x3y'],
    ['{# a comment #}ok', 'ok'],
    ['{% raw %}{{ not rendered }}{% endraw %}', '{{ not rendered }}'],
  ])('%s', (template, expected) => {
    expect(renderString(template, vars)).toBe(expected);
  });

  it('a .j2 file is Jinja, errors name the file and its own line', () => {
    const path = join(dir, 'site.conf.j2');
    writeFileSync(path, '{% for u in users %}\nuser {{ u.name }}\n{% endfor %}\nport {{ nope }}\n');
    const err = failure(() => renderFile(path, vars, { task: 't' }));
    expect(err.location).toEqual({ file: path, line: 4, col: 9 });
    expect(renderFile(path, { ...vars, nope: 80 })).toBe('user ann\nuser bob\nport 80\n');
  });

  it('a .hbs file keeps Handlebars blocks, with Jinja expressions inside them', () => {
    const path = join(dir, 'list.hbs');
    writeFileSync(path, '{{#each users}}{{ name | upper }}{{#unless @last}},{{/unless}}{{/each}} \\{{ .ID }}\n');
    expect(renderFile(path, vars)).toBe('ANN,BOB {{ .ID }}\n');
  });

  it('lookup file and template read beside the playbook', () => {
    writeFileSync(join(dir, 'motd.txt'), 'hello\n');
    writeFileSync(join(dir, 'greet.j2'), 'hi {{ name }}');
    expect(render("{{ lookup('file', 'motd.txt') }}/{{ lookup('template', 'greet.j2') }}", vars)).toBe('hello/hi web');
  });

  it('as ansible-core 2.14: a template keeps its trailing newline after a block, lists join only text', () => {
    writeFileSync(join(dir, 'tail.j2'), 'hi {{ name }}{% if n > 1 %} x{{ n }}{% endif %}\n');
    expect(render("[{{ lookup('template', 'tail.j2') }}]", vars)).toBe('[hi web x3\n]');
    expect(render("{{ lookup('items', [1, 2]) }}", vars)).toEqual([1, 2]);
    expect(render("{{ lookup('items', ['a', 'b']) }}", vars)).toBe('a,b');
    expect(render("{{ query('list', [1, 2]) }}", vars)).toEqual([[1, 2]]);
    expect(render("{{ query('list', 'a', 'b') }}", vars)).toEqual(['a', 'b']);
  });
});

describe('mistakes are found when the template is read, with their column', () => {
  it.each([
    ["{{ x | nosuch }}", /unknown filter 'nosuch'/],
    ['{{ x is bogus }}', /unknown test 'is bogus'/],
    ['{% if x %}never closed', /never closed/],
    ['{% endfor %}', /misplaced statement '\{% endfor %\}'/],
  ])('%s', (template, message) => {
    const err = failure(() => render(template, {}));
    expect(err.code).toBe('PARSE');
    expect(err.message).toMatch(message);
  });
});

describe('the reference (docs/templates.md) lists every name', () => {
  const doc = readFileSync(new URL('../../../docs/templates.md', import.meta.url), 'utf8');
  it('filters, tests and functions', () => {
    for (const f of jinjaFilterNames()) expect(doc).toContain(`\`${f}\``);
    for (const t of tests.keys()) if (/^\w+$/.test(t)) expect(doc, t).toMatch(new RegExp(`\`${t}\`|\`is ${t}|${t}`));
    for (const g of GLOBALS) expect(doc, g).toContain(g);
    expect(Object.keys(TEST_DOCS).length).toBeGreaterThan(30);
    expect(Object.keys(FUNCTION_DOCS)).toContain('range');
  });
});
