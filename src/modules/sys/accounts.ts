import { quote } from '../../connection/shell';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from '../../core/passwd';

/** What the user and group modules read from a host in one round trip. */
export interface AccountsState {
  /** The named user, or undefined when the host has none. */
  user?: PasswdEntry;
  /** Every group of the host. */
  groups: GroupEntry[];
  /** The user's password hash from the shadow database, when asked for and readable. */
  hash?: string;
  /** Whether the home directory in question (the wanted one, else the current one) exists. */
  homeExists: boolean;
}

/** The script that reads a user's passwd entry, the group database, and optionally the shadow hash and a home directory. */
export function accountsReadScript(name: string, opts: { shadow?: boolean; home?: string } = {}): string {
  const n = quote(name);
  return [
    'LC_ALL=C; export LC_ALL',
    'echo @passwd', `getent passwd -- ${n} || true`,
    'echo @group', 'getent group || true',
    'echo @shadow', opts.shadow ? `getent shadow -- ${n} 2>/dev/null | cut -d: -f2 || true` : ':',
    'echo @home',
    opts.home !== undefined ? `h=${quote(opts.home)}` : `h=$(getent passwd -- ${n} | cut -d: -f6)`,
    '[ -n "$h" ] && [ -d "$h" ] && echo yes || echo no',
  ].join('\n');
}

/** Parses accountsReadScript's output; undefined when the script did not run to its end. */
export function parseAccounts(out: string): AccountsState | undefined {
  const sections = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of out.split('\n')) {
    if (line.startsWith('@')) sections.set(line.slice(1), (cur = []));
    else if (cur && line !== '') cur.push(line);
  }
  if (!sections.has('home')) return undefined;
  const user = (sections.get('passwd') ?? []).map(parsePasswd).find(Boolean);
  const groups = (sections.get('group') ?? []).map(parseGroup).filter((g): g is GroupEntry => g !== undefined);
  const hash = sections.get('shadow')?.[0];
  return { user, groups, hash, homeExists: sections.get('home')?.[0] === 'yes' };
}

/** A group of the database by name or numeric id. */
export function findGroup(groups: readonly GroupEntry[], nameOrId: string): GroupEntry | undefined {
  return /^\d+$/.test(nameOrId) ? groups.find((g) => g.gid === Number(nameOrId)) : groups.find((g) => g.name === nameOrId);
}

/** The supplementary groups of a user: the groups that list it as a member, other than its primary one (as Ansible). */
export function supplementary(groups: readonly GroupEntry[], user: PasswdEntry): string[] {
  return groups.filter((g) => g.members.includes(user.name) && g.gid !== user.gid).map((g) => g.name);
}
