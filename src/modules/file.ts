import { posix } from 'node:path';
import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { attrCommands, attrSpec, hasAttrs, planAttrs, type AttrArgs } from './fs/attrs';
import { sh } from './fs/exec';
import { resolveMode } from './fs/mode';
import { probe, type FileState, type TreeEntry } from './fs/probe';
import { stateModule, type Plan } from './types';
import { predictFile } from '../predict/files';
import { arg, argsSchema, optional, type ArgsOf } from './schema';
import { checkOwners } from '../predict/accounts';

type FileStateName = 'file' | 'directory' | 'absent' | 'touch' | 'link' | 'hard';

/** Arguments of the file module, after validation. */
export type FileArgs = ArgsOf<typeof Args>;

/** What file reads: the path, the link source when there is one, and the tree below a directory for recurse. */
export interface FileModState {
  file: FileState;
  src?: FileState;
  tree: TreeEntry[];
}

/** Resolves the state Ansible uses when none is given: the current one, directory with recurse, else file. */
export function wantedState(f: FileState, args: FileArgs): FileStateName {
  if (args.state) return args.state;
  if (args.recurse) return 'directory';
  if (!f.exists) return 'file';
  return f.type === 'directory' ? 'directory' : f.type === 'link' ? 'link' : 'file';
}

function srcPath(args: FileArgs): string | undefined {
  if (args.src === undefined) return undefined;
  return posix.isAbsolute(args.src) ? args.src : posix.join(posix.dirname(args.path), args.src);
}

const fail = (msg: string): never => { throw new TsrunError('TASK', msg); };

/** Counts the entries below a directory whose mode, owner or group differ from the wanted ones (links skipped). */
function treeDrift(tree: TreeEntry[], args: AttrArgs): number {
  const id = (want: string | undefined, name: string, num: number): boolean =>
    want === undefined || (/^\d+$/.test(want) ? Number(want) === num : want === name);
  return tree.filter((e) => e.type !== 'link' && !(
    (args.mode === undefined || resolveMode(args.mode, e.mode, e.type === 'directory') === e.mode)
    && id(args.owner, e.owner, e.uid) && id(args.group, e.group, e.gid))).length;
}

/** Plans the file module: the commands to run (in one exec) and readable diff lines. Pure. */
export function planFile(s: FileModState, args: FileArgs): Plan<string[]> {
  const f = s.file;
  const p = quote(f.path);
  const state = wantedState(f, args);
  const lines: string[] = [];
  const cmds: string[] = [];
  let msg = '';
  let attrsOf: FileState = f;
  let link = false;
  if (state === 'absent') {
    if (f.exists) { cmds.push(`rm -rf -- ${p}`); lines.push(`${f.path}: ${f.type} -> absent`); msg = 'path removed'; }
    return done(f, state, cmds, lines, msg || 'path is already absent', args);
  }
  if (state === 'file') {
    if (!f.exists) fail(`file (${f.path}) is absent, cannot continue`);
    if (f.type !== 'file') fail(`file (${f.path}) is ${f.type}, cannot continue`);
  } else if (state === 'directory') {
    if (f.exists && f.type !== 'directory') fail(`${f.path} already exists as a ${f.type}, expected a directory`);
    if (!f.exists) { cmds.push(`mkdir -p -- ${p}`); lines.push(`${f.path}: absent -> directory`); msg = 'directory created'; }
  } else if (state === 'touch') {
    cmds.push(`touch -- ${p}`);
    lines.push(f.exists ? `${f.path}: access and modification times updated` : `${f.path}: absent -> file`);
    msg = f.exists ? 'times updated' : 'file created';
  } else if (state === 'link') {
    const src = args.src ?? fail(`src is required for state=link (${f.path})`);
    link = true;
    if (!s.src?.exists && !args.force) fail(`src file ${srcPath(args)} does not exist, use force=yes if you really want to create the link ${f.path}`);
    if (f.exists && f.type === 'link' && f.linkTarget === src) {
      // already right
    } else if (f.exists && f.type !== 'link' && !args.force) {
      fail(`refusing to convert from ${f.type} to symlink for ${f.path} (use force=yes)`);
    } else {
      const rm = !f.exists || f.type === 'link' ? [] : [f.type === 'directory' ? `rmdir -- ${p}` : `rm -f -- ${p}`];
      cmds.push(...rm, `ln -sfn -- ${quote(src)} ${p}`);
      lines.push(`${f.path}: ${f.type === 'link' ? `link to ${f.linkTarget}` : f.exists ? f.type : 'absent'} -> link to ${src}`);
      msg = 'link created';
    }
  } else if (state === 'hard') {
    const src = s.src?.exists ? s.src : fail(`src file ${srcPath(args) ?? '(missing src)'} does not exist, cannot create hard link ${f.path}`);
    attrsOf = src;
    const same = f.exists && f.inode === src.inode && f.device === src.device;
    if (!same) {
      if (f.exists && (f.type === 'directory' || !args.force)) fail(`Cannot link: a ${f.type} exists at ${f.path} (use force=yes to replace a file)`);
      cmds.push(`ln -f -- ${quote(src.path)} ${p}`);
      lines.push(`${f.path}: ${f.exists ? f.type : 'absent'} -> hard link to ${src.path}`);
      msg = 'hard link created';
    }
  }
  const isDir = state === 'directory' || (f.exists && f.type === 'directory');
  const attrs = planAttrs(link ? { ...attrsOf, mode: undefined } : attrsOf, link ? { ...args, mode: undefined } : args, isDir);
  const drift = args.recurse && state === 'directory' ? treeDrift(s.tree, args) : 0;
  if (drift > 0 || (args.recurse && !f.exists && hasAttrs(attrs.change))) {
    cmds.push(...attrCommands(f.path, { mode: args.mode, owner: args.owner, group: args.group }, { recurse: true }));
    lines.push(...attrs.lines, ...(drift ? [`recurse: ${drift} entries under ${f.path} change mode/owner/group`] : []));
  } else if (hasAttrs(attrs.change)) {
    cmds.push(...attrCommands(f.path, attrs.change, { link }));
    lines.push(...attrs.lines);
  }
  if (!msg && cmds.length) msg = 'attributes changed';
  return done(f, state, cmds, lines, msg || `${state} is as wanted`, args, attrs.change.mode ?? f.mode);
}

