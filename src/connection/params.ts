import { userInfo } from 'node:os';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
import type { Trace } from './types';
import { expandHome, optionsFromArgs, parseProxyJump, sshConfigFor, type JumpSpec, type SshOptions } from './ssh-options';

/** How strictly server host keys are checked against known_hosts. */
export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Everything needed to open one SSH connection; secrets stay in memory and are never printed. */
export interface SshParams {
  /** The inventory name, used in messages. */
  name: string;
  /** The address connected to (after ansible_host and HostName). */
  host: string;
  port: number;
  user: string;
  /** Private key files to try, in order, after the agent's keys. */
  identityFiles: string[];
  /** Whether identityFiles were named by the user (a missing one is then reported). */
  identityExplicit: boolean;
  password?: string;
  /** Passphrase for encrypted private keys. */
  passphrase?: string;
  /** Asks for an encrypted key's passphrase when none was given (e.g. a prompt on the terminal). */
  askPassphrase?: (keyFile: string) => Promise<string>;
  /** The ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
  hostKeyChecking: HostKeyChecking;
  /** known_hosts files read, in order; `accept-new` writes to the first. */
  knownHostsFiles: string[];
  /** The host this connection tunnels through, if any. */
  jump?: SshParams;
  /** Bound on opening a connection: TCP, the SSH handshake and authentication. */
  connectTimeoutMs: number;
  /** A keepalive every this often; `keepaliveCountMax` unanswered in a row mark the host unreachable. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Told once per connection about a host key accepted only because checking is off (unknown or changed). */
  onHostKeyWarning?: (message: string) => void;
  /** Default sudo password for tasks with become and no password of their own. */
  becomePassword?: string;
  /** Where -vvv / -vvvv detail goes. */
  trace?: Trace;
}

/** Run-wide choices from the command line that shape every host's SSH parameters. */
export interface SshParamOptions {
  sshConfigFile?: string;
  /** Overrides every host's own setting when given. */
  hostKeyChecking?: HostKeyChecking;
  /** The login password asked for with --ask-pass. */
  askPass?: string;
  becomePassword?: string;
  askPassphrase?: (keyFile: string) => Promise<string>;
  /** --timeout: seconds, for hosts without ansible_ssh_timeout / ansible_timeout of their own. */
  timeout?: number;
  /** Where warnings about host keys go (the run's reporter). */
  onHostKeyWarning?: (message: string) => void;
  /** -vvv and more: connection and command detail, per host (the run's reporter). */
  trace?: (host: string, level: 3 | 4, text: string) => void;
}

/** The default bound (seconds) on connecting and on noticing a host that stopped answering. */
export const DEFAULT_TIMEOUT_S = 30;

type Vars = Record<string, unknown>;

function str(vars: Vars, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = vars[n];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

function first(opt: string | string[] | undefined): string | undefined {
  return Array.isArray(opt) ? opt[0] : opt;
}

function toPort(value: string | undefined, where: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new TsrunError('SCHEMA', `${where} is '${value}', not a port number`, { expected: 'an integer from 1 to 65535' });
  }
  return n;
}

/**
 * A host's own setting (a variable or StrictHostKeyChecking): "no" accepts unknown keys but, unlike
 * `--host-key-checking off`, never a changed one.
 */
function checkingFrom(value: string | boolean | undefined): HostKeyChecking | undefined {
  if (value === undefined) return undefined;
  const v = String(value).toLowerCase();
  if (['false', 'no', 'off', '0'].includes(v)) return 'accept-new';
  if (v === 'accept-new') return 'accept-new';
  return 'strict'; // yes, ask (no terminal prompt here), true
}

/** The options for a host: ssh command-line arguments in vars first, then the ssh config file. */
function optionsFor(alias: string, vars: Vars, configFile?: string): SshOptions {
  const args = optionsFromArgs([str(vars, 'ansible_ssh_common_args'), str(vars, 'ansible_ssh_extra_args')].join(' '));
  return { ...sshConfigFor(alias, configFile), ...args };
}

function jumpParams(hops: JumpSpec[], base: SshParams, configFile?: string): SshParams | undefined {
  let jump: SshParams | undefined;
  for (const hop of hops) {
    const cfg = sshConfigFor(hop.host, configFile);
    jump = {
      ...base,
      name: hop.host,
      host: first(cfg.hostname) ?? hop.host,
      port: hop.port ?? toPort(first(cfg.port), `ProxyJump port for ${hop.host}`) ?? 22,
      user: hop.user ?? first(cfg.user) ?? userInfo().username,
      identityFiles: cfg.identityfile ? [cfg.identityfile].flat().map(expandHome) : base.identityFiles,
      password: undefined, // a login password belongs to the target, never sent to a bastion
      jump,
    };
  }
  return jump;
}

