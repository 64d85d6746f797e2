import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TsrunError } from '../../../src/core/errors';
import { validateArgs } from '../../../src/modules/args';
import { copy } from '../../../src/modules/copy';
import { file } from '../../../src/modules/file';
import { group } from '../../../src/modules/group';
import { accountsReadScript, parseAccounts, type AccountsState } from '../../../src/modules/sys/accounts';
import { planGroup, type GroupArgs } from '../../../src/modules/sys/group-plan';
import { planUser, type UserArgs } from '../../../src/modules/sys/user-plan';
import type { Module } from '../../../src/modules/types';
import { user } from '../../../src/modules/user';
import { checkOwners } from '../../../src/predict/accounts';
import { HostModel } from '../../../src/predict/model';
import { Unpredictable } from '../../../src/predict/unknown';
import { runModule, tempDir, testContext } from './context';

const userArgs = (raw: Record<string, unknown>) => validateArgs(user.args, raw, { module: 'user' }) as unknown as UserArgs;
const groupArgs = (raw: Record<string, unknown>) => validateArgs(group.args, raw, { module: 'group' }) as unknown as GroupArgs;
const lines = (p: { diff: { kind: string; lines?: string[] }[] }) => p.diff.flatMap((d) => d.lines ?? []);

/** A host with root, users (100), sudo (27), adm (4) and deploy (1500, a member of sudo). */
const host = (withDeploy = true): AccountsState => ({
  user: withDeploy ? { name: 'deploy', uid: 1500, gid: 1500, comment: 'Deploy', home: '/home/deploy', shell: '/bin/sh' } : undefined,
  groups: [
    { name: 'root', gid: 0, members: [] }, { name: 'adm', gid: 4, members: [] }, { name: 'sudo', gid: 27, members: withDeploy ? ['deploy'] : [] },
    { name: 'users', gid: 100, members: [] }, ...(withDeploy ? [{ name: 'deploy', gid: 1500, members: [] }] : []),
  ],
  hash: withDeploy ? '$6$old' : undefined,
  homeExists: withDeploy,
});

