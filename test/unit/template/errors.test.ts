import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from '../helpers/failure';
import { render, renderFile } from '../../../src/template/index';

const where = { task: 'configure nginx', location: { file: 'site.yml', line: 10, col: 12 } };
const vars = { app: { name: 'web' }, nodes: ['a'], port: 80, text: 'x' };


/** [template, code, message pattern, line, col] with the template at site.yml:10:12. */
const cases: [string, string, RegExp, number, number][] = [
  ['{{ proxy }}', 'UNDEFINED', /undefined variable 'proxy'/, 10, 15],
  ['a\n  {{ proxy }}', 'UNDEFINED', /undefined variable 'proxy'/, 11, 6],
  ['{{ app.missing }}', 'UNDEFINED', /undefined variable 'app.missing': 'app' is a mapping without 'missing'/, 10, 15],
  ['{{ app.name.x }}', 'UNDEFINED', /'app.name' is a string without 'x'/, 10, 15],
  ['{{ nodes.[3] }}', 'UNDEFINED', /undefined variable 'nodes.3'/, 10, 15],
  ['{{upper nope}}', 'UNDEFINED', /undefined variable 'nope'/, 10, 20],
  ['{{#if nope}}x{{/if}}', 'UNDEFINED', /undefined variable 'nope'/, 10, 18],
  ['{{#each nodes}}{{nope}}{{/each}}', 'UNDEFINED', /undefined variable 'nope'/, 10, 29],
  ['{{mandatory nope "set nope in group_vars"}}', 'UNDEFINED', /set nope in group_vars/, 10, 12],
  ['{{lookup app "nope"}}', 'UNDEFINED', /no key 'nope'/, 10, 12],
  ['{{jion nodes ","}}', 'UNDEFINED', /unknown template helper 'jion'/, 10, 12],
  ['{{join port}}', 'SCHEMA', /join expects a list, got number/, 10, 12],
  ['{{#if}}', 'PARSE', /template syntax error: unexpected end of template/, 10, 19],
  ['x\n {{foo', 'PARSE', /template syntax error: unclosed/, 11, 2],
  ['{{#each nodes}}{{/if}}', 'PARSE', /each doesn't match if/, 10, 15],
  ['{{> partial}}', 'PARSE', /partials are not supported/, 10, 12],
  ['{% if x %}y{% endif %}', 'UNDEFINED', /undefined variable 'x'/, 10, 12],
  ['a {% for %}{% endfor %}', 'PARSE', /expected '\{% for NAME in EXPRESSION %\}'/, 10, 14],
  ["{{ x | nosuchfilter('a') }}", 'PARSE', /unknown filter 'nosuchfilter'/, 10, 19],
  ['{% if x %}y', 'PARSE', /never closed/, 10, 12],
  ['{{ constructor.constructor }}', 'PARSE', /access to 'constructor' is not allowed/, 10, 15],
  ['{{ app.__proto__ }}', 'PARSE', /access to '__proto__' is not allowed/, 10, 15],
  ['{{lookup app "constructor"}}', 'UNDEFINED', /no key 'constructor'/, 10, 12],
  ['{{upper (constructor)}}', 'PARSE', /access to 'constructor' is not allowed/, 10, 20],
];

describe('template errors', () => {
  for (const [template, code, message, line, col] of cases) {
    it(`${JSON.stringify(template)} -> ${code}`, () => {
      const err = failure(() => render(template, vars, where));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      expect(err.task).toBe('configure nginx');
      expect(err.location).toEqual({ file: 'site.yml', line, col });
    });
  }

  it('names what was rendered and gives the template position when there is no file location', () => {
    const err = failure(() => render('ab\n{{ nope }}', {}, { what: 'argument dest' }));
    expect(err.message).toBe("argument dest: undefined variable 'nope' (template line 2, column 4)");
    expect(err.location).toBeUndefined();
  });

  it('never reaches prototypes through helpers', () => {
    expect(() => render('{{lookup (lookup app "name") "constructor"}}', vars)).toThrow(/no key 'constructor'/);
    expect(render('{{ app.name.length }}', vars)).toBe(3);
  });
});

describe('renderFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-tpl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a file as text and reports errors at the file line', () => {
    const path = join(dir, 'nginx.conf.hbs');
    writeFileSync(path, 'listen {{ port }};\n{{#each nodes}}server {{this}};\n{{/each}}root {{ docroot }};\n');
    const err = failure(() => renderFile(path, vars, { task: 'nginx config' }));
    expect(err.location).toEqual({ file: path, line: 3, col: 18 });
    expect(err.task).toBe('nginx config');
    expect(renderFile(path, { ...vars, docroot: '/srv' })).toBe('listen 80;\nserver a;\nroot /srv;\n');
  });

  it('reports a missing template file', () => {
    expect(failure(() => renderFile(join(dir, 'none.hbs'), vars)).code).toBe('NOT_FOUND');
  });
});

describe('inherited names', () => {
  it('treats Object.prototype members as undefined variables, silently', () => {
    const logged: unknown[] = [];
    const original = console.error;
    const originalWarn = console.warn;
    console.error = (...args: unknown[]) => logged.push(args);
    console.warn = (...args: unknown[]) => logged.push(args);
    try {
      expect(() => render('{{ toString }}', {})).toThrow(/undefined variable 'toString'/);
      expect(() => render('{{ hasOwnProperty }}', {})).toThrow(/undefined variable 'hasOwnProperty'/);
    } finally {
      console.error = original;
      console.warn = originalWarn;
    }
    expect(logged).toEqual([]);
  });
});
