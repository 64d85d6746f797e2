import { createHash } from 'node:crypto';
import { PermissionError, type FileReader, type PathAttrs } from '../../connection/types';
import type { FileState, FileType, ProbeRequest } from './probe';
import { parseGroup, parsePasswd } from '../../core/passwd';

/** A checksum without the content reads the file over SFTP up to this size; above it, sha1sum on the host is cheaper. */
const HASH_READ_MAX = 4 * 1024 * 1024;

/** uid and gid to name, as `stat %U %G` print them, from the host's /etc/passwd and /etc/group. */
interface Names {
  users: Map<number, string>;
  groups: Map<number, string>;
}

const namesOf = new WeakMap<FileReader, Promise<Names>>();

/** Names by id, the first entry of each id winning, as getpwuid and stat's %U do. */
function byId<T extends { name: string }>(text: string, parse: (line: string) => T | undefined, id: (e: T) => number): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of text.split('\n')) {
    const e = parse(line);
    if (e && e.name && !m.has(id(e))) m.set(id(e), e.name);
  }
  return m;
}

function names(reader: FileReader): Promise<Names> {
  let p = namesOf.get(reader);
  if (!p) {
    p = Promise.all([reader.read('/etc/passwd'), reader.read('/etc/group')]).then(([u, g]) => ({
      users: byId(u?.toString('utf8') ?? '', parsePasswd, (e) => e.uid),
      groups: byId(g?.toString('utf8') ?? '', parseGroup, (e) => e.gid),
    }));
    namesOf.set(reader, p);
  }
  return p;
}

/** Thrown inside a read that SFTP cannot answer exactly as the shell probe would; the caller then uses the shell. */
class NeedsShell extends Error {}

const IFMT = 0o170000;
function typeOf(mode: number): FileType {
  const t = mode & IFMT;
  return t === 0o100000 ? 'file' : t === 0o040000 ? 'directory' : t === 0o120000 ? 'link' : 'other';
}

/** The parent as the shell probe computes it: everything before the last slash ("/" for /x). */
function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

async function readState(reader: FileReader, r: ProbeRequest, ids: Names): Promise<FileState> {
  const [l, followed, dir, realDir] = await Promise.all([
    reader.lstat(r.path),
    reader.stat(r.path),
    reader.stat(parentOf(r.path)),
    r.realDir ? reader.realpath(parentOf(r.path)) : undefined,
  ]);
  const parentExists = dir !== undefined && typeOf(dir.mode) === 'directory';
  const f: FileState = { path: r.path, exists: false, parentExists, ...(parentExists && realDir !== undefined ? { realDir } : {}) };
  if (!l) return f;
  // stat -L falls back to the link itself when it dangles
  const st: PathAttrs = (r.follow ? followed : undefined) ?? l;
  const owner = ids.users.get(st.uid);
  const group = ids.groups.get(st.gid);
  if (owner === undefined || group === undefined) throw new NeedsShell(`uid ${st.uid} or gid ${st.gid} is not in /etc/passwd or /etc/group`);
  Object.assign(f, {
    exists: true, type: typeOf(st.mode), mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
    uid: st.uid, gid: st.gid, owner, group, size: st.size, mtime: st.mtime,
  });
  const link = typeOf(l.mode) === 'link';
  // readlink -f resolves a dangling link's last part too; SFTP's realpath refuses it
  if (link && !followed) throw new NeedsShell('a dangling link');
  // like `[ -f "$p" ]`, what the path leads to decides whether it has content
  const regular = followed !== undefined && typeOf(followed.mode) === 'file';
  const limit = r.content === true ? -1 : typeof r.content === 'number' ? r.content : undefined;
  const wantContent = regular && limit !== undefined && (limit < 0 || st.size <= limit);
  const wantHash = regular && !wantContent && r.checksum === true;
  if (wantHash && followed.size > HASH_READ_MAX) throw new NeedsShell('a large file to checksum');
  const [target, real, content] = await Promise.all([
    link ? reader.readlink(r.path) : undefined,
    link ? reader.realpath(r.path) : undefined,
    // an unreadable file has neither content nor checksum, as `[ -r "$p" ]` decides in the shell
    wantContent || wantHash ? reader.read(r.path).catch((err: unknown) => (err instanceof PermissionError ? undefined : Promise.reject(err))) : undefined,
  ]);
  if (link) Object.assign(f, { linkTarget: target, realPath: real });
  if (content && wantContent) f.content = content;
  if (content && (wantHash || (wantContent && r.checksum))) f.checksum = createHash('sha1').update(content).digest('hex');
  return f;
}

/**
 * Reads the paths' state over SFTP, as probeScript would report it but for the inode and device (SFTP has neither),
 * or returns undefined when only the shell can: a tree (find), a relative path, a dangling link, an owner not in
 * the local files, or any error (the shell probe then reports it in its own words).
 */
export async function sftpStates(reader: FileReader | undefined, requests: readonly ProbeRequest[]): Promise<FileState[] | undefined> {
  if (!reader || requests.some((r) => r.tree || !r.path.startsWith('/'))) return undefined;
  try {
    const ids = await names(reader);
    return await Promise.all(requests.map((r) => readState(reader, r, ids)));
  } catch {
    return undefined;
  }
}
