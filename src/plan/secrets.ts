import { resolve } from 'node:path';
import { loadInventory } from '../inventory/index';

/** Variable names whose values a saved plan never shows. */
const SECRET_NAME = /pass|secret|token|credential|private_key$|api_key|vault/i;

function collect(vars: Record<string, unknown>, out: Set<string>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string' && v.length >= 4 && SECRET_NAME.test(k)) out.add(v);
    else if (v && typeof v === 'object' && !Array.isArray(v) && SECRET_NAME.test(k)) for (const x of Object.values(v)) if (typeof x === 'string' && x.length >= 4) out.add(x);
  }
}

/** The values of secret-named variables of the inventory (group_vars and host_vars too) and the extra vars, longest first. */
export async function secretValues(inventory: string[], playbook: string, extraVars: Record<string, unknown>, more: string[] = []): Promise<string[]> {
  const out = new Set<string>(more.filter((s) => s.length >= 4));
  collect(extraVars, out);
  const inv = await loadInventory(inventory, { playbookDir: resolve(playbook, '..') });
  for (const h of inv.hosts.values()) collect(h.vars, out);
  return [...out].sort((a, b) => b.length - a.length);
}
