import type { SourceLocation } from '../core/errors';
import type { ArgSpec } from '../modules/types';
import type { VarsFileEntry } from './vars-files';

/** Keywords a task (or block, or handler) may carry besides its module; values are raw, rendered at run time. */
export interface TaskKeywords {
  when?: unknown[];
  loop?: unknown;
  loop_control?: { loop_var?: string; label?: string; index_var?: string; pause?: number };
  register?: string;
  notify?: string[];
  listen?: string[];
  changed_when?: unknown;
  failed_when?: unknown;
  ignore_errors?: unknown;
  tags?: string[];
  become?: unknown;
  become_user?: unknown;
  vars?: Record<string, unknown>;
  environment?: unknown;
  check_mode?: unknown;
  diff?: unknown;
  no_log?: unknown;
  until?: unknown;
  retries?: unknown;
  delay?: unknown;
  run_once?: unknown;
  delegate_to?: unknown;
  timeout?: unknown;
  any_errors_fatal?: unknown;
}

/** A loaded role: its files, read once. */
export interface Role {
  name: string;
  path: string;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  handlers: TaskDef[];
  /** From meta/argument_specs.yml (entry point `main`), as module-style argument specs. */
  argSpec?: ArgSpec;
  /** Where each option of meta/argument_specs.yml is declared. */
  argSpecLocations?: Record<string, SourceLocation>;
}

/** A role as used at one place: with its parameters. */
export interface RoleUse {
  role: Role;
  params: Record<string, unknown>;
  /** Where the role is used (its entry under `roles:`, or the import/include), for errors about its arguments. */
  loc?: SourceLocation;
  /** The keywords of the role's entry in the play (become, environment, when...): its handlers run under them too. */
  keywords?: TaskKeywords;
}

/** Where a task came from: files and templates are looked up relative to it. */
export interface TaskScope {
  /** The directory of the file the task is in (the playbook's or a tasks file's). */
  dir: string;
  roleUse?: RoleUse;
}

/** One entry of a task list, after loading. Imports are already expanded into blocks. */
export interface TaskDef {
  kind: 'task' | 'block' | 'include_tasks' | 'include_role';
  /** The task's name as written (may contain templates), or a default made from its module. */
  name: string;
  /** The module's name for kind 'task'. */
  action: string;
  /** The module's raw arguments (a mapping), or the include's arguments. */
  args: Record<string, unknown>;
  kw: TaskKeywords;
  block?: TaskDef[];
  rescue?: TaskDef[];
  always?: TaskDef[];
  loc: SourceLocation;
  /** Where the module key stands; argument errors point here or at the argument itself. */
  argsLoc?: SourceLocation;
  /** The arguments' mapping as loaded from YAML, to locate each argument's key. */
  argsSource?: object;
  /** The task's mapping as loaded from YAML, to locate each keyword's value. */
  source?: Record<string, unknown>;
  scope: TaskScope;
}

/** A play, after loading. Sections are blocks that carry the play's own keywords. */
export interface Play {
  name: string;
  hosts: string;
  vars: Record<string, unknown>;
  varsFiles: VarsFileEntry[];
  gatherFacts: boolean;
  serial?: unknown;
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  /** Inventory groups whose hosts stay together in one shard under `--shard`. */
  shardGroups: string[];
  /** pre_tasks, roles + tasks, post_tasks: handlers are flushed after each. */
  sections: TaskDef[][];
  /** The play's own keywords (become, environment...): handlers run under them too. */
  keywords: TaskKeywords;
  handlers: TaskDef[];
  roles: RoleUse[];
  loc: SourceLocation;
  /** The play's mapping as loaded from YAML, to locate each keyword's value. */
  source?: Record<string, unknown>;
  dir: string;
}
