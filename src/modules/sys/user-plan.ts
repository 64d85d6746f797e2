import { TsrunError } from '../../core/errors';
import type { Plan } from '../types';
import { findGroup, supplementary, type AccountsState } from './accounts';
import { arg, argsSchema, optional, type ArgsOf } from '../schema';

/** The user module's arguments, declared once: their type, checks and documentation. */
export const UserSchema = argsSchema({
  name: arg.str('The user name.', { aliases: ['user'] }),
  state: arg.choice(['present', 'absent'], 'Whether the account exists.', { default: 'present' }),
  uid: optional(arg.int('The user id.')),
  group: optional(arg.str('The primary group (name or gid); it must exist.')),
  groups: optional(arg.list('Supplementary groups (a list or comma string); an empty value removes all of them unless append.')),
  append: arg.bool('Add the groups to the current ones instead of setting exactly those.', { default: false }),
  shell: optional(arg.str('The login shell.')),
  home: optional(arg.path('The home directory (not moved when it changes: usermod -d).')),
  create_home: arg.bool('Create the home directory from /etc/skel when the user is created, or when it is missing.', { default: true, aliases: ['createhome'] }),
  system: arg.bool('Create a system account (useradd -r); only when the user is created.', { default: false }),
  password: optional(arg.str('The password as a crypt(3) hash; set when it differs from the shadow entry (see update_password).', { noLog: true })),
  update_password: arg.choice(['always', 'on_create'], 'always: set password when it differs; on_create: only for new users.', { default: 'always' }),
  comment: optional(arg.str('The GECOS field (full name).')),
  remove: arg.bool('With state=absent, also remove the home directory and mail spool (userdel -r).', { default: false }),
  force: arg.bool('With state=absent, remove even when the user is logged in (userdel -f).', { default: false }),
});

/** Arguments of the user module, after validation. */
export type UserArgs = ArgsOf<typeof UserSchema>;

/** What apply runs: commands as argument words (quoted when run), and whether a missing home directory is made. */
export interface UserChange {
  argv: string[][];
  /** Make the home directory (from /etc/skel) of an existing user that has none. */
  makeHome?: string;
  /** The user is created (the model then records its own group, as Debian's useradd makes one). */
  created: boolean;
}

const noGroup = (g: string): never => {
  throw new TsrunError('TASK', `Group ${g} does not exist`);
};

/** The supplementary groups wanted, by name; fails as Ansible does on a group the host does not have. */
function wantedGroups(st: AccountsState, args: UserArgs, primaryGid?: number): string[] | undefined {
  if (args.groups === undefined) return undefined;
  const names = args.groups.map((g) => (findGroup(st.groups, g) ?? noGroup(g)));
  // the primary group is no supplementary group: listing it does not make the user change on every run
  return [...new Set(names.filter((g) => g.gid !== primaryGid).map((g) => g.name))];
}

function createPlan(st: AccountsState, args: UserArgs): Plan<UserChange> {
  const primary = args.group !== undefined ? findGroup(st.groups, args.group) ?? noGroup(args.group) : undefined;
  const groups = wantedGroups(st, args, primary?.gid);
  const cmd = ['useradd'];
  if (args.uid !== undefined) cmd.push('-u', String(args.uid));
  if (primary) cmd.push('-g', primary.name);
  // As Ansible: a group named after the user already exists, so useradd must not try to make one
  else if (findGroup(st.groups, args.name)) cmd.push('-N');
  if (groups?.length) cmd.push('-G', groups.join(','));
  if (args.comment !== undefined) cmd.push('-c', args.comment);
  if (args.home !== undefined) cmd.push('-d', args.home);
  if (args.shell !== undefined) cmd.push('-s', args.shell);
  if (args.password !== undefined) cmd.push('-p', args.password);
  cmd.push(args.create_home ? '-m' : '-M');
  if (args.system) cmd.push('-r');
  cmd.push(args.name);
  const lines = [`user ${args.name}: absent -> present`];
  if (args.uid !== undefined) lines.push(`uid: ${args.uid}`);
  if (primary) lines.push(`group: ${primary.name}`);
  if (groups?.length) lines.push(`groups: ${groups.join(',')}`);
  if (args.home !== undefined) lines.push(`home: ${args.home}`);
  if (args.shell !== undefined) lines.push(`shell: ${args.shell}`);
  if (args.password !== undefined) lines.push('password: set');
  return {
    changed: true, diff: [{ kind: 'lines', lines }], msg: 'user created', change: { argv: [cmd], created: true },
    data: {
      name: args.name, state: 'present', system: args.system, create_home: args.create_home,
      ...(args.uid !== undefined ? { uid: args.uid } : {}), ...(primary ? { group: primary.gid } : {}),
      ...(groups ? { groups: groups.join(',') } : {}), ...(args.home !== undefined ? { home: args.home } : {}),
      ...(args.shell !== undefined ? { shell: args.shell } : {}), ...(args.comment !== undefined ? { comment: args.comment } : {}),
    },
  };
}

