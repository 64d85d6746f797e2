import { createHash } from 'node:crypto';
import { quote } from '../../connection/shell';
import type { ModuleContext } from '../types';
import { sh } from './exec';
import { overlayProbe } from '../../predict/overlay';
import { sftpStates } from './probe-sftp';

/** What a path is, as `stat` and `find -printf` see it. */
export type FileType = 'file' | 'directory' | 'link' | 'other';

/** One path's state on the host, read in the same round trip as the others. */
export interface FileState {
  path: string;
  exists: boolean;
  /** Whether the parent directory exists. */
  parentExists?: boolean;
  type?: FileType;
  /** Octal string with four digits, as Ansible prints it: '0644'. */
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  inode?: number;
  device?: number;
  /** What a symbolic link points to, verbatim (readlink). */
  linkTarget?: string;
  /** The fully resolved path (readlink -f). */
  realPath?: string;
  /** The parent directory, fully resolved, when asked for (ProbeRequest.realDir). */
  realDir?: string;
  /** sha1 of a regular file's content, as Ansible's checksum. */
  checksum?: string;
  /** A regular file's content, when asked for and readable. */
  content?: Buffer;
}

/** One entry below a directory, for `recurse`. */
export interface TreeEntry {
  type: FileType;
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  path: string;
}

/** What to read about one path. */
export interface ProbeRequest {
  path: string;
  /** Follow a symbolic link to what it points to (stat -L). */
  follow?: boolean;
  checksum?: boolean;
  /** Read the content of a regular file no larger than this many bytes (true: any size). */
  content?: boolean | number;
  /** List every entry below a directory (GNU find). */
  tree?: boolean;
  /** Also resolve the parent directory's symbolic links (readlink -f), as FileState.realDir. */
  realDir?: boolean;
  /** The inode and device are needed: SFTP does not report them, so a `stat` on the host reads them. */
  ids?: boolean;
}

/** Everything one probe learns: each path's state, and who the commands run as. */
export interface ProbeResult {
  files: FileState[];
  tree: TreeEntry[][];
  user: string;
  group: string;
}

const TYPES: Record<string, FileType> = { 'regular file': 'file', 'regular empty file': 'file', directory: 'directory', 'symbolic link': 'link' };

/** The POSIX sh (plus GNU coreutils) script that prints one `key=value` record per requested path. */
export function probeScript(requests: readonly ProbeRequest[], askId = true): string {
  // `id` once: "uid=0(root) gid=0(root) groups=..." names both the user and the group
  const parts = ['LC_ALL=C; export LC_ALL', askId ? 'echo "id=$(id)"' : ':'];
  // builtins where they do: every external command is a fork and an exec on the host, per path and per task
  requests.forEach((r, i) => {
    const fmt = `'%F|%a|%u|%g|%U|%G|%s|%Y|%i|%d'`;
    const limit = r.content === true ? -1 : typeof r.content === 'number' ? r.content : undefined;
    parts.push(
      `p=${quote(r.path)}`,
      `echo "@@${i}"`,
      // the parent: everything before the last slash ("/" for /x, "." for a bare name)
      `case "$p" in */*) d="\${p%/*}"; d="\${d:-/}";; *) d=.;; esac`,
      `if [ -d "$d" ]; then echo parent=1;${r.realDir ? ' echo "realdir=$(readlink -f -- "$d" | base64 -w0)";' : ''} fi`,
      `if [ -e "$p" ] || [ -L "$p" ]; then`,
      r.follow ? `st=$(stat -L -c ${fmt} -- "$p" 2>/dev/null || stat -c ${fmt} -- "$p")` : `st=$(stat -c ${fmt} -- "$p")`,
      `echo "stat=$st"`,
      `if [ -L "$p" ]; then echo "link=$(readlink -- "$p" | base64 -w0)"; echo "real=$(readlink -f -- "$p" | base64 -w0)"; fi`,
      `if [ -f "$p" ] && [ -r "$p" ]; then`,
      // the size is stat's 7th field; a file whose content comes back gets its checksum on the controller
      limit !== undefined
        ? `IFS='|'; set -- $st; unset IFS; if [ ${limit} -lt 0 ] || [ "$7" -le ${limit} ]; then printf content=; base64 -w0 < "$p"; echo;${r.checksum ? ' else set -- $(sha1sum < "$p"); echo "sha1=$1";' : ''} fi`
        : r.checksum ? `set -- $(sha1sum < "$p"); echo "sha1=$1"` : ':',
      'fi',
      r.tree ? `if [ -d "$p" ]; then find "$p" -mindepth 1 -printf 'tree=%y|%m|%U|%G|%u|%g|%p\\n'; fi` : ':',
      'fi',
    );
  });
  return parts.join('\n');
}

/** Parses the output of probeScript back into states, in request order. */
export function parseProbe(stdout: string, requests: readonly ProbeRequest[]): ProbeResult {
  const out: ProbeResult = { files: [], tree: [], user: '', group: '' };
  let cur: FileState | undefined;
  const b64 = (v: string): string => Buffer.from(v, 'base64').toString('utf8').replace(/\n$/, '');
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@@')) {
      const i = Number(line.slice(2));
      cur = { path: requests[i].path, exists: false, parentExists: false };
      out.files.push(cur);
      out.tree.push([]);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (!cur) {
      if (key === 'id') {
        out.user = /uid=\d+\(([^)]*)\)/.exec(value)?.[1] ?? '';
        out.group = /gid=\d+\(([^)]*)\)/.exec(value)?.[1] ?? '';
      }
      continue;
    }
    if (key === 'parent') cur.parentExists = true;
    else if (key === 'stat') {
      const [type, mode, uid, gid, owner, group, size, mtime, inode, device] = value.split('|');
      Object.assign(cur, {
        exists: true, type: TYPES[type] ?? 'other', mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid),
        owner, group, size: Number(size), mtime: Number(mtime), inode: Number(inode), device: Number(device),
      });
    } else if (key === 'link') cur.linkTarget = b64(value);
    else if (key === 'real') cur.realPath = b64(value);
    else if (key === 'realdir') cur.realDir = b64(value);
    else if (key === 'sha1') cur.checksum = value;
    else if (key === 'content') {
      cur.content = Buffer.from(value, 'base64');
      if (requests[out.files.length - 1].checksum) cur.checksum = createHash('sha1').update(cur.content).digest('hex');
    }
    else if (key === 'tree') out.tree[out.tree.length - 1].push(parseTree(value));
  }
  return out;
}

