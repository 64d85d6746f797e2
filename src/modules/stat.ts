import { probe, type FileState } from './fs/probe';
import { stateModule } from './types';

/** Arguments of stat, after validation. */
export interface StatArgs {
  path: string;
  follow: boolean;
  get_checksum: boolean;
}

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

/** stat: reports facts about a path; never changes anything. */
export const stat = stateModule<StatArgs, FileState, never>({
  name: 'stat',
  returns: {
    stat: { type: 'dict', returned: 'always', description: 'exists; when it exists: path, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, inode, dev, xusr, wusr, rusr; checksum (sha1) for a regular file with get_checksum; lnk_target and lnk_source for a link.', sample: { exists: true, isreg: true, mode: '0644', pw_name: 'root', size: 1220, checksum: '6e642bb8dd5c2e027bf21dd923337cbb4214f827' } },
  },
  summary: 'Retrieve file or file system status',
  description: 'Registers `stat` with exists, isdir, isreg, islnk, mode, uid, gid, pw_name, gr_name, size, mtime, checksum (sha1), lnk_source, lnk_target.',
  examples: '- stat: { path: /etc/nginx/nginx.conf }\n  register: conf\n- debug: { msg: "missing" }\n  when: not conf.stat.exists',
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to examine.' },
    follow: { type: 'bool', default: false, description: 'Report on what a symbolic link points to instead of the link.' },
    get_checksum: { type: 'bool', default: true, description: 'Return the sha1 checksum of a regular file.' },
  },
  async read(ctx, args) {
    return (await probe(ctx, [{ path: args.path, follow: args.follow, checksum: args.get_checksum }])).files[0];
  },
  plan: (f) => ({ changed: false, diff: [], data: { stat: statData(f) } }),
  async apply() {},
});
