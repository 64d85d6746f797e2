import { describe, expect, it } from 'vitest';
import { render, renderDeep, renderString } from '../../../src/template/index';

const vars = {
  nodes: ['a', 'b'],
  port: 8080,
  ssl: false,
  proxy_host: null,
  app: { name: 'web', env: { LANG: 'C' } },
  users: [{ name: 'ann', admin: true }, { name: 'bob', admin: false }],
  items: { x: 1 },
  empty: [],
};

/** [template, expected value]: typed when the template is one whole expression, text otherwise. */
const cases: [string, unknown][] = [
  ['no braces here', 'no braces here'],
  ['{{ nodes }}', ['a', 'b']],
  ['{{ port }}', 8080],
  ['{{ssl}}', false],
  ['{{ proxy_host }}', ''], // Ansible's finalize: None is empty text
  ['port={{ port }}', 'port=8080'],
  ['{{ app.name }}', 'web'],
  ['{{ app.env.LANG }}', 'C'],
  ['{{ nodes.[1] }}', 'b'],
  ['{{ app }}', { name: 'web', env: { LANG: 'C' } }],
  ['list: {{ nodes }}', "list: ['a', 'b']"],
  ['x{{proxy_host}}y', 'xy'],
  ['{{to_json app.env}}', '{"LANG":"C"}'],
  ['{{default proxy "none"}}', 'none'],
  ['{{default app.missing "none"}}', 'none'],
  ['{{default app.missing.deeper 3}}', 3],
  ['{{default port 1}}', 8080],
  ['{{default "" "x" true}}', 'x'],
  ['{{upper (default proxy "direct")}}', 'DIRECT'],
  ['{{#each nodes}}{{this}};{{/each}}', 'a;b;'],
  ['{{#each nodes}}{{@index}}={{this}}:{{port}} {{/each}}', '0=a:8080 1=b:8080 '],
  ['{{#each users as |u|}}{{u.name}} {{/each}}', 'ann bob '],
  ['{{#each items}}{{@key}}={{this}}{{/each}}', 'x=1'],
  ['{{#if ssl}}https{{else}}http{{/if}}', 'http'],
  ['{{#unless ssl}}plain{{/unless}}', 'plain'],
  ['{{#if (defined proxy)}}p{{else}}direct{{/if}}', 'direct'],
  ['{{#with app}}{{name}}/{{port}}{{/with}}', 'web/8080'],
  ['{{#if (and (gt port 1024) (not ssl))}}high{{/if}}', 'high'],
  ['{{join (map_attr (select_attr users "admin") "name") ","}}', 'ann'],
  ['{{length nodes}}', 2],
  ['{{length}}', undefined], // replaced below: a variable named like a helper
  ['{{{ port }}}', 8080],
  ['<{{ "<b>" }}>', '<<b>>'],
  ['{{!-- comment --}}x', 'x'],
  // Jinja pipe sugar
  ["{{ nodes | join(',') }}", 'a,b'],
  ["{{ proxy | default('none') }}", 'none'],
  ["{{ proxy | d('x') | upper }}", 'X'],
  ['{{ nodes | length }}', 2],
  ['{{ nodes | first }}', 'a'],
  ["{{ users | map(attribute='name') | list }}", ['ann', 'bob']],
  ["{{ users | selectattr('admin') | map(attribute='name') | join(', ') }}", 'ann'],
  ["{{ users | selectattr('name', 'equalto', 'bob') | length }}", 1],
  ['{{ nodes[0] }}', 'a'],
  ["{{ app['name'] }}", 'web'],
  ['{{ proxy | default(None) }}', ''],
  ["{{ ssl | ternary('on', 'off') }}", 'off'],
  ['{{ "a|b" | upper }}', 'A|B'],
  ['{{~ port ~}}', 8080],
  // as ansible-core 2.14 (test/conformance/cases/filters-more-2.yml)
  ["{{ proxy_host | ternary('t', 'f', 'n') }}", 'n'],
  ["{{ 'v=12' | regex_search('v=(\\d+)', '\\1') }}", ['12']],
  ["{{ 'k=v' | regex_search('(?P<key>\\w)=(\\w)', '\\g<key>', '\\2') }}", ['k', 'v']],
  ['{{ 2.5 | round }} {{ 3.5 | round }} {{ -2.5 | round }} {{ 2.1 | round(0, "ceil") }}', '2 4 -2 3'],
  ['{{ [1, [2, [3, [4]]]] | flatten(levels=1) }}', [1, 2, [3, [4]]]],
  ["[{{ '/a/b/' | basename }}] [{{ 'x' | dirname }}] [{{ '/a/b/' | dirname }}] [{{ '/x' | dirname }}]", '[] [] [/a/b] [/]'],
  ["{{ 'aaa' | replace('a', 'b', 2) }} {{ 'aaa' | replace('a', 'b') }}", 'bba bbb'],
];

describe('render', () => {
  for (const [template, expected] of cases) {
    if (template === '{{length}}') continue;
    it(`renders ${JSON.stringify(template)}`, () => {
      expect(render(template, vars)).toEqual(expected);
    });
  }

  it('looks a variable named like a helper up as a variable', () => {
    expect(render('{{ length }}/{{first}}', { length: 3, first: 'x' })).toBe('3/x');
  });

  it('renderString always returns text', () => {
    expect(renderString('{{ port }}', vars)).toBe('8080');
    expect(renderString('{{ nodes }}', vars)).toBe("['a', 'b']");
  });

  it('renderDeep renders inside lists and mappings, keys too, and leaves other values alone', () => {
    const input = { '{{ app.name }}_port': '{{ port }}', list: ['{{ nodes }}', 3, true], n: null };
    const before = JSON.stringify(input);
    expect(renderDeep(input, vars)).toEqual({ web_port: 8080, list: [['a', 'b'], 3, true], n: null });
    expect(JSON.stringify(input)).toBe(before);
  });

  it('caches compiled templates without mixing variables', () => {
    expect(render('{{ a }}', { a: 1 })).toBe(1);
    expect(render('{{ a }}', { a: 'two' })).toBe('two');
  });
});