describe('user plan', () => {
  it('creates a user with useradd, as Ansible calls it', () => {
    const p = planUser(host(false), userArgs({ name: 'deploy', uid: 1500, groups: 'sudo,adm', shell: '/bin/bash', password: '$6$x', comment: 'Deploy' }));
    expect(p.changed).toBe(true);
    expect(p.change!.argv).toEqual([['useradd', '-u', '1500', '-G', 'sudo,adm', '-c', 'Deploy', '-s', '/bin/bash', '-p', '$6$x', '-m', 'deploy']]);
    expect(lines(p)).toEqual(['user deploy: absent -> present', 'uid: 1500', 'groups: sudo,adm', 'shell: /bin/bash', 'password: set']);
    expect(JSON.stringify(p.diff)).not.toContain('$6$x');
  });

  it('a group named after the user already there: -N, so useradd does not try to make it; system and no home', () => {
    const st = host(false);
    st.groups.push({ name: 'app', gid: 990, members: [] });
    expect(planUser(st, userArgs({ name: 'app', system: true, create_home: false })).change!.argv).toEqual([['useradd', '-N', '-M', '-r', 'app']]);
  });

  it('fails as Ansible does on a group the host does not have', () => {
    expect(() => planUser(host(false), userArgs({ name: 'x', group: 'nope' }))).toThrow(/Group nope does not exist/);
    expect(() => planUser(host(), userArgs({ name: 'deploy', groups: ['sudo', 'nope'] }))).toThrow(/Group nope does not exist/);
  });

  it('changes only what differs: uid, primary group, groups (exact or appended), shell, password', () => {
    const p = planUser(host(), userArgs({ name: 'deploy', uid: 1501, group: 'users', groups: ['adm'], shell: '/bin/bash', password: '$6$new' }));
    expect(p.change!.argv).toEqual([['usermod', '-u', '1501', '-g', 'users', '-G', 'adm', '-s', '/bin/bash', '-p', '$6$new', 'deploy']]);
    expect(lines(p)).toEqual(['user deploy:', '  uid: 1500 -> 1501', '  group: deploy -> users', '  groups: sudo -> adm', '  shell: /bin/sh -> /bin/bash', '  password: changed']);
    const append = planUser(host(), userArgs({ name: 'deploy', groups: ['adm'], append: true }));
    expect(append.change!.argv).toEqual([['usermod', '-a', '-G', 'adm', 'deploy']]);
    expect(lines(append)).toEqual(['user deploy:', '  groups: sudo -> sudo,adm']);
  });

  it('is idempotent: the same user, groups (the primary one listed too) and hash change nothing', () => {
    const p = planUser(host(), userArgs({ name: 'deploy', uid: 1500, group: 'deploy', groups: ['sudo', 'deploy'], shell: '/bin/sh', password: '$6$old', comment: 'Deploy' }));
    expect(p).toMatchObject({ changed: false, msg: 'user is as wanted' });
    expect(planUser(host(), userArgs({ name: 'deploy', groups: ['sudo'], append: true })).changed).toBe(false);
    expect(planUser(host(), userArgs({ name: 'deploy', password: '$6$new', update_password: 'on_create' })).changed).toBe(false);
  });

  it('empty groups remove every supplementary group; a missing home is made again', () => {
    expect(planUser(host(), userArgs({ name: 'deploy', groups: '' })).change!.argv).toEqual([['usermod', '-G', '', 'deploy']]);
    const st = { ...host(), homeExists: false };
    expect(planUser(st, userArgs({ name: 'deploy' })).change).toMatchObject({ argv: [], makeHome: '/home/deploy' });
    expect(planUser(st, userArgs({ name: 'deploy', create_home: false })).changed).toBe(false);
  });

  it('removes a user (userdel -r with remove), and an absent one is already right', () => {
    const p = planUser(host(), userArgs({ name: 'deploy', state: 'absent', remove: true }));
    expect(p.change!.argv).toEqual([['userdel', '-r', 'deploy']]);
    expect(lines(p)).toEqual(['user deploy: present -> absent', 'home directory /home/deploy: removed']);
    expect(planUser(host(false), userArgs({ name: 'deploy', state: 'absent' })).changed).toBe(false);
  });
});

describe('group plan', () => {
  it('groupadd, groupmod -g, groupdel; nothing when it is as wanted', () => {
    const g = host().groups;
    expect(planGroup(g, groupArgs({ name: 'app', gid: 900, system: true })).change).toEqual(['groupadd', '-g', '900', '-r', 'app']);
    expect(planGroup(g, groupArgs({ name: 'deploy', gid: 1600 })).change).toEqual(['groupmod', '-g', '1600', 'deploy']);
    expect(planGroup(g, groupArgs({ name: 'deploy', state: 'absent' })).change).toEqual(['groupdel', 'deploy']);
    expect(planGroup(g, groupArgs({ name: 'deploy', gid: 1500 })).changed).toBe(false);
    expect(planGroup(g, groupArgs({ name: 'gone', state: 'absent' })).changed).toBe(false);
  });

  it('refuses a name useradd/groupadd would refuse, before reading the host', async () => {
    await expect(runModule(group as Module<never>, testContext({ check: true }), { name: '-rf' })).rejects.toThrow(/invalid group name "-rf"/);
    await expect(runModule(user as Module<never>, testContext({ check: true }), { name: 'a b' })).rejects.toThrow(/invalid user name "a b"/);
  });
});

describe('reading accounts', () => {
  it('reads root, the group database and a home directory with the real getent', () => {
    const out = execFileSync('sh', ['-c', accountsReadScript('root', { home: '/nonexistent-home' })], { encoding: 'utf8' });
    const st = parseAccounts(out)!;
    expect(st.user).toMatchObject({ name: 'root', uid: 0, gid: 0, home: '/root' });
    expect(st.groups.find((g) => g.name === 'root')?.gid).toBe(0);
    expect(st.homeExists).toBe(false);
    expect(parseAccounts(execFileSync('sh', ['-c', accountsReadScript('root')], { encoding: 'utf8' }))!.homeExists).toBe(true);
    expect(parseAccounts('@passwd\n')).toBeUndefined();
  });
});

