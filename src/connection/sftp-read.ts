import type { SFTPWrapper, Stats } from 'ssh2';
import { PermissionError, type FileReader, type PathAttrs } from './types';

/** SFTP status codes (draft-ietf-secsh-filexfer-02, as OpenSSH's sftp-server speaks it). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/**
 * File reads over the connection's SFTP session: the host's sftp-server answers them in-process, where the
 * shell would start `stat`, `readlink` or `base64` per path. `guard` rejects when the connection is lost.
 */
export function sftpReader(session: () => Promise<SFTPWrapper>, guard: <T>(p: Promise<T>) => Promise<T>): FileReader {
  const call = <T>(path: string, op: (s: SFTPWrapper, cb: (err: Error | undefined, v: T) => void) => void): Promise<T | undefined> =>
    guard(session().then((s) => new Promise<T | undefined>((resolve, reject) => op(s, (err, v) => {
      const code = (err as { code?: unknown } | undefined)?.code;
      if (!err) resolve(v);
      else if (code === NO_SUCH_FILE) resolve(undefined);
      else if (code === PERMISSION_DENIED) reject(new PermissionError(`${path}: ${err.message}`));
      else reject(err);
    }))));
  const attrs = (s: Stats | undefined): PathAttrs | undefined => s && { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, mtime: s.mtime };
  return {
    lstat: async (path) => attrs(await call<Stats>(path, (s, cb) => s.lstat(path, cb))),
    stat: async (path) => attrs(await call<Stats>(path, (s, cb) => s.stat(path, cb))),
    readlink: (path) => call<string>(path, (s, cb) => s.readlink(path, cb)),
    realpath: (path) => call<string>(path, (s, cb) => s.realpath(path, cb)),
    read: (path) => call<Buffer>(path, (s, cb) => s.readFile(path, cb as (err: Error | undefined, b: Buffer) => void)),
  };
}
