import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionPool } from '../../src/connection/factory';
import { sshParamsFromVars, type SshParamOptions } from '../../src/connection/params';
import { SshConnection } from '../../src/connection/ssh';
import { UnreachableError } from '../../src/connection/types';
import { freePort, keygen, knownHostsLine, labDir, startSshd, type Sshd } from './ssh-lab';

// Host key checking, jump hosts, unreachable hosts and dropped connections, against real sshd processes.
describe('SshConnection hosts and faults', () => {
  let dir: string;
  let key: string;
  let target: Sshd;
  let bastion: Sshd;
  let options: SshParamOptions;

  beforeAll(async () => {
    delete process.env.SSH_AUTH_SOCK;
    dir = labDir('tsrun-sshh-');
    const k = keygen(dir, 'id_ed25519', 'ed25519');
    key = k.key;
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, `${k.pub}\n`, { mode: 0o644 });
    [target, bastion] = await Promise.all([
      startSshd({ addr: '127.77.1.1', authorizedKeys: authorized }),
      startSshd({ addr: '127.77.1.2', authorizedKeys: authorized }),
    ]);
    const config = join(dir, 'ssh_config');
    // the jump host is known to ssh_config by an alias only, as users commonly write it
    writeFileSync(config, `Host bastion\n  HostName ${bastion.addr}\n  Port ${bastion.port}\n  User root\n`);
    options = { sshConfigFile: config };
  });

  afterAll(async () => {
    await Promise.all([target?.stop(), bastion?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const vars = (s: Sshd, knownHosts: string, extra: Record<string, unknown> = {}) => ({
    ansible_host: s.addr,
    ansible_port: s.port,
    ansible_user: 'root',
    ansible_ssh_private_key_file: key,
    tsrun_known_hosts: knownHosts,
    ...extra,
  });

  let others = 0;
  const otherKey = () => keygen(dir, `other${others++}`, 'ed25519').pub;

  const hostKeyCases: {
    name: string;
    known: (s: Sshd) => string;
    extra?: Record<string, unknown>;
    opts?: SshParamOptions;
    error?: RegExp;
    after?: (s: Sshd, text: string) => void;
  }[] = [
    { name: 'a known plain entry', known: knownHostsLine },
    {
      name: 'a hashed entry',
      known: (s) => {
        const f = join(dir, 'hash_me');
        writeFileSync(f, knownHostsLine(s));
        execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
        return readFileSync(f, 'utf8');
      },
      after: (_s, text) => expect(text).toMatch(/^\|1\|/),
    },
    { name: 'a wildcard entry', known: (s) => `[127.77.1.*]:${s.port} ${s.hostPub}\n` },
    {
      name: 'an unknown host',
      known: () => '',
      error: /host key of 127\.77\.1\.1:\d+ is not known \(ssh-ed25519 key SHA256:[A-Za-z0-9+/]{43}\)/,
    },
    {
      name: 'an unknown host with accept-new',
      known: () => '',
      opts: { hostKeyChecking: 'accept-new' },
      after: (s, text) => expect(text).toBe(knownHostsLine(s)),
    },
    { name: 'an unknown host with checking off by variable', known: () => '', extra: { ansible_host_key_checking: false } },
    { name: 'a changed key', known: (s) => `[${s.addr}]:${s.port} ${otherKey()}\n`, error: /REMOTE HOST IDENTIFICATION HAS CHANGED.*known_hosts:1/ },
    {
      name: 'a changed key even with accept-new',
      known: (s) => `[${s.addr}]:${s.port} ${otherKey()}\n`,
      opts: { hostKeyChecking: 'accept-new' },
      error: /HAS CHANGED/,
    },
    { name: 'a revoked key', known: (s) => `@revoked * ${s.hostPub}\n`, error: /@revoked/ },
    {
      name: 'a changed key even with StrictHostKeyChecking=no in ansible_ssh_common_args',
      known: (s) => `[${s.addr}]:${s.port} ${otherKey()}\n`,
      extra: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' },
      error: /HAS CHANGED/,
    },
  ];

  for (const c of hostKeyCases) {
    it(`host key check: ${c.name}`, async () => {
      const kh = join(dir, 'known_hosts');
      writeFileSync(kh, c.known(target));
      const p = sshParamsFromVars('web', vars(target, kh, c.extra), { ...options, ...c.opts });
      const opened = SshConnection.open(p);
      if (c.error) {
        const err = await opened.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UnreachableError);
        expect((err as Error).message).toMatch(c.error);
      } else {
        await (await opened).close();
      }
      c.after?.(target, readFileSync(kh, 'utf8'));
    });
  }

  it('--host-key-checking off: warns about a changed key and never sends a password there', async () => {
    const kh = join(dir, 'changed_known_hosts');
    writeFileSync(kh, `[${target.addr}]:${target.port} ${otherKey()}\n`);
    const warnings: string[] = [];
    const stranger = keygen(dir, `stranger${others++}`, 'ed25519').key;
    const secret = 'not-to-be-sent-Secret-1';
    const before = target.log().length;
    const p = sshParamsFromVars('web', vars(target, kh, { ansible_ssh_private_key_file: stranger, ansible_password: secret }), {
      ...options, hostKeyChecking: 'off', onHostKeyWarning: (m) => warnings.push(m),
    });
    const err = (await SshConnection.open(p).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toMatch(/password authentication disabled because the host key changed/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED.*host key checking is off, with password authentication disabled/);
    // the server's own log: a key was offered, no password ever
    const log = target.log().slice(before);
    expect(log).not.toMatch(/password/i);
    // and with the key authorized, the same connection goes through (keys still work)
    const ok = await SshConnection.open(sshParamsFromVars('web', vars(target, kh, { ansible_password: secret }), { ...options, hostKeyChecking: 'off', onHostKeyWarning: (m) => warnings.push(m) }));
    await ok.close();
    expect(warnings).toHaveLength(2);
  });

  it('prints the fingerprint ssh-keygen prints for an unknown host', async () => {
    const kh = join(dir, 'empty_known_hosts');
    writeFileSync(kh, '');
    const err = (await SshConnection.open(sshParamsFromVars('web', vars(target, kh), options)).catch((e: unknown) => e)) as Error;
    const pub = join(dir, 'host.pub');
    writeFileSync(pub, `${target.hostPub}\n`);
    const expected = execFileSync('ssh-keygen', ['-l', '-f', pub], { encoding: 'utf8' }).split(' ')[1];
    expect(err.message).toContain(expected);
  });

  const jumpCases: { name: string; extra: () => Record<string, unknown> }[] = [
    { name: 'tsrun_jump_host naming an ssh_config alias', extra: () => ({ tsrun_jump_host: 'bastion' }) },
    { name: 'ProxyJump in ansible_ssh_common_args', extra: () => ({ ansible_ssh_common_args: `-o ProxyJump=root@${bastion.addr}:${bastion.port}` }) },
  ];
  for (const c of jumpCases) {
    it(`reaches a target through a bastion: ${c.name}`, async () => {
      const kh = join(dir, 'jump_known_hosts');
      writeFileSync(kh, knownHostsLine(target) + knownHostsLine(bastion));
      const conn = await SshConnection.open(sshParamsFromVars('web', vars(target, kh, c.extra()), options));
      const r = await conn.exec('echo $SSH_CLIENT');
      const clientPort = r.stdout.split(' ')[1];
      // the socket the target sees as its client belongs to the bastion's sshd, not to this process
      const owner = execFileSync('ss', ['-Htnp', 'state', 'established', `( sport = :${clientPort} )`], { encoding: 'utf8' });
      expect(owner).toContain('"sshd"');
      expect(owner).not.toContain(`pid=${process.pid},`);
      expect(bastion.log()).toMatch(/direct-tcpip|Accepted publickey/);
      await conn.close();
    });
  }

  it('reports an unreachable host among reachable ones, naming address, port and user', async () => {
    const kh = join(dir, 'pool_known_hosts');
    writeFileSync(kh, knownHostsLine(target) + knownHostsLine(bastion));
    const deadPort = await freePort('127.77.1.3');
    const pool = new ConnectionPool(options);
    const hosts: Record<string, Record<string, unknown>> = {
      a: vars(target, kh),
      dead: { ...vars(target, kh), ansible_host: '127.77.1.3', ansible_port: deadPort, ansible_user: 'deploy' },
      b: vars(bastion, kh),
    };
    const results = await Promise.allSettled(Object.entries(hosts).map(([h, v]) => pool.get(h, v).exec('echo ok')));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (results[1] as PromiseRejectedResult).reason as Error;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.message).toContain(`deploy@127.77.1.3:${deadPort}`);
    expect(err.message).toContain(`key ${key}`);
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(pool.get('a', hosts.a)).toBe(pool.get('a', hosts.a));
    await pool.closeAll();
  });

  it('reopens a connection killed mid-run once; the interrupted command fails clearly', async () => {
    const kh = join(dir, 'drop_known_hosts');
    writeFileSync(kh, knownHostsLine(target));
    const conn = await SshConnection.open(sshParamsFromVars('web', vars(target, kh), options));
    // the nearest sshd above the command is the post-authentication child that serves the whole connection
    // (the command may run under the connection's persistent shell or on a channel of its own)
    const monitor = async () => Number((await conn.exec('p=$$; while [ "$(ps -o comm= -p $p)" != sshd ]; do p=$(ps -o ppid= -p $p | tr -d " "); done; echo $p')).stdout.trim());
    const first = await monitor();
    const hung = conn.exec('sleep 20');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(first, 'SIGKILL');
    await expect(hung).rejects.toThrow(/connection to root@127\.77\.1\.1:\d+ was lost while a command ran/);
    const second = await monitor();
    expect(second).not.toBe(first);
    expect((await conn.exec('echo back')).stdout).toBe('back\n');
    process.kill(second, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    await expect(conn.exec('echo again')).rejects.toThrow(UnreachableError);
    await conn.close();
  });
});
