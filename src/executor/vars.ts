import type { Play, RoleUse } from '../playbook/types';
import type { HostRun } from './host';

/** What every task's variables are built from, besides the host itself. */
export interface PlayVars {
  play: Play;
  /** Play vars merged with its vars_files, in that order. */
  playVars: Record<string, unknown>;
  /** Per host: the vars_files whose names use host variables (read after facts are gathered). */
  hostPlayVars: Map<string, Record<string, unknown>>;
  /** Every role's defaults in the play, in load order (Ansible exposes them play-wide). */
  roleDefaults: Record<string, unknown>;
  extraVars: Record<string, unknown>;
  /** Magic variables shared by all hosts (groups, hostvars, play hosts, check mode). */
  magic: Record<string, unknown>;
}

/** Ansible's `omit` placeholder: an argument rendered to it is dropped. */
export const OMIT = '__omit_place_holder__tsrun';

/**
 * A task's variables for one host, lowest precedence first:
 * role defaults < inventory (group vars < host vars) < facts < play vars < vars_files < role vars
 * < block vars < task vars < set_fact/register < role params < extra vars.
 */
export function taskVars(pv: PlayVars, host: HostRun, roleUse: RoleUse | undefined, scoped: Record<string, unknown>): Record<string, unknown> {
  return {
    ...pv.roleDefaults,
    ...roleUse?.role.defaults,
    ...host.inventoryVars,
    ...host.facts,
    ...pv.playVars,
    ...pv.hostPlayVars.get(host.name),
    ...roleUse?.role.vars,
    ...scoped,
    ...host.hostFacts,
    ...roleUse?.params,
    ...pv.extraVars,
    ...pv.magic,
    ansible_facts: host.ansibleFacts(),
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    role_name: roleUse?.role.name,
    role_path: roleUse?.role.path,
    omit: OMIT,
  };
}

/**
 * `hostvars`: every host's variables, built when read so that later facts show. `scopeOf` gives host h's own
 * variables with their templates rendered lazily in h's scope (Ansible renders `hostvars.h2.addr` as h2 sees it).
 */
export function hostvarsOf(hosts: Map<string, HostRun>, scopeOf: (host: HostRun) => Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, host] of hosts) {
    Object.defineProperty(out, name, { enumerable: true, get: () => scopeOf(host) });
  }
  return out;
}