describe('the check model: groups and users that earlier tasks create or remove', () => {
  const { dir, cleanup } = tempDir('tsrun-accounts-');
  afterAll(cleanup);
  const absent = (name: string) => {
    try {
      execFileSync('getent', ['passwd', name]);
      return false;
    } catch {
      return true;
    }
  };

  it('group -> user -> directory and file owned by that user: each predicted to change, nothing made', async () => {
    const name = 'hpl-unit-acct';
    expect(absent(name), `a user ${name} exists on this machine`).toBe(true);
    const ctx = { ...testContext({ check: true }), model: new HostModel() };
    const steps: [Module<never>, Record<string, unknown>][] = [
      [group as Module<never>, { name: `${name}-g` }],
      [user as Module<never>, { name, group: `${name}-g`, groups: [`${name}-g`], shell: '/bin/bash' }],
      [user as Module<never>, { name, group: `${name}-g`, shell: '/bin/bash' }],
      [file as Module<never>, { path: join(dir, 'app'), state: 'directory', owner: name, group: `${name}-g`, mode: '0750' }],
      [copy as Module<never>, { content: 'x\n', dest: join(dir, 'app', 'conf'), owner: name }],
      [file as Module<never>, { path: join(dir, 'app'), state: 'directory', owner: name }],
    ];
    const changed: boolean[] = [];
    for (const [mod, args] of steps) changed.push((await runModule(mod, ctx, args)).changed);
    expect(changed).toEqual([true, true, false, true, true, false]);
    expect(absent(name)).toBe(true);
    expect(existsSync(join(dir, 'app'))).toBe(false);
    expect(ctx.model.users.get(name)).toMatchObject({ present: true, entry: { shell: '/bin/bash', home: `/home/${name}` } });
    // the home directory useradd -m makes is in the model too
    expect(ctx.model.lookup(`/home/${name}`)).toMatchObject({ type: 'directory', owner: name, mode: '0755' });
  });

  it('an owner that an earlier task removes fails; one nobody makes fails as in the real run, is unknown after an unknown task, and is taken to come with a package installed earlier', async () => {
    const model = new HostModel();
    model.users.set('gone', { present: false, by: 'remove gone' });
    const ctx = { ...testContext({ check: true }), model };
    await expect(checkOwners(ctx, { owner: 'gone' })).rejects.toThrow(/chown failed: failed to look up user gone \(removed by task "remove gone"\)/);
    await expect(checkOwners(ctx, { owner: 'root', group: 'root' })).resolves.toBeUndefined();
    await expect(checkOwners(ctx, { owner: '4242' })).resolves.toBeUndefined();
    const err = await checkOwners(ctx, { group: 'hpl-no-such-group' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TsrunError);
    expect(String((err as Error).message)).toMatch(/chgrp failed: failed to look up group hpl-no-such-group/);
    model.unknownTasks++;
    await expect(checkOwners(ctx, { owner: 'hpl-no-such-user' })).rejects.toBeInstanceOf(Unpredictable);
    // a package installed earlier brings its own system account (postgres, docker-registry): predicted as there
    model.unknownTasks = 0;
    model.packages.set('postgresql', { present: true, by: 'install' });
    await expect(checkOwners(ctx, { owner: 'hpl-no-such-user' })).resolves.toBeUndefined();
  });

  it('a user removed with remove: its home is absent in the model, and its own group goes with it', async () => {
    const model = new HostModel();
    const ctx = { ...testContext({ check: true }), model };
    const r = await runModule(user as Module<never>, ctx, { name: 'root', state: 'absent', remove: true });
    expect(r.changed).toBe(true);
    expect(model.lookup('/root/.profile')).toMatchObject({ type: 'absent' });
    expect(model.groups.get('root')).toMatchObject({ present: false });
    expect(execFileSync('getent', ['passwd', 'root'], { encoding: 'utf8' })).toMatch(/^root:/);
    // a later user task sees it gone
    expect((await runModule(user as Module<never>, ctx, { name: 'root', state: 'absent' })).changed).toBe(false);
  });
});
