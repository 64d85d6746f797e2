import { TsrunError } from '../core/errors';
import { didYouMean } from '../modules/args';
import { registry } from '../modules/index';
import { specialActions, type ActionDoc } from '../playbook/actions';
import { keywords, type KeywordDoc } from '../playbook/keywords';

/** What `tsrun doc -t` documents, as ansible-doc's plugin types. */
export type DocType = 'module' | 'keyword';

/** Every module and special action (meta, include_tasks...), sorted by name: all a task's key can be. */
export function allModules(): ActionDoc[] {
  return [...registry.values(), ...specialActions].sort((a, b) => a.name.localeCompare(b.name));
}

/** A module or special action by its name as a task takes it: `copy`, `ansible.builtin.copy`, `ansible.legacy.copy`. */
export function findModule(name: string): ActionDoc {
  const short = name.replace(/^ansible\.(builtin|legacy)\./, '');
  const found = allModules().find((m) => m.name === short);
  if (!found) throw new TsrunError('USAGE', `no module named "${name}"${didYouMean(short, allModules().map((m) => m.name))}`);
  return found;
}

/** A playbook keyword by name. */
export function findKeyword(name: string): KeywordDoc {
  const found = keywords.find((k) => k.name === name);
  if (!found) throw new TsrunError('USAGE', `no keyword named "${name}"${didYouMean(name, keywords.map((k) => k.name))}`);
  return found;
}
