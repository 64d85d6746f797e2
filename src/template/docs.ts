import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FILTER_DOCS, FUNCTION_DOCS, LOOKUP_DOCS, TEST_DOCS } from '../expr/reference';
import { filters } from './filters/index';

const INTRO = `# Templates and expressions

Generated from \`src/template/filters/\` and \`src/expr/reference.ts\` by \`npx tsx src/template/docs.ts\`; do not edit by hand.

## Which syntax applies where (the rule)

tsrun speaks Ansible's expression language, Jinja2 expressions, everywhere, and keeps Handlebars for blocks:

1. **\`{{ ... }}\` whose content parses as a Jinja expression is a Jinja expression**, in any YAML value and in any
   template file: \`{{ n + 1 }}\`, \`{{ 'pre-' ~ name }}\`, \`{{ users | selectattr('admin', 'defined') | map(attribute='name') | list }}\`,
   \`{{ hostvars[inventory_hostname]['ansible_host'] }}\`, \`{{ lookup('env', 'HOME') }}\`, \`{{ x if c else y }}\`.
2. **Anything else between \`{{ }}\` is Handlebars**: blocks (\`{{#each}}\`, \`{{#if}}\`, \`{{#with}}\`, \`{{#unless}}\`,
   \`{{else}}\`, \`{{/each}}\`), \`{{@index}}\`, \`{{../x}}\`, \`{{~x~}}\` and helper calls with the helper first
   (\`{{join list ","}}\`, \`{{upper (default x "y")}}\`). Jinja expressions inside a Handlebars block see the block's
   context first (\`{{#each users}}{{ name | upper }}{{/each}}\`), then \`this\`, then the variables; a Jinja expression
   that names a block parameter (\`{{#each xs as |x|}}\`) is left to Handlebars.
3. **Jinja statements** (\`{% if %}/{% elif %}/{% else %}/{% endif %}\`, \`{% for x in xs if cond %}...{% else %}...{% endfor %}\`
   with \`loop.index\`, \`loop.first\`, \`loop.last\`..., \`{% set x = expr %}\`, \`{% raw %}\`, \`{# comments #}\`, and
   whitespace control \`{%- -%}\` / \`{{- -}}\`) make a string or file a Jinja template: Handlebars blocks are not read
   in it. As in Ansible, a newline right after a block tag is dropped (trim_blocks).
4. **Files**: \`.j2\` template files are Jinja templates (rule 3 always), \`.hbs\` files are Handlebars with rule 1 for
   their plain \`{{ }}\`; other files go by content, as strings do.
5. **Conditions** (\`when\`, \`changed_when\`, \`failed_when\`, \`until\`, \`assert.that\`, debug's \`var\`) are Jinja
   expressions without braces (braces are accepted, as Ansible does).

Both syntaxes have one evaluator behind them (src/expr: a tokenizer, a precedence-climbing parser, an evaluator
that never runs code). The rules that follow Ansible:

- **Typed**: a string that is exactly one \`{{ expression }}\` keeps the value's type: \`"{{ ports }}"\` is a list,
  \`"{{ n + 1 }}"\` a number. Inside text a value is printed as Python prints it (\`True\`, \`['a', 'b']\`,
  \`{'k': 1}\`), and None as empty text. (Handlebars helpers print lists and mappings as JSON.)
- **Strict**: an undefined variable is an error naming it, the task and file:line:col; \`is defined\`, \`default\`,
  \`mandatory\` see undefined values without failing. \`x.y\` of an undefined \`x\` is undefined too.
- **Rendered once**: a value is rendered once when the task runs; variables holding templates are rendered when
  read, in the scope of the host they belong to (\`hostvars.h2.addr\` as h2 sees it). Registered results and
  set_fact values are data and never rendered again.
- **Escapes**: \`\\{{ x }}\` (a Handlebars escape) prints \`{{ x }}\` outside Jinja statement templates; in those, write
  \`{{ '{{' }}\` or \`{% raw %}...{% endraw %}\` as in Jinja.
- **Checked early**: an expression with a syntax error, an unknown filter, test or function fails before any host is
  touched (see the README, "Load-time checks").

Operators, lowest precedence first: \`x if c else y\`, \`or\`, \`and\`, \`not\`, comparisons (\`== != < > <= >= in\`,
\`not in\`, chained as in Python), \`+ -\`, \`~\` (text concatenation), \`* / // %\` (\`/\` always divides, \`%\` on text
formats), \`**\`, unary \`- +\`, then filters \`|\`, tests \`is\` / \`is not\`, attribute \`.a\`, subscript \`[k]\`, slices
\`[a:b:c]\` and calls. Literals: \`'text'\`, \`"text"\`, numbers, \`[lists]\`, \`{'dicts': 1}\`, \`(tuples,)\`, \`true\`/\`True\`,
\`false\`/\`False\`, \`none\`/\`None\`. Methods: text \`startswith endswith lower upper capitalize title strip lstrip rstrip
split splitlines replace find index count join format isdigit isalpha isalnum zfill\`; mappings \`get keys values
items\`; lists \`index count\`.

`;

function table(title: string, head: string, docs: Record<string, string>): string {
  return `\n## ${title}\n\n| ${head} | what it does |\n| --- | --- |\n${Object.entries(docs).map(([k, v]) => `| \`${k}\` | ${cell(v)} |`).join('\n')}\n`;
}

const HELPERS = `
## Helpers (filters in Jinja, helpers in Handlebars)

Each of these is a Jinja filter (\`list | join(',')\`) and a Handlebars helper (\`{{join list ","}}\`). The examples are
Handlebars; the tests render them.

| helper | arguments | what it does | example | output |
| --- | --- | --- | --- | --- |
`;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '\\n');
}

/** The helper reference (docs/templates.md), one row per helper with an example that the tests render. */
export function helperReference(): string {
  const rows = filters.map((f) => {
    const names = [f.name, ...(f.aliases ?? [])].map((n) => `\`${n}\``).join(', ');
    const vars = f.example.vars ? ` with \`${cell(JSON.stringify(f.example.vars))}\`` : '';
    return `| ${names} | \`${cell(f.signature)}\` | ${cell(f.description)} | \`${cell(f.example.template)}\`${vars} | \`${cell(f.example.output)}\` |`;
  });
  const jinja = table('Filters of the expression language', 'filter', FILTER_DOCS) + table('Tests (`x is name`)', 'test', TEST_DOCS)
    + table('Functions', 'function', FUNCTION_DOCS) + table('Lookups', 'lookup', LOOKUP_DOCS);
  return `${INTRO}${jinja}${HELPERS}${rows.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/templates.md', import.meta.url), helperReference());
}
