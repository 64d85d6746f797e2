import type { Become, Connection } from '../connection/types';
import type { HostModel } from '../predict/model';

/** Argument types, as in Ansible's argument specs. `mode` accepts 0644 (YAML 1.1 octal) or '0644' or 'u+rwx'. */
export type ArgType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'path' | 'mode' | 'raw';

/** One argument, declared as data: drives validation, error messages and `tsrun doc`. */
export interface ArgDef {
  type: ArgType;
  description: string;
  required?: boolean;
  default?: unknown;
  choices?: readonly (string | number | boolean)[];
  aliases?: readonly string[];
  /** Element type for lists. */
  elements?: ArgType;
  /** Sub-options of a `dict`, or of each element of a `list` of `dict` elements, as Ansible's nested `options`. */
  options?: ArgSpec;
  /** The value is a secret: never printed in output, diffs or logs. */
  noLog?: boolean;
}

export type ArgSpec = Record<string, ArgDef>;

/** One value a module returns (what `register` exposes), declared beside its arguments as Ansible's RETURN block. */
export interface ReturnDef {
  type: 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'raw';
  description: string;
  /** When it is present: `always`, `success`, `changed`, or a condition in words. */
  returned: string;
  sample?: unknown;
}

export type ReturnSpec = Record<string, ReturnDef>;

/** A change shown by --diff: a file's content, or readable lines for mode/owner/package/service changes. */
export type Diff =
  | { kind: 'file'; path: string; before: string; after: string }
  | { kind: 'lines'; lines: string[] };

/** What a module reports; the same shape for every module. `data` holds what `register` exposes (rc, stdout, stat...). */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  /** Set when the module did nothing because it cannot predict its outcome in check mode, with the reason in msg. */
  skipped?: boolean;
  msg?: string;
  diff?: Diff[];
  data?: Record<string, unknown>;
}

/** Everything a module may use; passed explicitly, never global. */
export interface ModuleContext {
  conn: Connection;
  /** Check mode: report what would change, change nothing. */
  check: boolean;
  /** Diff mode: fill ModuleResult.diff. Modules may always fill it; output decides whether to show it. */
  diff: boolean;
  become?: Become;
  /** Environment variables for commands (the task's `environment`). */
  environment?: Record<string, string>;
  /** The task's timeout. */
  timeoutMs?: number;
  /** Variables visible to the task (inventory, facts, registered results). */
  vars: Record<string, unknown>;
  /** Resolves a relative path in the role's/playbook's `files/` or `templates/` to an absolute controller path. */
  findFile(kind: 'files' | 'templates', name: string): string;
  /** Renders a template with the task's variables (strict); `file`: a template file, its syntax by extension and its own lines in errors. */
  render(template: string, file?: string): string;
  /** Evaluates a conditional expression (`when` syntax) with the task's variables. */
  evaluate(expression: string): unknown;
  /** In a --check run: what earlier tasks would have changed on this host, read before the host and updated by predictions. */
  model?: HostModel;
  /** Told every piece of host state the read step found (`file:/path`, `pkg:name`, `unit:name`), for saved plans. */
  observe?(key: string, value: string): void;
}

/** One module per file, named after its YAML key. */
export interface Module<A = Record<string, unknown>> {
  name: string;
  /** One line for `tsrun doc` lists. */
  summary: string;
  /** Longer documentation for `tsrun doc NAME`. */
  description?: string;
  args: ArgSpec;
  /** What `register` holds besides `changed`, `failed`, `msg` and `diff`: documented by `tsrun doc`. */
  returns: ReturnSpec;
  /** Free-form `k=v` string form: the argument that takes the text that is not k=v (command's `cmd`). */
  freeForm?: string;
  /** Accepts any arguments (set_fact): no validation against `args`. */
  anyArgs?: boolean;
  /** Whether the module runs on the controller only (no connection use): debug, set_fact, assert, fail. */
  controllerOnly?: boolean;
  /** Examples for `tsrun doc`. */
  examples?: string;
  run(ctx: ModuleContext, args: A): Promise<ModuleResult>;
}

/** The plan a state module computes from the current state: a pure function of (state, args). */
export interface Plan<C = unknown> {
  changed: boolean;
  diff: Diff[];
  /** Why nothing changes, or what will change, in a few words. */
  msg?: string;
  /** What apply needs to do. */
  change?: C;
  /** Fields for `register`, known before applying. */
  data?: Record<string, unknown>;
}

/** The read state -> pure plan -> apply contract that idempotent modules follow. */
export interface StateModuleDef<A, S, C> extends Omit<Module<A>, 'run'> {
  read(ctx: ModuleContext, args: A): Promise<S>;
  plan(state: S, args: A): Plan<C>;
  apply(ctx: ModuleContext, args: A, plan: Plan<C>): Promise<Record<string, unknown> | void>;
  /** In a --check run, records in the model what apply would have done, so later tasks predict against it. */
  predict?(model: HostModel, args: A, plan: Plan<C>, state: S): void;
}

/** Builds a Module from the read/plan/apply contract. Check mode stops after the plan. */
export function stateModule<A, S, C>(def: StateModuleDef<A, S, C>): Module<A> {
  const { read, plan, apply, predict, ...meta } = def;
  return {
    ...meta,
    async run(ctx, args) {
      const state = await read(ctx, args);
      const p = plan(state, args);
      const base: ModuleResult = { changed: p.changed, diff: p.diff, msg: p.msg, data: p.data };
      if (ctx.check && p.changed && ctx.model) predict?.(ctx.model, args, p, state);
      if (!p.changed || ctx.check) return base;
      const extra = await apply(ctx, args, p);
      return { ...base, data: { ...p.data, ...(extra ?? {}) } };
    },
  };
}
