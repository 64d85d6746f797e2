import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registry } from '../modules/index';
import { moduleDoc } from './doc';

/** The module reference (docs/modules.md), generated from every module's argument schema. */
export function moduleReference(): string {
  const names = [...registry.keys()].sort();
  const intro = [
    '# Modules',
    '',
    'Generated from the modules\' argument schemas by `npx tsx src/cli/module-docs.ts`; do not edit by hand.',
    'The same text is printed by `tsrun doc NAME`. Every module supports check mode and diff, and reports',
    '`changed` only when it changed something.',
    '',
    names.map((n) => `[${n}](#${n})`).join(' · '),
  ];
  const sections = names.map((n) => `## ${n}\n\n\`\`\`\n${moduleDoc(n)}\n\`\`\``);
  return `${[...intro, '', ...sections].join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../../docs/modules.md', import.meta.url), moduleReference());
}
