import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'ini';
import { TsrunError } from '../core/errors';

/** Settings that the configuration file and the environment may give; the command line overrides each. */
export interface Settings {
  inventory?: string[];
  remoteUser?: string;
  forks?: number;
  hostKeyChecking?: string;
  rolesPath?: string;
  timeout?: number;
  privateKeyFile?: string;
  become?: boolean;
  becomeUser?: string;
}

/** Where each setting is read: its key in the file's section, and the suffix of its TSRUN_/ANSIBLE_ variable. */
const KEYS: Record<keyof Settings, { section: string; key: string; env: string; kind: 'list' | 'str' | 'int' | 'bool' }> = {
  inventory: { section: 'defaults', key: 'inventory', env: 'INVENTORY', kind: 'list' },
  remoteUser: { section: 'defaults', key: 'remote_user', env: 'REMOTE_USER', kind: 'str' },
  forks: { section: 'defaults', key: 'forks', env: 'FORKS', kind: 'int' },
  hostKeyChecking: { section: 'defaults', key: 'host_key_checking', env: 'HOST_KEY_CHECKING', kind: 'str' },
  rolesPath: { section: 'defaults', key: 'roles_path', env: 'ROLES_PATH', kind: 'str' },
  timeout: { section: 'defaults', key: 'timeout', env: 'TIMEOUT', kind: 'int' },
  privateKeyFile: { section: 'defaults', key: 'private_key_file', env: 'PRIVATE_KEY_FILE', kind: 'str' },
  become: { section: 'privilege_escalation', key: 'become', env: 'BECOME', kind: 'bool' },
  becomeUser: { section: 'privilege_escalation', key: 'become_user', env: 'BECOME_USER', kind: 'str' },
};

/** The configuration file used, found as Ansible finds ansible.cfg: variable, current directory, home. */
export function findConfigFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), home = homedir()): string | undefined {
  const named = env.TSRUN_CONFIG ?? env.ANSIBLE_CONFIG;
  if (named) {
    if (!existsSync(named)) throw new TsrunError('USAGE', `${env.TSRUN_CONFIG ? 'TSRUN_CONFIG' : 'ANSIBLE_CONFIG'} names ${named}, which does not exist`);
    return resolve(named);
  }
  const candidates = [join(cwd, 'tsrun.cfg'), join(cwd, 'ansible.cfg'), join(home, '.tsrun.cfg'), join(home, '.ansible.cfg')];
  return candidates.find(existsSync);
}

/** Settings from the environment (TSRUN_* before ANSIBLE_*) over the configuration file. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, file = findConfigFile(env)): Settings & { configFile?: string } {
  const data = file ? parse(readFileSync(file, 'utf8')) : {};
  const out: Settings & { configFile?: string } = { configFile: file };
  for (const [name, k] of Object.entries(KEYS) as [keyof Settings, (typeof KEYS)[keyof Settings]][]) {
    const fromEnv = env[`TSRUN_${k.env}`] ?? env[`ANSIBLE_${k.env}`];
    const fromFile = (data[k.section] as Record<string, unknown> | undefined)?.[k.key];
    const raw = fromEnv ?? (fromFile === undefined ? undefined : String(fromFile));
    if (raw === undefined || raw === '') continue;
    const where = fromEnv !== undefined ? `environment variable ${env[`TSRUN_${k.env}`] !== undefined ? 'TSRUN' : 'ANSIBLE'}_${k.env}` : `${file} [${k.section}] ${k.key}`;
    (out as Record<string, unknown>)[name] = convert(raw, k.kind, where);
  }
  return out;
}

function convert(raw: string, kind: 'list' | 'str' | 'int' | 'bool', where: string): unknown {
  if (kind === 'list') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (kind === 'int') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new TsrunError('USAGE', `${where} is "${raw}", not a positive whole number`);
    return n;
  }
  if (kind === 'bool') {
    const v = raw.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(v)) return true;
    if (['false', 'no', 'off', '0'].includes(v)) return false;
    throw new TsrunError('USAGE', `${where} is "${raw}", not a boolean (yes/no, true/false)`);
  }
  return raw;
}
