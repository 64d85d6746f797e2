import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { checkAccountName } from './group';
import { sh } from './fs/exec';
import { accountsReadScript, parseAccounts, supplementary, type AccountsState } from './sys/accounts';
import { planUser, type UserArgs, type UserChange } from './sys/user-plan';
import { hostExec, reason } from './sys/exec';
import { stateModule } from './types';
import { overlayAccounts, predictUser } from '../predict/accounts';

/** user: manages local user accounts with useradd, usermod and userdel, as ansible.builtin.user does on Linux. */
export const user = stateModule<UserArgs, AccountsState, UserChange>({
  name: 'user',
  summary: 'Manage user accounts (useradd, usermod, userdel)',
  description:
    'Reads the passwd entry, the group database and (with password) the shadow hash in one round trip, then runs only ' +
    'the useradd/usermod/userdel that the difference needs. Without `group`, Debian\'s useradd makes a group named ' +
    'after the user (when a group of that name exists already, the user gets the default group instead, as in Ansible). ' +
    '`password` is a crypt(3) hash (e.g. from `mkpasswd -m sha-512`), never a clear-text password; it is a secret. ' +
    'A `group` or `groups` entry the host does not have fails the task ("Group X does not exist"). In --check, later ' +
    'tasks see the user and its groups as this task would leave them.',
  examples:
    '- user: { name: deploy, uid: 1500, group: deploy, groups: [sudo, adm], shell: /bin/bash }\n' +
    '- user: { name: app, system: yes, create_home: no, shell: /usr/sbin/nologin }\n' +
    '- user: { name: olduser, state: absent, remove: yes }',
  args: {
    name: { type: 'str', required: true, aliases: ['user'], description: 'The user name.' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the account exists.' },
    uid: { type: 'int', description: 'The user id.' },
    group: { type: 'str', description: 'The primary group (name or gid); it must exist.' },
    groups: { type: 'list', elements: 'str', description: 'Supplementary groups (a list or comma string); an empty value removes all of them unless append.' },
    append: { type: 'bool', default: false, description: 'Add the groups to the current ones instead of setting exactly those.' },
    shell: { type: 'str', description: 'The login shell.' },
    home: { type: 'path', description: "The home directory (not moved when it changes: usermod -d)." },
    create_home: { type: 'bool', default: true, aliases: ['createhome'], description: 'Create the home directory from /etc/skel when the user is created, or when it is missing.' },
    system: { type: 'bool', default: false, description: 'Create a system account (useradd -r); only when the user is created.' },
    password: { type: 'str', noLog: true, description: 'The password as a crypt(3) hash; set when it differs from the shadow entry (see update_password).' },
    update_password: { type: 'str', default: 'always', choices: ['always', 'on_create'], description: 'always: set password when it differs; on_create: only for new users.' },
    comment: { type: 'str', description: 'The GECOS field (full name).' },
    remove: { type: 'bool', default: false, description: 'With state=absent, also remove the home directory and mail spool (userdel -r).' },
    force: { type: 'bool', default: false, description: 'With state=absent, remove even when the user is logged in (userdel -f).' },
  },
  async read(ctx, args) {
    checkAccountName('user', args.name);
    const r = await hostExec(ctx, accountsReadScript(args.name, { shadow: args.password !== undefined, home: args.home }));
    const st = parseAccounts(r.stdout);
    if (!st) throw new TsrunError('TASK', `could not read the accounts on ${ctx.conn.host}: ${reason(r)}`);
    if (ctx.observe && !ctx.model?.users.has(args.name)) {
      const u = st.user;
      ctx.observe(`user:${args.name}`, u ? `${u.uid}:${u.gid}:${u.home}:${u.shell} groups ${supplementary(st.groups, u).join(',')}` : 'absent');
    }
    return ctx.model ? overlayAccounts(ctx.model, st, args.name) : st;
  },
  plan: planUser,
  predict: predictUser,
  async apply(ctx, args, plan) {
    const c = plan.change!;
    const cmds = c.argv.map((words) => words.map(quote).join(' '));
    if (c.makeHome) {
      const h = quote(c.makeHome);
      cmds.push(`mkdir -p -- ${h} && cp -a /etc/skel/. ${h}/ && chown -R ${quote(args.name)}: -- ${h}`);
    }
    await sh(ctx, cmds.join(' && '), `could not ${args.state === 'absent' ? 'remove' : c.created ? 'create' : 'change'} user ${args.name}`);
    if (args.state === 'absent' || !c.created) return;
    // the ids the host chose, for register
    const now = parseAccounts((await hostExec(ctx, accountsReadScript(args.name))).stdout);
    return now?.user ? { uid: now.user.uid, group: now.user.gid, home: now.user.home, shell: now.user.shell } : undefined;
  },
});
