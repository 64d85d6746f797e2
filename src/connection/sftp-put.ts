import { randomBytes } from 'node:crypto';
import type { SFTPWrapper, Stats } from 'ssh2';

function call<T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * Writes `content` to `dest` over SFTP, atomically: a temporary file beside it, the requested mode
 * (or the existing file's mode and owner, else 0644), then an OpenSSH posix-rename over `dest`.
 * On failure the temporary file is removed and `dest` is untouched.
 */
export async function sftpPut(sftp: SFTPWrapper, dest: string, content: string | Buffer, mode?: string): Promise<void> {
  const tmp = `${dest}.tsrun.${randomBytes(6).toString('hex')}`;
  const old = await call<Stats | undefined>((cb) => sftp.stat(dest, (err, st) => cb(null, err ? undefined : st)));
  try {
    // writeFile streams the buffer in SFTP-sized chunks with pipelined requests
    await call<void>((cb) => sftp.writeFile(tmp, content, { mode: 0o600 }, (err) => cb(err, undefined)));
    const perm = mode ? parseInt(mode, 8) : old ? old.mode & 0o7777 : 0o644;
    await call<void>((cb) => sftp.chmod(tmp, perm, (err) => cb(err, undefined)));
    if (old) {
      // keeping the owner only works for root or an unchanged owner; either way the content is right
      await call<void>((cb) => sftp.chown(tmp, old.uid, old.gid, () => cb(null, undefined)));
    }
    await call<void>((cb) => sftp.ext_openssh_rename(tmp, dest, (err) => cb(err, undefined)));
  } catch (err) {
    await call<void>((cb) => sftp.unlink(tmp, () => cb(null, undefined)));
    throw err;
  }
}
