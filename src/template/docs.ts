import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { filters } from './filters/index';

const INTRO = `# Template helpers

Generated from \`src/template/filters/\` by \`npx tsx src/template/docs.ts\`; do not edit by hand.

tsrun renders strings with [Handlebars](https://handlebarsjs.com/) (no HTML escaping): \`{{ var }}\`, \`{{ a.b }}\`,
\`{{ list.[0] }}\`, blocks \`{{#if cond}}...{{else}}...{{/if}}\`, \`{{#each list}}{{this}}{{/each}}\` (outer variables stay
visible inside blocks), \`{{#unless}}\`, \`{{#with}}\`. Helpers come before their arguments and nest with parentheses:
\`{{join (map_attr users "name") ", "}}\`.

- **Strict**: an undefined variable is an error naming it (\`{{#if x}}\` too: use \`{{#if (defined x)}}\`).
  Only the arguments of \`default\`, \`mandatory\` and \`defined\` may be undefined.
- **Typed**: a string that is one whole expression keeps its type: \`"{{ ports }}"\` is a list, \`"{{ port }}"\` a number.
  Inside text, lists and mappings are written as JSON.
- **Jinja pipes**: simple Ansible filters are translated: \`{{ x | default('y') | upper }}\`, \`{{ items | join(',') }}\`,
  \`{{ users | map(attribute='name') | list }}\`-style chains of the helpers below, \`{{ a[0] }}\`, \`{{ a['b'] }}\`.
  Anything else (operators, \`{% if %}\`) is an error suggesting the Handlebars form.
- The same helpers are filters in conditions (\`when: result.stdout_lines | length > 0\`).

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
  return `${INTRO}${rows.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/templates.md', import.meta.url), helperReference());
}
