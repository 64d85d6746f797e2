import { runSecrets, type Secrets } from '../core/secrets';
import type { ArgDef, ArgSpec } from '../modules/types';
import type { TaskDef } from '../playbook/types';
import type { PlayContext } from './context';
import { expand, type Where } from './render';

/** Connection variables that hold passwords. */
const PASSWORD_VARS = [
  'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'ansible_become_password', 'ansible_become_pass',
  'ansible_ssh_private_key_passphrase',
];

/** The variable that lists the names of other variables whose values are secret. */
export const SECRET_VARS = 'tsrun_secret_vars';

/** The run's secrets. */
export function secretsOf(pc: PlayContext): Secrets {
  return pc.opts.secrets ?? runSecrets;
}

/**
 * Registers the secret values a task can see before it runs: connection passwords, the variables named in
 * `tsrun_secret_vars`, and its role's argument-spec options marked `no_log: true` (nested options included).
 */
export function registerTaskSecrets(pc: PlayContext, task: TaskDef, vars: Record<string, unknown>, where: Where): void {
  const secrets = secretsOf(pc);
  const listed = vars[SECRET_VARS];
  const names = [
    ...PASSWORD_VARS,
    ...(Array.isArray(listed) ? listed.map(String) : typeof listed === 'string' ? listed.split(',').map((s) => s.trim()) : []),
  ];
  const spec = task.scope.roleUse?.role.argSpec ?? {};
  const rendered = (name: string): unknown => {
    try {
      return expand(vars[name], vars, where);
    } catch {
      // a value that cannot be rendered yet is registered as written; the task reports the error itself
      return vars[name];
    }
  };
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) secrets.add(rendered(name));
  for (const [name, def] of Object.entries(spec)) {
    if (vars[name] !== undefined && vars[name] !== null && holdsSecret(def)) secrets.add(noLogValues(def, rendered(name)));
  }
}

/** Whether an option, or one nested in it at any depth, is marked no_log. */
function holdsSecret(def: ArgDef): boolean {
  return def.noLog === true || Object.values(def.options ?? {}).some(holdsSecret);
}

/** The parts of an option's value that its spec marks no_log, nested options included (a list of dicts' passwords). */
export function noLogValues(def: ArgDef, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (def.noLog) return [value];
  if (!def.options) return [];
  const mappings = Array.isArray(value) ? value : [value];
  return mappings.flatMap((m) => {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return [];
    return Object.entries(def.options!).flatMap(([k, d]) => [k, ...(d.aliases ?? [])].flatMap((key) => noLogValues(d, (m as Record<string, unknown>)[key])));
  });
}

/** Registers the values of arguments a spec marks `no_log`, and with `noLog` every free-text argument a spec declares. */
export function registerArgSecrets(secrets: Secrets, spec: ArgSpec | undefined, args: Record<string, unknown>, noLog: boolean): void {
  for (const [name, value] of Object.entries(args)) {
    const def = spec?.[name];
    // a no_log task's declared arguments are secret, except the words a module takes from a fixed list and numbers;
    // a free-form module's values (set_fact's facts) are not: no_log there hides the task's output, as in Ansible,
    // and masking them everywhere would hide host names and paths that such facts often hold
    if (noLog && def && !def.choices && ['str', 'path', 'raw', 'list', 'dict'].includes(def.type)) secrets.add(value);
    else if (def) secrets.add(noLogValues(def, value));
  }
}
