import type { Become, Connection } from '../connection/types';
import type { Static, TObject } from '@sinclair/typebox';
import type { HostModel } from '../predict/model';
import { Unpredictable } from '../predict/unknown';
import { specOf } from './schema';

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
  /** The one declaration of the arguments (see ./schema): their TypeScript type, checks and docs come from it. */
  schema: TObject;
  /** The arguments as the validator and `tsrun doc` read them, derived from `schema`. */
  args: ArgSpec;
  /** Arguments that may not be given together (Ansible's mutually_exclusive). */
  exclusive?: readonly (readonly string[])[];
  /** Groups of which at least one argument must be given (Ansible's required_one_of). */
  requiredOneOf?: readonly (readonly string[])[];
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
  /** What is asked cannot be done (a masked unit to start, a package no source offers): the task fails, in --check too. */
  failed?: boolean;
  /** Apply must run although no change is reported: work whose outcome only doing it tells (apt's cache update, a daemon-reload). */
  pending?: boolean;
  /**
   * Only doing it tells what it would do (a command without creates/removes): check mode does not report `changed`
   * but skips the task with this message, as Ansible's command does; a --check prediction reports it unknown.
   */
  unchecked?: string;
}

/** What apply tells besides the plan: `data` joins the plan's register fields; `result` replaces the plan's result. */
export interface Applied {
  data?: Record<string, unknown>;
  /** The outcome only doing it could tell (a download that found the same bytes, a failed command, a re-read after a reload). */
  result?: ModuleResult;
}

/** What a module file declares: everything but the argument specs, which are derived from its schema. */
export type ModuleDef<A> = Omit<Module<A>, 'args'>;

/** Builds a module from its declaration: the argument specs come from the schema, and `run` sees the schema's type. */
export function defineModule<S extends TObject, A = Static<S>>(schema: S, def: Omit<ModuleDef<A>, 'schema'>): Module<A> {
  return { ...def, schema, args: specOf(schema) };
}

/** The read state -> pure plan -> apply contract that idempotent modules follow. */
export interface StateModuleDef<A, S, C> extends Omit<ModuleDef<A>, 'run'> {
  /** Reads what the plan needs; changes nothing on the host. */
  read(ctx: ModuleContext, args: A): Promise<S>;
  plan(state: S, args: A): Plan<C>;
  /** Makes the planned change; never called in check mode (`runContract` decides). */
  apply(ctx: ModuleContext, args: A, plan: Plan<C>, state: S): Promise<Applied | void>;
  /** In a --check run, records in the model what apply would have done, so later tasks predict against it. */
  predict?(model: HostModel, args: A, plan: Plan<C>, state: S): void;
  /**
   * false for a module that cannot tell what it would do without doing it (Ansible's supports_check_mode=False, as
   * uri): check mode skips it before the read, with Ansible's message.
   */
  checkMode?: boolean;
}

/**
 * Runs the contract: read, plan, then apply only what the plan says, and only outside check mode. The one place that
 * decides what check mode does, so that no module tests `check` itself: check mode stops after the plan (recording
 * its prediction in the model), a failed plan fails in both modes.
 */
export async function runContract<A, S, C>(def: Pick<StateModuleDef<A, S, C>, 'read' | 'plan' | 'apply' | 'predict' | 'checkMode'> & { name?: string }, ctx: ModuleContext, args: A): Promise<ModuleResult> {
  if (ctx.check && def.checkMode === false) return { changed: false, skipped: true, msg: `remote module (${def.name}) does not support check mode` };
  const state = await def.read(ctx, args);
  const p = def.plan(state, args);
  const base: ModuleResult = { changed: p.changed, diff: p.diff, msg: p.msg, data: p.data };
  if (p.failed) return { ...base, changed: false, failed: true };
  if (ctx.check) {
    if (p.unchecked !== undefined) {
      // a --check run predicts the whole run, and this outcome cannot be predicted (a documented difference)
      if (ctx.model) throw new Unpredictable(p.unchecked);
      return { ...base, changed: false, skipped: true };
    }
    if (p.changed && ctx.model) def.predict?.(ctx.model, args, p, state);
    return base;
  }
  if (!p.changed && !p.pending) return base;
  const done = await def.apply(ctx, args, p, state);
  if (done?.result) return done.result;
  return done?.data ? { ...base, data: { ...p.data, ...done.data } } : base;
}

/** Builds a Module from the read/plan/apply contract. */
export function stateModule<A, S, C>(def: StateModuleDef<A, S, C>): Module<A> {
  const { read, plan, apply, predict, checkMode, ...meta } = def;
  return {
    ...meta,
    args: specOf(meta.schema),
    run: (ctx, args) => runContract({ name: meta.name, read, plan, apply, predict, checkMode }, ctx, args),
  };
}