function done(f: FileState, state: FileStateName, cmds: string[], lines: string[], msg: string, args: AttrArgs, mode?: string): Plan<string[]> {
  const data: Record<string, unknown> = { path: f.path, state };
  if (state !== 'absent') Object.assign(data, { mode, owner: args.owner ?? f.owner, group: args.group ?? f.group });
  return { changed: cmds.length > 0, diff: lines.length ? [{ kind: 'lines', lines }] : [], msg, change: cmds, data };
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  path: arg.path('Path to manage.', { aliases: ['dest', 'name'] }),
  state: optional(arg.choice(['file', 'directory', 'absent', 'touch', 'link', 'hard'], 'What path should be; by default what it is now (file when missing, directory with recurse).')),
  ...attrSpec,
  recurse: arg.bool('With state=directory, set mode/owner/group on everything below too.', { default: false }),
  src: optional(arg.path('What a link points to (state=link/hard); relative to the directory of path for symbolic links.')),
  force: arg.bool('Replace an existing file with a link, or link to a src that does not exist.', { default: false }),
  follow: arg.bool('Act on what a symbolic link at path points to (for file/directory/touch).', { default: true }),
});

/** file: manages files, directories, links and their attributes. */
export const file = stateModule<FileArgs, FileModState, string[]>({
  name: 'file',
  returns: {
    path: { type: 'str', returned: 'always', description: 'The path managed.', sample: '/srv/app' },
    state: { type: 'str', returned: 'always', description: 'Its state after the task: file, directory, link, hard, touch or absent.', sample: 'directory' },
    mode: { type: 'str', returned: 'unless absent', description: 'Permissions after the task, in octal.', sample: '0755' },
    owner: { type: 'str', returned: 'unless absent', description: 'Owner after the task.', sample: 'www-data' },
    group: { type: 'str', returned: 'unless absent', description: 'Group after the task.', sample: 'www-data' },
  },
  summary: 'Manage files, directories, symbolic and hard links, and their attributes',
  description: 'state=link/hard set owner and group on the link itself; a symbolic link has no mode of its own.',
  examples: '- file: { path: /srv/app, state: directory, owner: www-data, mode: 0755 }\n- file: { src: /srv/app/current, dest: /srv/www, state: link }',
  schema: Args,
  async read(ctx, args) {
    const state = args.state;
    const follow = args.follow && state !== 'link' && state !== 'hard' && state !== 'absent';
    // a hard link is told by its inode and device, which only the shell probe reads
    const ids = state === 'hard';
    const reqs = [{ path: args.path, follow, tree: args.recurse, ids }];
    const src = srcPath(args);
    if (src !== undefined && (state === 'link' || state === 'hard')) reqs.push({ path: src, follow: true, tree: false, ids });
    if (state !== 'absent') await checkOwners(ctx, args);
    const r = await probe(ctx, reqs);
    return { file: r.files[0], src: r.files[1], tree: r.tree[0] };
  },
  plan: planFile,
  predict: predictFile,
  async apply(ctx, args, plan) {
    await sh(ctx, plan.change!.join(' && '), `could not set ${args.path} to ${plan.data?.state as string}`);
  },
});
