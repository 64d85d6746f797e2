import type { SFTPWrapper } from 'ssh2';

/**
 * Uploads `content` to `path` over SFTP, created with mode 0600 (the host then checks and renames it).
 * writeFile streams the buffer in SFTP-sized chunks with pipelined requests.
 */
export function sftpUpload(sftp: SFTPWrapper, path: string, content: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => sftp.writeFile(path, content, { mode: 0o600, flag: 'wx' }, (err) => (err ? reject(err) : resolve())));
}

/** Removes a file over SFTP, ignoring errors (it may never have been created). */
export function sftpUnlink(sftp: SFTPWrapper, path: string): Promise<void> {
  return new Promise((resolve) => sftp.unlink(path, () => resolve()));
}
