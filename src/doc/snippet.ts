import type { ActionDoc } from '../playbook/actions';

/**
 * `tsrun doc -s NAME`: a task to paste into a playbook, as ansible-doc's snippet: every argument as a key with
 * no value and its description as a comment, required ones marked. The text is valid YAML.
 */
export function snippet(mod: ActionDoc, asTyped: string): string {
  const entries = Object.entries(mod.args);
  const width = Math.max(0, ...entries.map(([n]) => n.length)) + 2;
  const lines = [`- name: ${mod.summary.replace(/[.:]\s*$/, '').replace(/: /g, ' - ')}`, `  ${asTyped}:`];
  for (const [name, def] of entries) {
    lines.push(`      ${`${name}:`.padEnd(width)} # ${def.required ? '(required) ' : ''}${def.description.replace(/\s+/g, ' ')}`);
  }
  return lines.join('\n');
}
