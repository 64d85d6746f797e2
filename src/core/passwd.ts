/** A user as /etc/passwd (getent) has it. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** A group as /etc/group (getent) has it. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

// The C library skips comment lines and lines whose id is not a number; so do we, so a name matches getpwuid's.
const DIGITS = /^\d+$/;
const COMMENT = /^\s*#/;

/** Parses one /etc/passwd (`getent passwd`) line. */
export function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (COMMENT.test(line) || f.length < 7 || !DIGITS.test(f[2]) || !DIGITS.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f.slice(6).join(':') };
}

/** Parses one /etc/group (`getent group`) line. */
export function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (COMMENT.test(line) || f.length < 4 || !DIGITS.test(f[2])) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] };
}
