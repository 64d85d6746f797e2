import { TsrunError, type SourceLocation } from '../core/errors';
import { exactValueLocation } from '../yaml/load';
import type { RoleUse } from '../playbook/types';
import type { HostRun } from './host';
import { renderDeep } from '../template/index';
import { hasTemplate, type Where } from './render';
import { taskVars, type PlayVars } from './vars';

/** Magic variables that list hosts or groups by name: in a task, Ansible's value wins over a host's own of that name. */
const HOST_LISTS: ReadonlySet<string> = new Set(['hostvars', 'groups', 'play_hosts', 'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_batch']);

/** The magic variables of the play rather than of a host: Ansible's hostvars[h] leaves them out. */
const PLAY_ONLY: ReadonlySet<string> = new Set(['hostvars', 'play_hosts', 'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_batch', 'ansible_play_name']);

/** Of the host lists, those hostvars[h] shows, where they win over h's own variables as they do in a task. */
const HOSTVARS_LISTS: ReadonlySet<string> = new Set([...HOST_LISTS].filter((k) => !PLAY_ONLY.has(k)));

const NONE: ReadonlySet<string> = new Set();

/**
 * Variables whose values are templates (`proxy: "{{ lab_proxy }}"`) are rendered when first read, as Ansible
 * does it: an unused variable with an error never fails a task, and conditions see rendered values. The getter
 * renders against the object it is read from, so a copy made with `extend` sees that copy's extra variables.
 */
export function lazyVars(
  raw: Record<string, unknown>, where: Where, settled: Record<string, unknown> = {}, locate: (key: string) => SourceLocation | undefined = () => undefined,
  hostLists: ReadonlySet<string> = NONE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const resolving = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    // The magic host lists (those in hostLists hold the magic value here) are names, never templates, and hostvars
    // reads every host's variables: walking them for templates would cost hosts x hosts per task. Registered
    // results and set_fact values were rendered once already (Ansible marks results unsafe): never again.
    if (hostLists.has(key) || settled[key] === value || !hasTemplate(value)) {
      out[key] = value;
      continue;
    }
    Object.defineProperty(out, key, {
      enumerable: true,
      configurable: true,
      get(this: Record<string, unknown>) {
        if (resolving.has(key)) throw new TsrunError('UNDEFINED', `variable "${key}" refers to itself`, { task: where.task, location: where.location });
        resolving.add(key);
        try {
          // an error in a variable's template points at the variable's own value, naming the task that read it
          const rendered = renderDeep(value, this, { ...where, location: locate(key) ?? where.location });
          Object.defineProperty(this, key, { value: rendered, enumerable: true, configurable: true, writable: true });
          return rendered;
        } finally {
          resolving.delete(key);
        }
      },
    });
  }
  return out;
}

/** A copy of a variables object with more variables on top, keeping unrendered variables lazy. */
export function extend(vars: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  Object.defineProperties(out, Object.getOwnPropertyDescriptors(vars));
  for (const [key, value] of Object.entries(extra)) {
    Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

/** A task's variables for one host (see taskVars for the precedence), with templates rendered on first read. */
export function hostTaskVars(pv: PlayVars, host: HostRun, roleUse: RoleUse | undefined, scoped: Record<string, unknown>, where: Where = {}): Record<string, unknown> {
  return lazyVars(taskVars(pv, host, roleUse, scoped), where, host.hostFacts, varLocator(pv, host, roleUse, scoped), HOST_LISTS);
}

/** Where the value a task sees for a variable is written, when it came from a YAML file (play, role, vars_files). */
export function varLocator(pv: PlayVars, host: HostRun, roleUse: RoleUse | undefined, scoped: Record<string, unknown>): (key: string) => SourceLocation | undefined {
  // the layers of taskVars, highest precedence first: the one that gives the variable tells where it is written
  const layers = [
    pv.extraVars, roleUse?.params, host.hostFacts, scoped, roleUse?.role.vars, pv.hostPlayVars.get(host.name), pv.playVars, host.facts, host.inventoryVars,
    roleUse?.role.defaults, ...pv.play.roles.map((u) => u.role.defaults).reverse(),
  ];
  return (key) => {
    const layer = layers.find((l) => l && Object.hasOwn(l, key));
    return layer && exactValueLocation(layer, key);
  };
}

/**
 * What `hostvars[h]` shows: h's inventory variables, facts, set_fact and registered results, and the magic
 * variables that are not the play's (over h's own of the same name, as in a task), with templates rendered lazily in
 * h's own scope. Play variables are not part of it (as in Ansible).
 */
export function hostScope(pv: PlayVars, host: HostRun): Record<string, unknown> {
  const magic: Record<string, unknown> = {};
  // read one by one: the play's host lists are getters that filter every host
  for (const key of Object.keys(pv.magic)) if (!PLAY_ONLY.has(key)) magic[key] = pv.magic[key];
  const raw = { ...host.visibleVars(), ...magic, inventory_hostname: host.name, inventory_hostname_short: host.name.split('.')[0] };
  return lazyVars(raw, {}, host.hostFacts, undefined, HOSTVARS_LISTS);
}
