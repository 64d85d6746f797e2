import { quote } from '../../connection/shell';
import { TsrunError } from '../../core/errors';
import { jinjaUrlencode } from '../../core/url-quote';
import { type Filter, asString } from './types';

/** Python's os.path.basename: what follows the last slash ('' for '/a/b/'). */
function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Python's os.path.dirname: what precedes the last slash, trailing slashes removed ('' for 'x'). */
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** Turns a Python regular expression into a JavaScript one (named groups `(?P<n>` become `(?<n>`). */
function pythonRegex(filter: string, pattern: unknown, named: Record<string, unknown>, global: boolean): RegExp {
  const flags = (global ? 'g' : '') + (named.ignorecase === true ? 'i' : '') + (named.multiline === true ? 'm' : '');
  const source = asString(filter, pattern).replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(source, flags);
  } catch (err) {
    throw new TsrunError('PARSE', `${filter}: invalid regular expression ${JSON.stringify(source)}`, { cause: err });
  }
}

/** Expands Python replacement syntax (`\1`, `\g<1>`, `\g<name>`) against one match. */
function expand(replacement: string, groups: (string | undefined)[], namedGroups: Record<string, string> | undefined): string {
  return replacement.replace(/\\(?:(\d+)|g<(\w+)>|(\\))/g, (_all, num: string | undefined, ref: string | undefined) => {
    if (num === undefined && ref === undefined) return '\\';
    const key = num ?? ref ?? '';
    const value = /^\d+$/.test(key) ? groups[Number(key)] : namedGroups?.[key];
    return value ?? '';
  });
}

function jinjaIndent(text: string, width: unknown, first: unknown, blank: unknown): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(typeof width === 'number' ? width : 4);
  return text
    .split('\n')
    .map((line, i) => ((i === 0 && first !== true) || (line.trim() === '' && blank !== true) ? line : pad + line))
    .join('\n');
}

