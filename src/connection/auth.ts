import { readFile } from 'node:fs/promises';
import ssh2, { type AnyAuthMethod, type ParsedKey, type Prompt } from 'ssh2';
import type { SshParams } from './params';

/** The authentication methods to offer, in OpenSSH's order, and a description of each for error messages. */
export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** e.g. "agent", "key ~/.ssh/id_ed25519", "key /k (encrypted, no passphrase)", "password". */
  tried: string[];
}

function parse(data: Buffer, passphrase?: string): ParsedKey | Error {
  const key = ssh2.utils.parseKey(data, passphrase);
  return Array.isArray(key) ? key[0] : key;
}

/** Reads one private key file, asking for its passphrase when it is encrypted and none was given. */
async function loadKey(file: string, p: SshParams): Promise<ParsedKey | string> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return 'missing';
  }
  let key = parse(data, p.passphrase);
  if (key instanceof Error && /encrypted/i.test(key.message) && p.passphrase === undefined) {
    if (!p.askPassphrase) return 'encrypted, no passphrase';
    key = parse(data, await p.askPassphrase(file));
  }
  if (key instanceof Error) return /passphrase|decrypt|bad/i.test(key.message) ? 'wrong passphrase' : 'unreadable';
  return key;
}

/**
 * Builds the list ssh2 walks through: agent keys, then each private key file, then the password
 * (also answering keyboard-interactive password prompts). Keys that cannot be used are noted, not fatal.
 */
export async function authPlan(p: SshParams): Promise<AuthPlan> {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const username = p.user;
  if (p.agent) {
    methods.push({ type: 'agent', username, agent: p.agent });
    tried.push('agent');
  }
  for (const file of p.identityFiles) {
    const key = await loadKey(file, p);
    if (typeof key === 'string') {
      // default key files that do not exist are not worth mentioning
      if (key !== 'missing' || p.identityExplicit) tried.push(`key ${file} (${key})`);
      continue;
    }
    methods.push({ type: 'publickey', username, key });
    tried.push(`key ${file}`);
  }
  const password = p.password;
  if (password !== undefined) {
    methods.push({ type: 'password', username, password });
    methods.push({
      type: 'keyboard-interactive',
      username,
      prompt: (_n: string, _i: string, _l: string, prompts: Prompt[], finish: (answers: string[]) => void) =>
        finish(prompts.map((q) => (/password/i.test(q.prompt) ? password : ''))),
    });
    tried.push('password');
  }
  return { methods, tried };
}