function parseTree(value: string): TreeEntry {
  const [y, mode, uid, gid, owner, group, ...rest] = value.split('|');
  const type: FileType = y === 'f' ? 'file' : y === 'd' ? 'directory' : y === 'l' ? 'link' : 'other';
  return { type, mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid), owner, group, path: rest.join('|') };
}

/**
 * Who the commands run as, per connection and become user. It does not change during a run, and asking `id` in every
 * probe cost a fork and an exec on the host per task: on a 20-task re-run, 16 of its 62 execs.
 */
const identities = new WeakMap<object, Map<string, { user: string; group: string }>>();

/** Reads the state of several paths in one round trip to the host. */
export async function probe(ctx: ModuleContext, requests: readonly ProbeRequest[]): Promise<ProbeResult> {
  // --check: earlier tasks' predicted changes come first (the model's read step)
  if (ctx.model) {
    const model = ctx.model;
    // a saved plan keeps only what was read from the host, not what earlier predictions supplied
    const observe = ctx.observe && ((k: string, v: string) => (model.lookup(k.slice(5)) ? undefined : ctx.observe!(k, v)));
    return overlayProbe(model, requests, (reqs) => probe({ ...ctx, model: undefined, observe }, reqs));
  }
  const key = ctx.become?.enabled ? `become ${ctx.become.user ?? 'root'}` : 'login';
  const known = identities.get(ctx.conn)?.get(key);
  // the first probe asks the shell who the commands run as; later ones read over SFTP when they may (a task's
  // timeout bounds a shell command, not an SFTP request)
  const sftp = known && !ctx.timeoutMs && (await sftpStates(ctx.conn.files?.(ctx.become), requests));
  const files = sftp && (await withInodes(ctx, requests, sftp));
  const out = files ? { files, tree: files.map(() => []), ...known } : await shellProbe(ctx, requests, known);
  if (!known && out.user) {
    if (!identities.has(ctx.conn)) identities.set(ctx.conn, new Map());
    identities.get(ctx.conn)!.set(key, { user: out.user, group: out.group });
  }
  if (ctx.observe) for (const f of out.files) ctx.observe(`file:${f.path}`, fileSummary(f));
  return out;
}

/** The script that prints `@I=inode|device` for each path, as probeScript's `stat` reads it; empty when it is gone. */
function inodeScript(requests: readonly ProbeRequest[]): string {
  const fmt = `'%i|%d'`;
  return ['LC_ALL=C; export LC_ALL', ...requests.map((r, i) => {
    const p = quote(r.path);
    const plain = `stat -c ${fmt} -- ${p} 2>/dev/null`;
    return `printf '@${i}='; ${r.follow ? `stat -L -c ${fmt} -- ${p} 2>/dev/null || ` : ''}${plain} || echo`;
  })].join('\n');
}

/**
 * Completes states read over SFTP with the inode and device of the paths that need them (SFTP reports neither):
 * one `stat` per such path, none for the rest. Undefined when a path is gone since, so the shell probe reads all.
 */
async function withInodes(ctx: ModuleContext, requests: readonly ProbeRequest[], files: FileState[]): Promise<FileState[] | undefined> {
  const wanted = requests.map((r, i) => ({ r, f: files[i] })).filter(({ r, f }) => r.ids && f.exists);
  if (wanted.length === 0) return files;
  const r = await ctx.conn.exec(inodeScript(wanted.map((w) => w.r)), { become: ctx.become, env: ctx.environment });
  if (r.rc !== 0) return undefined;
  const ids = new Map(r.stdout.split('\n').filter((l) => l.startsWith('@')).map((l) => [Number(l.slice(1, l.indexOf('='))), l.slice(l.indexOf('=') + 1)]));
  for (const [i, { f }] of wanted.entries()) {
    const [inode, device] = (ids.get(i) ?? '').split('|');
    if (!inode || !device) return undefined;
    Object.assign(f, { inode: Number(inode), device: Number(device) });
  }
  return files;
}

async function shellProbe(ctx: ModuleContext, requests: readonly ProbeRequest[], known: { user: string; group: string } | undefined): Promise<ProbeResult> {
  const r = await sh(ctx, probeScript(requests, !known), `could not read ${requests.map((q) => q.path).join(', ')}`);
  return { ...parseProbe(r.stdout, requests), ...known };
}

/** One line that changes whenever what a module decides from changes: type, mode, owner, group, target, checksum. */
export function fileSummary(f: FileState): string {
  if (!f.exists) return 'absent';
  const sum = f.checksum ?? (f.content ? createHash('sha1').update(f.content).digest('hex') : undefined);
  return [f.type, f.mode, `${f.owner}:${f.group}`, f.linkTarget !== undefined ? `-> ${f.linkTarget}` : '', sum ? `sha1 ${sum}` : ''].filter(Boolean).join(' ');
}
