import { probe, type FileState } from './fs/probe';
import { stateModule } from './types';
import { arg, argsSchema, type ArgsOf } from './schema';

/** Arguments of stat, after validation. */
export type StatArgs = ArgsOf<typeof Args>;

/** The `stat` dictionary Ansible registers, from a probed path. */
export function statData(f: FileState): Record<string, unknown> {
  if (!f.exists) return { exists: false };
  const mode = parseInt(f.mode ?? '0', 8);
  return {
    exists: true, path: f.path, isdir: f.type === 'directory', isreg: f.type === 'file', islnk: f.type === 'link',
    mode: f.mode, uid: f.uid, gid: f.gid, pw_name: f.owner, gr_name: f.group, size: f.size, mtime: f.mtime,
    inode: f.inode, dev: f.device,
    xusr: (mode & 0o100) !== 0, wusr: (mode & 0o200) !== 0, rusr: (mode & 0o400) !== 0,
    ...(f.checksum !== undefined && f.type === 'file' ? { checksum: f.checksum } : {}),
    ...(f.linkTarget !== undefined ? { lnk_target: f.linkTarget, lnk_source: f.realPath } : {}),
  };
}

/** The arguments, declared once: their type, checks and documentation. */
const Args = argsSchema({
  path: arg.path('The path to examine.', { aliases: ['dest', 'name'] }),
  follow: arg.bool('Report on what a symbolic link points to instead of the link.', { default: false }),
  get_checksum: arg.bool('Return the sha1 checksum of a regular file.', { default: true }),
});

/** stat: reports facts about a path; never changes anything. */
export const stat = stateModule<StatArgs, FileState, never>({
  name: 'stat',
  returns: {
    stat: { type: 'dict', returned: 'always', description: 'exists; when it exists: path, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, inode, dev, xusr, wusr, rusr; checksum (sha1) for a regular file with get_checksum; lnk_target and lnk_source for a link.', sample: { exists: true, isreg: true, mode: '0644', pw_name: 'root', size: 1220, checksum: '6e642bb8dd5c2e027bf21dd923337cbb4214f827' } },
  },
  summary: 'Retrieve file or file system status',
  description: 'Registers `stat` with exists, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, checksum (sha1), lnk_source, lnk_target.',
  examples: '- stat: { path: /etc/nginx/nginx.conf }\n  register: conf\n- debug: { msg: "missing" }\n  when: not conf.stat.exists',
  schema: Args,
  async read(ctx, args) {
    return (await probe(ctx, [{ path: args.path, follow: args.follow, checksum: args.get_checksum, ids: true }])).files[0];
  },
  plan: (f) => ({ changed: false, diff: [], data: { stat: statData(f) } }),
  async apply() {},
});
