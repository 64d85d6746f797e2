/** A host with everything a play needs to know about it. */
export interface Host {
  name: string;
  /** All groups it belongs to, ancestors and 'all' included, lowest variable precedence first. */
  groups: string[];
  /** Merged per precedence (see load.ts), plus inventory_hostname, group_names, inventory_dir, inventory_file. */
  vars: Record<string, unknown>;
  /** True for the implicit localhost, which is in no group (not even 'all'). */
  implicit?: boolean;
}

/** A group: its direct hosts and child groups, and its own variables (inventory file, then group_vars). */
export interface Group {
  name: string;
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
}

/** A loaded inventory. */
export interface Inventory {
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
  /** Host names in inventory order (first appearance across sources); the implicit localhost is not listed. */
  order: string[];
}

/** Options for loading an inventory. */
export interface LoadOptions {
  /** Directory of the playbook, whose group_vars/ and host_vars/ also apply. */
  playbookDir?: string;
}
