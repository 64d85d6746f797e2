import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshParamsFromVars } from '../../src/connection/params';
import { SshConnection } from '../../src/connection/ssh';
import { UnreachableError } from '../../src/connection/types';
import { addUser, knownHostsLine, labDir, startSshd, type Sshd } from './ssh-lab';

// Password login and sudo (with and without a password) for throwaway non-root users.
describe('SshConnection with passwords and become', () => {
  const tag = process.pid % 100000;
  const withPw = { name: `tsrun_pw${tag}`, password: `pw-${tag}-Secret!` };
  const noPw = { name: `tsrun_np${tag}`, password: `np-${tag}-Secret!` };
  const cleanups: (() => void)[] = [];
  let dir: string;
  let sshd: Sshd;
  let knownHosts: string;
  let config: string;

  beforeAll(async () => {
    delete process.env.SSH_AUTH_SOCK;
    cleanups.push(addUser(withPw.name, withPw.password, `${withPw.name} ALL=(ALL) ALL`));
    cleanups.push(addUser(noPw.name, noPw.password, `${noPw.name} ALL=(ALL) NOPASSWD: ALL`));
    dir = labDir('tsrun-sshu-');
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, '', { mode: 0o644 });
    sshd = await startSshd({ addr: '127.77.2.1', authorizedKeys: authorized });
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, knownHostsLine(sshd));
    config = join(dir, 'ssh_config');
    writeFileSync(config, '');
  });

  afterAll(async () => {
    // beforeAll may have stopped part-way (its error is the one reported): undo only what it made
    await sshd?.stop();
    for (const c of cleanups) c();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = (user: { name: string; password: string }, extra: Record<string, unknown> = {}) =>
    SshConnection.open(
      sshParamsFromVars(
        'web',
        { ansible_host: sshd.addr, ansible_port: sshd.port, ansible_user: user.name, ansible_password: user.password, tsrun_known_hosts: knownHosts, ...extra },
        { sshConfigFile: config },
      ),
    );

  it('logs in with a password', async () => {
    const conn = await open(withPw);
    expect((await conn.exec('id -un')).stdout).toBe(`${withPw.name}\n`);
    await conn.close();
  });

  it('refuses a wrong password without showing it', async () => {
    const err = (await open({ name: withPw.name, password: 'wrong-Secret-123' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toContain(`${withPw.name}@${sshd.addr}:${sshd.port}`);
    expect(err.message).toMatch(/authentication failed \(tried: password\)/);
    expect(err.message).not.toContain('wrong-Secret-123');
  });

  const becomeCases: {
    name: string;
    user: typeof withPw;
    extra?: Record<string, unknown>;
    become: { enabled: boolean; user?: string; password?: string };
    cmd: string;
    stdin?: string;
    rc: number;
    stdout?: string;
    stderr?: RegExp;
  }[] = [
    { name: 'sudo -n for a NOPASSWD user', user: noPw, become: { enabled: true }, cmd: 'id -un', rc: 0, stdout: 'root\n' },
    { name: 'become_user', user: noPw, become: { enabled: true, user: 'nobody' }, cmd: 'id -un', rc: 0, stdout: 'nobody\n' },
    { name: 'a become password on the task', user: withPw, become: { enabled: true, password: withPw.password }, cmd: 'id -un', rc: 0, stdout: 'root\n' },
    {
      name: 'ansible_become_password, with stdin after it',
      user: withPw,
      extra: { ansible_become_password: withPw.password },
      become: { enabled: true },
      cmd: 'cat; id -un',
      stdin: 'payload\n',
      rc: 0,
      stdout: 'payload\nroot\n',
    },
    {
      name: 'a wrong become password',
      user: withPw,
      become: { enabled: true, password: 'not-the-Secret-1' },
      cmd: 'id -un',
      rc: 1,
      stderr: /incorrect password/,
    },
    { name: 'no password where one is required', user: withPw, become: { enabled: true }, cmd: 'id -un', rc: 1, stderr: /a password is required/ },
  ];

  for (const c of becomeCases) {
    it(`become: ${c.name}`, async () => {
      const conn = await open(c.user, c.extra);
      const r = await conn.exec(c.cmd, { become: c.become, stdin: c.stdin });
      expect(r.rc).toBe(c.rc);
      if (c.stdout !== undefined) expect(r.stdout).toBe(c.stdout);
      if (c.stderr) expect(r.stderr).toMatch(c.stderr);
      expect(r.stdout + r.stderr).not.toContain(c.user.password);
      if (c.become.password) expect(r.stdout + r.stderr).not.toContain(c.become.password);
      await conn.close();
    });
  }

  const timeoutCases: { name: string; user: typeof withPw; become?: { enabled: boolean; password?: string } }[] = [
    { name: 'as the login user', user: noPw },
    { name: 'with sudo -n', user: noPw, become: { enabled: true } },
    { name: 'with a sudo password', user: withPw, become: { enabled: true, password: withPw.password } },
  ];
  timeoutCases.forEach((c, i) => {
    it(`kills a timed-out command and its children ${c.name}`, async () => {
      const marker = `tsrun-hang-${process.pid}-${i}`;
      const conn = await open(c.user);
      const r = await conn.exec(`sh -c 'sleep 30; echo ${marker}' & wait`, { timeoutMs: 1000, become: c.become });
      expect([r.timedOut, r.rc]).toEqual([true, 124]);
      await new Promise((res) => setTimeout(res, 500));
      // sshd runs on this machine, so the controller can see whether anything survived
      const left = execFileSync('sh', ['-c', `pgrep -f 'sl[e]ep 30; echo ${marker}' || true`], { encoding: 'utf8' });
      expect(left).toBe('');
      await conn.close();
    });
  });

  it('writes and reads a root-only file with become and a password', async () => {
    const secret = mkdtempSync('/root/tsrun-become-'); // 0700 root: the login user cannot see inside
    const dest = join(secret, 'app.conf');
    const conn = await open(withPw, { ansible_become_password: withPw.password });
    const become = { enabled: true };
    await conn.put(dest, 'key=value\n', { become, mode: '0640', owner: 'root', group: withPw.name });
    const st = statSync(dest);
    expect([st.uid, st.mode & 0o777]).toEqual([0, 0o640]);
    expect((await conn.get(dest, { become }))?.toString()).toBe('key=value\n');
    await expect(conn.get(dest)).rejects.toThrow(/could not read/);
    await expect(conn.put(join(secret, 'plain'), 'x')).rejects.toThrow(/could not write/);
    await conn.close();
    rmSync(secret, { recursive: true, force: true });
  });
});
