import { TsrunError } from '../core/errors';
import { didYouMean } from '../modules/args';
import { registry } from '../modules/index';

/** `tsrun doc [MODULE]`: documentation generated from each module's argument schema. */
export function moduleDoc(name?: string): string {
  if (!name) {
    const width = Math.max(...[...registry.keys()].map((k) => k.length));
    return [...registry.values()].sort((a, b) => a.name.localeCompare(b.name)).map((m) => `${m.name.padEnd(width)}  ${m.summary}`).join('\n');
  }
  // `ansible.builtin.copy` is `copy`, as in a task
  const mod = registry.get(name.replace(/^ansible\.(builtin|legacy)\./, ''));
  if (!mod) throw new TsrunError('USAGE', `no module named "${name}"${didYouMean(name, registry.keys())}`);
  const lines = [`${mod.name}: ${mod.summary}`, ''];
  if (mod.description) lines.push(mod.description, '');
  if (mod.freeForm) lines.push(`Free form: "${mod.name}: TEXT" sets ${mod.freeForm}.`, '');
  lines.push('Arguments:');
  for (const [arg, def] of Object.entries(mod.args)) {
    const facts = [
      def.type + (def.elements ? ` of ${def.elements}` : ''),
      def.required ? 'required' : undefined,
      def.default !== undefined ? `default: ${JSON.stringify(def.default)}` : undefined,
      def.choices ? `choices: ${def.choices.join(', ')}` : undefined,
      def.aliases?.length ? `aliases: ${def.aliases.join(', ')}` : undefined,
      def.noLog ? 'secret' : undefined,
    ].filter(Boolean);
    lines.push(`  ${arg} (${facts.join('; ')})`, `      ${def.description}`);
  }
  if (mod.anyArgs) lines.push('  (any key: value pairs)');
  for (const group of mod.exclusive ?? []) lines.push(`  Mutually exclusive: ${group.join(', ')}.`);
  for (const group of mod.requiredOneOf ?? []) lines.push(`  One of these is required: ${group.join(', ')}.`);
  if (mod.examples) lines.push('', 'Examples:', ...mod.examples.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}