/**
 * The SSH parameters for an inventory host, from its Ansible connection variables (ansible_host,
 * ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_password, ansible_ssh_common_args,
 * tsrun_jump_host, tsrun_known_hosts, ansible_host_key_checking, ...) over ~/.ssh/config.
 */
export function sshParamsFromVars(hostName: string, vars: Vars, options: SshParamOptions = {}): SshParams {
  const alias = str(vars, 'ansible_host', 'ansible_ssh_host') ?? hostName;
  const o = optionsFor(alias, vars, options.sshConfigFile);
  const keyVar = str(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  const identity = keyVar ? [keyVar] : o.identityfile ? [o.identityfile].flat() : [];
  const knownVar = str(vars, 'tsrun_known_hosts');
  const known = knownVar ? [knownVar] : first(o.userknownhostsfile)?.split(/\s+/);
  const timeout = str(vars, 'ansible_ssh_timeout', 'ansible_timeout') ?? (options.timeout !== undefined ? String(options.timeout) : undefined) ?? first(o.connecttimeout) ?? String(DEFAULT_TIMEOUT_S);
  const aliveInterval = str(vars, 'tsrun_keepalive_interval') ?? first(o.serveraliveinterval);
  const aliveCount = str(vars, 'tsrun_keepalive_count') ?? first(o.serveralivecountmax);
  const params: SshParams = {
    name: hostName,
    host: first(o.hostname) ?? alias,
    port: toPort(str(vars, 'ansible_port', 'ansible_ssh_port'), `ansible_port of ${hostName}`) ?? toPort(first(o.port), `Port for ${hostName}`) ?? 22,
    user: str(vars, 'ansible_user', 'ansible_ssh_user') ?? first(o.user) ?? userInfo().username,
    identityFiles: (identity.length ? identity : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join('~/.ssh', f))).map(expandHome),
    identityExplicit: identity.length > 0,
    password: str(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password') ?? options.askPass,
    passphrase: str(vars, 'ansible_ssh_private_key_passphrase'),
    askPassphrase: options.askPassphrase,
    agent: process.env.SSH_AUTH_SOCK || undefined,
    hostKeyChecking:
      options.hostKeyChecking ??
      checkingFrom(vars.ansible_host_key_checking as string | boolean | undefined) ??
      checkingFrom(first(o.stricthostkeychecking)) ??
      'strict',
    knownHostsFiles: (known ?? ['~/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts']).map(expandHome),
    connectTimeoutMs: Number(timeout) * 1000,
    // by default, a host that stops answering is noticed within about the same bound: 4 intervals of timeout/4
    keepaliveIntervalMs: (aliveInterval !== undefined ? Number(aliveInterval) : Math.max(1, Number(timeout) / 4)) * 1000,
    keepaliveCountMax: aliveCount !== undefined ? Number(aliveCount) : 3,
    onHostKeyWarning: options.onHostKeyWarning,
    trace: options.trace && ((level, text) => options.trace!(hostName, level, text)),
    becomePassword: str(vars, 'ansible_become_password', 'ansible_become_pass') ?? options.becomePassword,
  };
  if (!(params.connectTimeoutMs > 0)) {
    throw new TsrunError('SCHEMA', `ansible_timeout of ${hostName} is '${timeout}', not a number of seconds`, { expected: 'a number' });
  }
  if (!(params.keepaliveIntervalMs > 0) || !Number.isInteger(params.keepaliveCountMax) || params.keepaliveCountMax < 0) {
    throw new TsrunError('SCHEMA', `keepalive of ${hostName} is interval '${aliveInterval}' x count '${aliveCount}', not numbers`, { expected: 'a positive number of seconds and a count' });
  }
  const hops = parseProxyJump(str(vars, 'tsrun_jump_host') ?? first(o.proxyjump) ?? '');
  params.jump = jumpParams(hops, params, options.sshConfigFile);
  return params;
}

/** `user@host:port`, and the bastion when there is one, for messages. */
export function describeTarget(p: SshParams): string {
  const via = p.jump ? ` via ${p.jump.user}@${p.jump.host}:${p.jump.port}` : '';
  return `${p.user}@${p.host}:${p.port}${via}`;
}
