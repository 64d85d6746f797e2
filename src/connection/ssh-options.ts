import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { TsrunError } from '../core/errors';

/** OpenSSH options for one host, keys lower-cased as OpenSSH treats them; IdentityFile may repeat. */
export type SshOptions = Record<string, string | string[]>;

/** Expands a leading `~` the way ssh does for paths in its config. */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The options ~/.ssh/config (or `file`) gives for `host`. A missing default file gives none; a
 * missing explicit file is a user error. `Match exec` is not evaluated, so reading a config
 * never runs a command.
 */
export function sshConfigFor(host: string, file?: string): SshOptions {
  const path = file ?? join(homedir(), '.ssh', 'config');
  if (!existsSync(path)) {
    if (file) throw new TsrunError('NOT_FOUND', `ssh config file ${file} does not exist`, { expected: 'an existing ssh_config file' });
    return {};
  }
  const config = SSHConfig.parse(readFileSync(path, 'utf8'));
  return config.compute(host, { ignoreCase: true, matchExec: false });
}

/** Splits a command-line string into words, honouring single and double quotes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s'"]+)/g;
  let cur: string | undefined;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const piece = m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? m[3]);
    // pieces with no space between them belong to one word, as in a shell (-o"A B")
    if (cur !== undefined && m.index === last) cur += piece;
    else {
      if (cur !== undefined) words.push(cur);
      cur = piece;
    }
    last = re.lastIndex;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/**
 * The options given by ssh command-line arguments such as `ansible_ssh_common_args`:
 * `-o Key=Value`, `-oKey=Value`, `-o 'Key Value'`, `-J jump`, `-p port`, `-l user`, `-i file`.
 */
export function optionsFromArgs(args: string): SshOptions {
  const out: SshOptions = {};
  const set = (key: string, value: string) => {
    const k = key.toLowerCase();
    if (k === 'identityfile') out[k] = [...((out[k] as string[] | undefined) ?? []), value];
    else if (!(k in out)) out[k] = value; // ssh keeps the first value given
  };
  const words = splitWords(args);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const flag = /^-([oJpli])(.*)$/.exec(w);
    if (!flag) continue;
    const value = flag[2] || words[++i] || '';
    if (flag[1] === 'o') {
      const kv = /^\s*(\w+)\s*[=\s]\s*(.*?)\s*$/.exec(value);
      if (kv) set(kv[1], kv[2]);
    } else {
      set({ J: 'proxyjump', p: 'port', l: 'user', i: 'identityfile' }[flag[1]] as string, value);
    }
  }
  return out;
}

/** One hop of a ProxyJump value: `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

/** Parses a ProxyJump value into hops, outermost first; `none` means no jump. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (!value.trim() || value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => {
    const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
    if (!m) throw new TsrunError('SCHEMA', `bad ProxyJump hop '${hop}'`, { expected: '[user@]host[:port]' });
    return { user: m[1], host: m[2].replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
  });
}