/** Text transformations. */
export const stringFilters: Filter[] = [
  {
    name: 'lower', signature: 'TEXT', description: 'TEXT in lower case.',
    example: { template: '{{lower "NGINX"}}', output: 'nginx' }, fn: ([v]) => asString('lower', v).toLowerCase(),
  },
  {
    name: 'upper', signature: 'TEXT', description: 'TEXT in upper case.',
    example: { template: '{{upper "nginx"}}', output: 'NGINX' }, fn: ([v]) => asString('upper', v).toUpperCase(),
  },
  {
    name: 'capitalize', signature: 'TEXT', description: 'First letter upper case, the rest lower case.',
    example: { template: '{{capitalize "hELLO"}}', output: 'Hello' },
    fn: ([v]) => { const s = asString('capitalize', v); return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); },
  },
  {
    name: 'trim', signature: 'TEXT', description: 'TEXT without leading and trailing whitespace.',
    example: { template: '[{{trim "  a b  "}}]', output: '[a b]' }, fn: ([v]) => asString('trim', v).trim(),
  },
  {
    name: 'replace', signature: 'TEXT OLD NEW', description: 'Every OLD in TEXT replaced by NEW (plain text, not a pattern).',
    example: { template: '{{replace "a-b-c" "-" "_"}}', output: 'a_b_c' },
    fn: ([v, from, to, count]) => {
      const parts = asString('replace', v).split(asString('replace', from));
      // Jinja's optional COUNT replaces only the first COUNT occurrences
      const n = typeof count === 'number' ? Math.max(0, count) : parts.length;
      return parts.slice(0, n + 1).join(asString('replace', to)) + (parts.length > n + 1 ? asString('replace', from) + parts.slice(n + 1).join(asString('replace', from)) : '');
    },
  },
  {
    name: 'regex_replace', signature: 'TEXT PATTERN REPLACEMENT [ignorecase=true] [multiline=true]',
    description: 'Every match of the Python-style PATTERN replaced; REPLACEMENT may use \\1 or \\g<name>.',
    example: { template: '{{regex_replace "host-01" "^(\\w+)-(\\d+)$" "\\2.\\1"}}', output: '01.host' },
    fn: ([v, pattern, repl], named) =>
      asString('regex_replace', v).replace(pythonRegex('regex_replace', pattern, named, true), (...m: unknown[]) => {
        const last = m[m.length - 1];
        const namedGroups = typeof last === 'object' && last !== null ? (last as Record<string, string>) : undefined;
        const groups = m.slice(0, namedGroups ? -3 : -2) as (string | undefined)[];
        return expand(asString('regex_replace', repl), groups, namedGroups);
      }),
  },
  {
    name: 'regex_search', signature: 'TEXT PATTERN [ignorecase=true] [multiline=true]',
    description: 'The first match of PATTERN in TEXT, or null when there is none; with group references (`\\1`, `\\g<name>`) after PATTERN, the list of those groups.',
    example: { template: '{{regex_search "version 1.24.0" "\\d+\\.\\d+"}}', output: '1.24' },
    fn: ([v, pattern, ...refs], named) => {
      const m = asString('regex_search', v).match(pythonRegex('regex_search', pattern, named, false));
      if (!m || refs.length === 0) return m?.[0] ?? null;
      // as Ansible: each `\N` or `\g<name>` names a group, and the result is their values in that order
      return refs.map((r) => {
        const ref = /^\\(?:(\d+)|g<(\w+)>)$/.exec(asString('regex_search', r));
        if (!ref) throw new TsrunError('PARSE', `regex_search: unknown argument ${JSON.stringify(r)}`, { expected: 'a group reference such as \\1 or \\g<name>' });
        return ref[1] !== undefined ? m[Number(ref[1])] ?? null : m.groups?.[ref[2]] ?? null;
      });
    },
  },
  {
    name: 'split', signature: 'TEXT [SEP]', description: 'TEXT split on SEP into a list; without SEP, on runs of whitespace.',
    example: { template: '{{#each (split "a,b" ",")}}[{{this}}]{{/each}}', output: '[a][b]' },
    fn: ([v, sep]) => {
      const s = asString('split', v);
      return sep === undefined || sep === null ? s.split(/\s+/).filter((w) => w !== '') : s.split(asString('split', sep));
    },
  },
  {
    name: 'indent', signature: 'TEXT [WIDTH] [FIRST] [BLANK]',
    description: 'Every line but the first indented by WIDTH spaces (default 4); FIRST true indents the first too, BLANK true blank lines too.',
    example: { template: 'x:\n  {{indent text 2}}', vars: { text: 'a\nb' }, output: 'x:\n  a\n  b' },
    fn: ([v, width, first, blank]) => jinjaIndent(asString('indent', v), width, first, blank),
  },
  {
    name: 'quote', signature: 'TEXT', description: 'TEXT quoted for a POSIX shell command line.',
    example: { template: 'echo {{quote msg}}', vars: { msg: "it's" }, output: "echo 'it'\\''s'" },
    fn: ([v]) => quote(asString('quote', v)),
  },
  {
    name: 'basename', signature: 'PATH', description: 'The last component of PATH.',
    example: { template: '{{basename "/etc/nginx/nginx.conf"}}', output: 'nginx.conf' }, fn: ([v]) => pyBasename(asString('basename', v)),
  },
  {
    name: 'dirname', signature: 'PATH', description: 'PATH without its last component.',
    example: { template: '{{dirname "/etc/nginx/nginx.conf"}}', output: '/etc/nginx' }, fn: ([v]) => pyDirname(asString('dirname', v)),
  },
  {
    name: 'b64encode', signature: 'TEXT', description: 'TEXT (UTF-8) in base64.',
    example: { template: '{{b64encode "hi"}}', output: 'aGk=' }, fn: ([v]) => Buffer.from(asString('b64encode', v), 'utf8').toString('base64'),
  },
  {
    name: 'urlencode', signature: 'VALUE', description: "VALUE percent-encoded for a URL ('/' kept); a mapping as a query string.",
    example: { template: '{{urlencode "a b/c&d"}}', output: 'a%20b/c%26d' }, fn: ([v]) => jinjaUrlencode(v),
  },
  {
    name: 'b64decode', signature: 'TEXT', description: 'base64 TEXT decoded to UTF-8 text.',
    example: { template: '{{b64decode "aGk="}}', output: 'hi' }, fn: ([v]) => Buffer.from(asString('b64decode', v), 'base64').toString('utf8'),
  },
];
