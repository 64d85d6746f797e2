import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { checkAccountName } from './group';
import { sh } from './fs/exec';
import { accountsReadScript, parseAccounts, supplementary, type AccountsState } from './sys/accounts';
import { planUser, UserSchema, type UserArgs, type UserChange } from './sys/user-plan';
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
  schema: UserSchema,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The user name.', sample: 'deploy' },
    state: { type: 'str', returned: 'always', description: 'The state asked for.', sample: 'present' },
    uid: { type: 'int', returned: 'when the user is present', description: 'The user id.', sample: 1001 },
    group: { type: 'int', returned: 'when the user is present', description: 'The primary group id.', sample: 1001 },
    groups: { type: 'str', returned: 'when the user is present', description: 'The supplementary groups, comma-separated.', sample: 'docker,adm' },
    home: { type: 'str', returned: 'when the user is present', description: 'The home directory.', sample: '/home/deploy' },
    shell: { type: 'str', returned: 'when the user is present', description: 'The login shell.', sample: '/bin/bash' },
    comment: { type: 'str', returned: 'when the user is modified', description: 'The GECOS field.', sample: 'Deploy user' },
    append: { type: 'bool', returned: 'when the user is modified', description: 'Whether groups were added to the current ones.', sample: false },
    system: { type: 'bool', returned: 'when the user is present', description: 'Whether a system account was asked for.', sample: false },
    create_home: { type: 'bool', returned: 'when the user is present', description: 'Whether the home directory is created.', sample: true },
    remove: { type: 'bool', returned: 'when state=absent', description: 'Whether the home directory was removed too.', sample: false },
    force: { type: 'bool', returned: 'when state=absent', description: 'Whether userdel -f was used.', sample: false },
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
    return now?.user ? { data: { uid: now.user.uid, group: now.user.gid, home: now.user.home, shell: now.user.shell } } : undefined;
  },
});
