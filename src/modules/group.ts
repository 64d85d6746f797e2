import { quote } from '../connection/shell';
import { TsrunError } from '../core/errors';
import { sh } from './fs/exec';
import { accountsReadScript, findGroup, parseAccounts } from './sys/accounts';
import type { GroupEntry } from '../core/passwd';
import { GroupSchema, planGroup, type GroupArgs } from './sys/group-plan';
import { hostExec, reason } from './sys/exec';
import { stateModule } from './types';
import { overlayGroups, predictGroup } from '../predict/accounts';

/** Refuses a user or group name that useradd/groupadd would refuse, before any host is touched by it. */
export function checkAccountName(kind: 'user' | 'group', name: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/.test(name) || name.length > 32) {
    throw new TsrunError('SCHEMA', `${kind}: invalid ${kind} name "${name}"`, { expected: 'letters, digits, _ . - (and a final $), at most 32 characters, not starting with - or .' });
  }
}

/** group: manages local groups with groupadd, groupmod and groupdel, as ansible.builtin.group does on Linux. */
export const group = stateModule<GroupArgs, GroupEntry[], string[]>({
  name: 'group',
  summary: 'Manage groups (groupadd, groupmod, groupdel)',
  description:
    'Reads the group database in one round trip and runs only what the difference needs. In --check, later tasks ' +
    '(user, file and copy owners) see the group as this task would leave it.',
  examples: '- group: { name: deploy, gid: 1500 }\n- group: { name: app, system: yes }\n- group: { name: old, state: absent }',
  schema: GroupSchema,
  returns: {
    name: { type: 'str', returned: 'always', description: 'The group name.', sample: 'deploy' },
    state: { type: 'str', returned: 'always', description: 'The state asked for.', sample: 'present' },
    system: { type: 'bool', returned: 'always', description: 'Whether a system group was asked for.', sample: false },
    gid: { type: 'int', returned: 'when the group is present', description: 'The group id.', sample: 1500 },
  },
  async read(ctx, args) {
    checkAccountName('group', args.name);
    const r = await hostExec(ctx, accountsReadScript(args.name));
    const st = parseAccounts(r.stdout);
    if (!st) throw new TsrunError('TASK', `could not read the groups on ${ctx.conn.host}: ${reason(r)}`);
    if (ctx.observe && !ctx.model?.groups.has(args.name)) ctx.observe(`group:${args.name}`, String(findGroup(st.groups, args.name)?.gid ?? 'absent'));
    return ctx.model ? overlayGroups(ctx.model, st.groups) : st.groups;
  },
  plan: planGroup,
  predict: (model, args, _plan, groups) => predictGroup(model, args, findGroup(groups, args.name)),
  async apply(ctx, args, plan) {
    await sh(ctx, plan.change!.map(quote).join(' '), `could not ${args.state === 'absent' ? 'remove' : 'change'} group ${args.name}`);
    if (args.state === 'present') {
      const now = parseAccounts((await hostExec(ctx, accountsReadScript(args.name))).stdout);
      const g = now && findGroup(now.groups, args.name);
      return g ? { data: { gid: g.gid } } : undefined;
    }
  },
});
