import { TsrunError } from '../core/errors';
import { quote } from '../connection/shell';
import type { AccountsState } from '../modules/sys/accounts';
import type { GroupEntry, PasswdEntry } from '../core/passwd';
import { findGroup, supplementary } from '../modules/sys/accounts';
import type { GroupArgs } from '../modules/sys/group-plan';
import type { UserArgs, UserChange } from '../modules/sys/user-plan';
import type { ModuleContext, Plan } from '../modules/types';
import type { HostModel } from './model';
import { Unpredictable } from './unknown';

/** The host's group database with the groups and memberships earlier tasks would create, change or remove. */
export function overlayGroups(model: HostModel, groups: readonly GroupEntry[]): GroupEntry[] {
  let out = groups.filter((g) => model.groups.get(g.name)?.present !== false).map((g) => ({ ...g, members: [...g.members] }));
  for (const [name, m] of model.groups) {
    if (!m.present) continue;
    const have = out.find((g) => g.name === name);
    if (have) have.gid = m.gid ?? have.gid;
    else out = [...out, { name, gid: m.gid ?? model.placeholderId(), members: [] }];
  }
  for (const [user, m] of model.users) {
    for (const g of out) g.members = g.members.filter((x) => x !== user);
    if (m.present) for (const g of out) if (m.groups?.includes(g.name)) g.members.push(user);
  }
  return out;
}

/** The accounts a user task reads, with what earlier tasks of the check would have done laid over the host's. */
export function overlayAccounts(model: HostModel, st: AccountsState, name: string): AccountsState {
  const groups = overlayGroups(model, st.groups);
  const m = model.users.get(name);
  if (!m) return { ...st, groups };
  if (!m.present) return { groups, homeExists: false };
  return { user: m.entry, groups, hash: m.hash ?? st.hash, homeExists: m.homeExists ?? st.homeExists };
}

/** Records what a user change would leave: the passwd entry, memberships, hash and home, and the group Debian's useradd makes. */
export function predictUser(model: HostModel, args: UserArgs, plan: Plan<UserChange>, st: AccountsState): void {
  const by = model.task;
  if (args.state === 'absent') {
    model.users.set(args.name, { present: false, by });
    if (args.remove && st.user?.home) model.set(st.user.home, { type: 'absent', by });
    // userdel removes the user's own group when nobody else uses it (USERGROUPS_ENAB)
    const own = findGroup(st.groups, args.name);
    if (own && st.user && own.gid === st.user.gid) model.groups.set(args.name, { present: false, by });
    return;
  }
  const before = st.user;
  const primary = args.group !== undefined ? findGroup(st.groups, args.group) : undefined;
  let gid = primary?.gid ?? before?.gid;
  if (gid === undefined) {
    // with a group of its name already there, Ansible passes -N and useradd gives the default group (users, 100)
    if (findGroup(st.groups, args.name)) gid = findGroup(st.groups, 'users')?.gid ?? 100;
    else {
      // Debian's useradd makes a group named after the user (USERGROUPS_ENAB yes)
      gid = model.placeholderId();
      model.groups.set(args.name, { present: true, gid, by });
    }
  }
  const entry: PasswdEntry = {
    name: args.name, uid: args.uid ?? before?.uid ?? model.placeholderId(), gid,
    comment: args.comment ?? before?.comment ?? '', home: args.home ?? before?.home ?? `/home/${args.name}`, shell: args.shell ?? before?.shell ?? '/bin/sh',
  };
  const current = before ? supplementary(st.groups, before) : [];
  const wanted = args.groups?.map((g) => findGroup(st.groups, g)?.name ?? g).filter((g) => findGroup(st.groups, g)?.gid !== gid);
  const groups = wanted === undefined ? current : args.append ? [...new Set([...current, ...wanted])] : wanted;
  // useradd -m (and a missing home made again) leaves a directory from /etc/skel, 0755 under Debian's UMASK 022
  const madeHome = plan.change?.makeHome ?? (!before && args.create_home ? entry.home : undefined);
  if (madeHome) model.set(madeHome, { type: 'directory', mode: '0755', owner: args.name, group: st.groups.find((g) => g.gid === gid)?.name ?? args.name, by }, true);
  const setHash = args.password !== undefined && (!before || args.update_password === 'always');
  model.users.set(args.name, {
    present: true, entry, groups, hash: setHash ? args.password : st.hash,
    homeExists: plan.change?.makeHome !== undefined || (!before && args.create_home) || st.homeExists, by,
  });
}

/** Records what a group change would leave. */
export function predictGroup(model: HostModel, args: GroupArgs, current?: GroupEntry): void {
  model.groups.set(args.name, args.state === 'absent' ? { present: false, by: model.task } : { present: true, gid: args.gid ?? current?.gid ?? model.placeholderId(), by: model.task });
}

/**
 * --check: an owner or group that a file task names must exist when the real run gets there, or chown fails (and
 * Ansible's check mode fails the same way). A user or group that an earlier task creates is fine; one it removes
 * fails; one neither the host nor the model has is unknown when an earlier task could have made it (a package's
 * maintainer scripts, a task whose outcome is unknown), else a failure as in the real run.
 */
export async function checkOwners(ctx: ModuleContext, attrs: { owner?: string; group?: string }): Promise<void> {
  const model = ctx.model;
  if (!model) return;
  const asks = ([['user', attrs.owner], ['group', attrs.group]] as const).filter((a): a is readonly ['user' | 'group', string] => a[1] !== undefined && !/^\d+$/.test(a[1]));
  const onHost: (readonly ['user' | 'group', string])[] = [];
  for (const [kind, name] of asks) {
    const m = kind === 'user' ? model.users.get(name) : model.groups.get(name);
    if (m?.present === false) throw new TsrunError('TASK', `${kind === 'user' ? 'chown' : 'chgrp'} failed: failed to look up ${kind} ${name} (removed by task "${m.by}")`);
    if (!m) onHost.push([kind, name]);
  }
  if (!onHost.length) return;
  const script = onHost.map(([kind, name], i) => `getent ${kind === 'user' ? 'passwd' : 'group'} -- ${quote(name)} >/dev/null && echo ${i}`).join('\n');
  const r = await ctx.conn.exec(`${script}\ntrue`, { become: ctx.become, env: ctx.environment, timeoutMs: ctx.timeoutMs });
  const found = new Set(r.stdout.split('\n').filter(Boolean).map(Number));
  for (const [i, [kind, name]] of onHost.entries()) {
    ctx.observe?.(`${kind}:${name}`, found.has(i) ? 'present' : 'absent');
    if (found.has(i)) continue;
    // Debian's packages bring their own system accounts (docker-registry, postgres): after an install, the owner is
    // taken to come with it, as the real run's order makes it; the package's own task fails first if it does not install.
    if (model.installed().length) continue;
    if (model.unknownTasks) throw new Unpredictable(`${kind} ${name} is not on the host and no earlier task is predicted to create it; a task whose outcome is unknown may`);
    throw new TsrunError('TASK', `${kind === 'user' ? 'chown' : 'chgrp'} failed: failed to look up ${kind} ${name}`);
  }
}
