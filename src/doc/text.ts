import YAML from 'yaml';
import type { ArgDef, ReturnDef } from '../modules/types';
import type { ActionDoc } from '../playbook/actions';
import { keywords, type KeywordDoc } from '../playbook/keywords';
import { allModules } from './catalog';
import { keywordJson } from './json';

/** `tsrun doc -l`: one line per module (or keyword), its name and summary. */
export function listText(type: 'module' | 'keyword'): string {
  const rows = type === 'module' ? allModules().map((m) => [m.name, m.summary]) : keywords.map((k) => [k.name, k.description]);
  const width = Math.max(...rows.map(([n]) => n.length));
  return rows.map(([n, s]) => `${n.padEnd(width)}  ${s}`).join('\n');
}

/** `tsrun doc NAME`: a module's summary, arguments, return values and examples. */
export function moduleText(mod: ActionDoc): string {
  const lines = [`${mod.name}: ${mod.summary}`, ''];
  if (mod.description) lines.push(mod.description, '');
  if (mod.freeForm) lines.push(`Free form: "${mod.name}: TEXT" sets ${mod.freeForm}.`, '');
  lines.push('Arguments:');
  for (const [arg, def] of Object.entries(mod.args)) lines.push(`  ${arg} (${argFacts(def).join('; ')})`, `      ${def.description}`);
  if ('anyArgs' in mod && mod.anyArgs) lines.push('  (any key: value pairs)');
  for (const group of mod.exclusive ?? []) lines.push(`  Mutually exclusive: ${group.join(', ')}.`);
  for (const group of mod.requiredOneOf ?? []) lines.push(`  One of these is required: ${group.join(', ')}.`);
  lines.push('', 'Return values (besides changed, failed, msg and diff):');
  const returns = Object.entries(mod.returns);
  if (returns.length === 0) lines.push('  none');
  for (const [key, def] of returns) lines.push(`  ${key} (${def.type}; returned: ${def.returned})`, `      ${def.description}`, ...sample(def));
  if (mod.examples) lines.push('', 'Examples:', ...mod.examples.split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

/** `tsrun doc -t keyword NAME`: the keyword as ansible-doc prints it (YAML: applies_to, description, type). */
export function keywordText(kw: KeywordDoc): string {
  return YAML.stringify(keywordJson(kw), { lineWidth: 0 }).trimEnd();
}

function argFacts(def: ArgDef): string[] {
  return [
    def.type + (def.elements ? ` of ${def.elements}` : ''),
    def.required ? 'required' : undefined,
    def.default !== undefined ? `default: ${JSON.stringify(def.default)}` : undefined,
    def.choices ? `choices: ${def.choices.join(', ')}` : undefined,
    def.aliases?.length ? `aliases: ${def.aliases.join(', ')}` : undefined,
    def.noLog ? 'secret' : undefined,
  ].filter((f): f is string => f !== undefined);
}

function sample(def: ReturnDef): string[] {
  return def.sample === undefined ? [] : [`      sample: ${JSON.stringify(def.sample)}`];
}
