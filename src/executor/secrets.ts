import { runSecrets, type Secrets } from '../core/secrets';
import type { ArgSpec } from '../modules/types';
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
 * `tsrun_secret_vars`, and its role's argument-spec options marked `no_log: true`.
 */
export function registerTaskSecrets(pc: PlayContext, task: TaskDef, vars: Record<string, unknown>, where: Where): void {
  const secrets = secretsOf(pc);
  const listed = vars[SECRET_VARS];
  const names = [
    ...PASSWORD_VARS,
    ...(Array.isArray(listed) ? listed.map(String) : typeof listed === 'string' ? listed.split(',').map((s) => s.trim()) : []),
    ...Object.entries(task.scope.roleUse?.role.argSpec ?? {}).filter(([, d]) => d.noLog).map(([n]) => n),
  ];
  for (const name of names) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    try {
      secrets.add(expand(value, vars, where));
    } catch {
      // a value that cannot be rendered yet is registered as written; the task reports the error itself
      secrets.add(value);
    }
  }
}

/** Registers the values of arguments a spec marks `no_log`, and with `noLog` every free-text argument a spec declares. */
export function registerArgSecrets(secrets: Secrets, spec: ArgSpec | undefined, args: Record<string, unknown>, noLog: boolean): void {
  for (const [name, value] of Object.entries(args)) {
    const def = spec?.[name];
    if (def?.noLog) secrets.add(value);
    // a no_log task's declared arguments are secret, except the words a module takes from a fixed list and numbers;
    // a free-form module's values (set_fact's facts) are not: no_log there hides the task's output, as in Ansible,
    // and masking them everywhere would hide host names and paths that such facts often hold
    else if (noLog && def && !def.choices && ['str', 'path', 'raw', 'list', 'dict'].includes(def.type)) secrets.add(value);
  }
}