function modifyPlan(st: AccountsState, args: UserArgs): Plan<UserChange> {
  const u = st.user!;
  const opts: string[] = [];
  const lines: string[] = [];
  const what: string[] = [];
  const set = (flag: string, value: string, field: string, line: string) => {
    opts.push(flag, value);
    lines.push(line);
    what.push(field);
  };
  if (args.uid !== undefined && args.uid !== u.uid) set('-u', String(args.uid), 'uid', `uid: ${u.uid} -> ${args.uid}`);
  let gid = u.gid;
  if (args.group !== undefined) {
    const g = findGroup(st.groups, args.group) ?? noGroup(args.group);
    if (g.gid !== u.gid) set('-g', g.name, 'group', `group: ${st.groups.find((x) => x.gid === u.gid)?.name ?? u.gid} -> ${g.name}`);
    gid = g.gid;
  }
  const current = supplementary(st.groups, u).filter((g) => findGroup(st.groups, g)?.gid !== gid);
  const wanted = wantedGroups(st, args, gid);
  if (wanted) {
    const missing = wanted.filter((g) => !current.includes(g));
    const extra = args.append ? [] : current.filter((g) => !wanted.includes(g));
    if (missing.length || extra.length) {
      if (args.append) opts.push('-a');
      const final = args.append ? [...current, ...missing] : wanted;
      set('-G', wanted.join(','), 'groups', `groups: ${current.join(',') || '(none)'} -> ${final.join(',') || '(none)'}`);
    }
  }
  if (args.comment !== undefined && args.comment !== u.comment) set('-c', args.comment, 'comment', `comment: ${u.comment} -> ${args.comment}`);
  if (args.home !== undefined && args.home !== u.home) set('-d', args.home, 'home', `home: ${u.home} -> ${args.home}`);
  if (args.shell !== undefined && args.shell !== u.shell) set('-s', args.shell, 'shell', `shell: ${u.shell} -> ${args.shell}`);
  // an unreadable shadow entry (no become) cannot be shown equal: the hash is set, as Ansible would find it different
  if (args.password !== undefined && args.update_password === 'always' && args.password !== st.hash) set('-p', args.password, 'password', 'password: changed');
  const argv = opts.length ? [['usermod', ...opts, args.name]] : [];
  const home = args.home ?? u.home;
  const makeHome = args.create_home && !st.homeExists && home ? home : undefined;
  if (makeHome) {
    lines.push(`home directory ${makeHome}: absent -> directory`);
    what.push('home directory');
  }
  const changed = argv.length > 0 || makeHome !== undefined;
  return {
    changed, diff: lines.length ? [{ kind: 'lines', lines: [`user ${args.name}:`, ...lines.map((l) => `  ${l}`)] }] : [],
    msg: changed ? `user changed: ${what.join(', ')}` : 'user is as wanted',
    change: { argv, makeHome, created: false },
    data: {
      name: args.name, state: 'present', uid: args.uid ?? u.uid, group: gid, home, shell: args.shell ?? u.shell,
      comment: args.comment ?? u.comment, groups: (wanted && !args.append ? wanted : [...new Set([...current, ...(wanted ?? [])])]).join(','),
      append: args.append, system: args.system, create_home: args.create_home,
    },
  };
}

/** Plans the user module from the host's accounts: a pure function. */
export function planUser(st: AccountsState, args: UserArgs): Plan<UserChange> {
  if (args.state === 'absent') {
    const data = { name: args.name, state: 'absent', remove: args.remove, force: args.force };
    if (!st.user) return { changed: false, diff: [], msg: 'user is already absent', change: { argv: [], created: false }, data };
    const cmd = ['userdel', ...(args.force ? ['-f'] : []), ...(args.remove ? ['-r'] : []), args.name];
    const lines = [`user ${args.name}: present -> absent`, ...(args.remove ? [`home directory ${st.user.home}: removed`] : [])];
    return { changed: true, diff: [{ kind: 'lines', lines }], msg: 'user removed', change: { argv: [cmd], created: false }, data };
  }
  return st.user ? modifyPlan(st, args) : createPlan(st, args);
}
