import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The outcome of looking a server's key up in known_hosts files. */
export type HostKeyVerdict =
  /** a line names this host with exactly this key */
  | { status: 'known' }
  /** no line names this host with a key of this type */
  | { status: 'unknown' }
  /** a line names this host with a different key of the same type, or marks the key revoked */
  | { status: 'changed'; file: string; line: number }
  | { status: 'revoked'; file: string; line: number };

/** One usable line of a known_hosts file. */
interface Entry {
  file: string;
  line: number;
  marker?: string;
  patterns: string;
  type: string;
  blob: string;
}

/** The name OpenSSH looks up for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The fingerprint OpenSSH prints for a public key blob: `SHA256:` and unpadded base64. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob (e.g. `ssh-ed25519`). */
export function blobType(blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** A file's usable lines: those naming hosts plainly indexed by name, the rest (hashed, wildcard, negated) in a list. */
interface FileIndex {
  stamp: string;
  byName: Map<string, Entry[]>;
  general: Entry[];
}

/**
 * Each file, parsed and indexed once and again only when it changes (accept-new appends during a run): every
 * connection looks its host up twice, so a fleet of N hosts in a known_hosts of N lines would otherwise match
 * N x N lines.
 */
const parsed = new Map<string, FileIndex>();

function indexOf(file: string): FileIndex | undefined {
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs} ${st.size} ${st.ino}`;
  } catch {
    return undefined; // a missing known_hosts file simply knows nobody
  }
  const known = parsed.get(file);
  if (known?.stamp === stamp) return known;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const index: FileIndex = { stamp, byName: new Map(), general: [] };
  text.split('\n').forEach((raw, i) => {
    const words = raw.trim().split(/\s+/);
    if (!words[0] || words[0].startsWith('#')) return;
    const marker = words[0].startsWith('@') ? words.shift() : undefined;
    if (words.length < 3) return;
    const entry: Entry = { file, line: i + 1, marker, patterns: words[0], type: words[1], blob: words[2] };
    if (/^\|1\||[*?!]/.test(entry.patterns)) {
      index.general.push(entry);
      return;
    }
    for (const name of new Set(entry.patterns.toLowerCase().split(','))) {
      const list = index.byName.get(name);
      if (list) list.push(entry);
      else index.byName.set(name, [entry]);
    }
  });
  parsed.set(file, index);
  return index;
}

/** The lines of the files that name `name`, in file and line order. */
function entriesFor(files: string[], name: string): Entry[] {
  return files.flatMap((file) => {
    const index = indexOf(file);
    if (!index) return [];
    const general = index.general.filter((e) => hostFieldMatches(e.patterns, name));
    const plain = index.byName.get(name.toLowerCase()) ?? [];
    return general.length ? [...plain, ...general].sort((a, b) => a.line - b.line) : plain;
  });
}

/** Compiled wildcard patterns; most known_hosts patterns are plain names and need none. */
const globs = new Map<string, RegExp>();

function globMatch(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    globs.set(pattern, re);
  }
  return re.test(name);
}

/** Whether a known_hosts host field (hashed `|1|salt|hash`, or comma-separated patterns) names `name`. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Looks a server's key blob up for `host:port` in the given known_hosts files. */
export function checkHostKey(files: string[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = knownHostName(host, port);
  const type = blobType(blob);
  const b64 = blob.toString('base64');
  const entries = entriesFor(files, name);
  const revoked = entries.find((e) => e.marker === '@revoked' && e.blob === b64);
  if (revoked) return { status: 'revoked', file: revoked.file, line: revoked.line };
  const plain = entries.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.type === type && e.blob === b64)) return { status: 'known' };
  const other = plain.find((e) => e.type === type);
  if (other) return { status: 'changed', file: other.file, line: other.line };
  return { status: 'unknown' };
}

/** The key types already known for `host:port`, so the handshake can prefer them as OpenSSH does. */
export function knownKeyTypes(files: string[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = entriesFor(files, name)
    .filter((e) => e.marker === undefined)
    .map((e) => e.type);
  return [...new Set(types)];
}

/** Records a newly accepted key, the way `StrictHostKeyChecking accept-new` does. */
export function addHostKey(file: string, host: string, port: number, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${knownHostName(host, port)} ${blobType(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
}

