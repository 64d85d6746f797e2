import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshParamsFromVars, type SshParamOptions } from '../../src/connection/params';
import { SshConnection } from '../../src/connection/ssh';
import { UnreachableError } from '../../src/connection/types';
import { keygen, knownHostsLine, labDir, startSshd, type Sshd } from './ssh-lab';

// Key, agent and passphrase authentication, exec semantics, timeouts and file transfer over a real sshd.
describe('SshConnection against OpenSSH', () => {
  let dir: string;
  let sshd: Sshd;
  let knownHosts: string;
  let options: SshParamOptions;
  const keys: Record<string, { key: string; pub: string }> = {};
  const savedAgent = process.env.SSH_AUTH_SOCK;

  beforeAll(async () => {
    delete process.env.SSH_AUTH_SOCK;
    dir = labDir('tsrun-ssh-');
    keys.ed25519 = keygen(dir, 'id_ed25519', 'ed25519');
    keys.rsa = keygen(dir, 'id_rsa', 'rsa');
    keys.encrypted = keygen(dir, 'id_enc', 'ed25519', 'correct horse');
    keys.agentOnly = keygen(dir, 'id_agent', 'ed25519');
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, Object.values(keys).map((k) => `${k.pub}\n`).join(''), { mode: 0o644 });
    sshd = await startSshd({ addr: '127.77.0.1', authorizedKeys: authorized });
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, knownHostsLine(sshd));
    const emptyConfig = join(dir, 'ssh_config');
    writeFileSync(emptyConfig, '');
    options = { sshConfigFile: emptyConfig };
  });

  afterAll(async () => {
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent;
  });

  const vars = (extra: Record<string, unknown>) => ({
    ansible_host: sshd.addr,
    ansible_port: sshd.port,
    ansible_user: 'root',
    tsrun_known_hosts: knownHosts,
    ...extra,
  });

  const authCases: { name: string; extra: () => Record<string, unknown>; opts?: () => SshParamOptions }[] = [
    { name: 'an ed25519 key', extra: () => ({ ansible_ssh_private_key_file: keys.ed25519.key }) },
    { name: 'an RSA key', extra: () => ({ ansible_ssh_private_key_file: keys.rsa.key }) },
    {
      name: 'an encrypted key with its passphrase variable',
      extra: () => ({ ansible_ssh_private_key_file: keys.encrypted.key, ansible_ssh_private_key_passphrase: 'correct horse' }),
    },
    {
      name: 'an encrypted key whose passphrase is asked for',
      extra: () => ({ ansible_ssh_private_key_file: keys.encrypted.key }),
      opts: () => ({ ...options, askPassphrase: async () => 'correct horse' }),
    },
  ];

  for (const c of authCases) {
    it(`authenticates with ${c.name}`, async () => {
      const conn = await SshConnection.open(sshParamsFromVars('web', vars(c.extra()), c.opts?.() ?? options));
      const r = await conn.exec('id -un');
      expect(r).toMatchObject({ rc: 0, stdout: 'root\n', stderr: '' });
      await conn.close();
    });
  }

  it('refuses an encrypted key without a passphrase, naming the key, address, port and user', async () => {
    const p = sshParamsFromVars('web', vars({ ansible_ssh_private_key_file: keys.encrypted.key }), options);
    const err = await SshConnection.open(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    const msg = (err as Error).message;
    expect(msg).toContain(`root@${sshd.addr}:${sshd.port}`);
    expect(msg).toContain(`key ${keys.encrypted.key} (encrypted, no passphrase)`);
  });

  it('authenticates through ssh-agent (SSH_AUTH_SOCK)', async () => {
    const sock = join(dir, 'agent.sock');
    const out = execFileSync('ssh-agent', ['-a', sock], { encoding: 'utf8' });
    const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(out)?.[1]);
    try {
      execFileSync('ssh-add', ['-q', keys.agentOnly.key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      // no key file given: only the agent holds an authorized key
      const p = sshParamsFromVars('web', vars({}), options);
      delete process.env.SSH_AUTH_SOCK;
      const conn = await SshConnection.open(p);
      expect((await conn.exec('echo via agent')).stdout).toBe('via agent\n');
      await conn.close();
    } finally {
      process.kill(agentPid);
    }
  });

  describe('on one open connection', () => {
    let conn: SshConnection;
    beforeAll(async () => {
      conn = await SshConnection.open(sshParamsFromVars('web', vars({ ansible_ssh_private_key_file: keys.ed25519.key }), options));
    });
    afterAll(() => conn?.close());

    const execCases: { cmd: string; opts?: object; rc: number; stdout: string; stderr?: string }[] = [
      { cmd: 'echo out; echo err >&2; exit 3', rc: 3, stdout: 'out\n', stderr: 'err\n' },
      { cmd: 'tr a-z A-Z', opts: { stdin: 'abc' }, rc: 0, stdout: 'ABC' },
      { cmd: 'pwd', opts: { cwd: '/tmp' }, rc: 0, stdout: '/tmp\n' },
      { cmd: 'printf %s "$GREETING"', opts: { env: { GREETING: "it's here" } }, rc: 0, stdout: "it's here" },
      // a command that ends by a signal: its own process (`exec`; `$$` is the persistent shell's, see RemoteShell)
      { cmd: "exec sh -c 'kill -TERM $$'", rc: 128 + 15, stdout: '' },
      { cmd: 'echo $0', rc: 0, stdout: 'sh\n' },
    ];
    for (const c of execCases) {
      it(`exec ${JSON.stringify(c.cmd)} ${JSON.stringify(c.opts ?? {})}`, async () => {
        const r = await conn.exec(c.cmd, c.opts);
        expect(r).toMatchObject({ rc: c.rc, stdout: c.stdout, ...(c.stderr !== undefined ? { stderr: c.stderr } : {}) });
      });
    }

    it('runs commands on its persistent shell with exact output, status and separate stderr', async () => {
      expect(await conn.exec("printf 'no newline'")).toMatchObject({ rc: 0, stdout: 'no newline', stderr: '' });
      expect(await conn.exec('echo out; echo err >&2; exit 7')).toMatchObject({ rc: 7, stdout: 'out\n', stderr: 'err\n' });
      expect((await conn.exec('printf "\\n\\n"')).stdout).toBe('\n\n');
      // a broken script fails alone; the shell goes on
      expect((await conn.exec('if then (')).rc).not.toBe(0);
      expect((await conn.exec('exit 0; echo never')).stdout).toBe('');
      expect((await conn.exec('cat')).stdout).toBe(''); // stdin is /dev/null: it cannot eat the control stream
      const bytes = await conn.exec('head -c 3000 /dev/zero | base64 -w0');
      expect(Buffer.from(bytes.stdout, 'base64')).toEqual(Buffer.alloc(3000));
      // each command runs in a subshell of its own: no variable, directory, option or trap outlives it
      expect((await conn.exec('x=1; cd /tmp; set -e; trap "echo trapped" EXIT; exit 0')).stdout).toBe('trapped\n');
      const [x, dir, opts] = (await conn.exec('printf "%s\\n" "${x-unset}" "$(pwd)" "$-"')).stdout.split('\n');
      expect(x).toBe('unset');
      expect(dir).not.toBe('/tmp');
      expect(opts).not.toContain('e');
      // a command that kills its subshell ends alone; the next one runs on the same shell
      expect((await conn.exec('kill -KILL $(exec sh -c \'echo $PPID\')')).rc).toBe(128 + 9);
      expect((await conn.exec('echo still here')).stdout).toBe('still here\n');
    });

    it('refuses an environment variable name that would change the command', async () => {
      await expect(conn.exec('true', { env: { 'A=1; rm -rf /tmp/x; B': 'v' } })).rejects.toThrow(/environment variable name/);
    });

    it('runs many commands at once on the one connection, beyond MaxSessions', async () => {
      const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => conn.exec(`sleep 0.05; echo ${i}`)));
      expect(rs.map((r) => r.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
    });

    it('kills a hung command and its children at the timeout', async () => {
      const marker = `tsrun-hang-${process.pid}`;
      const r = await conn.exec(`sh -c 'sleep 30; echo ${marker}' & wait`, { timeoutMs: 300 });
      expect(r.timedOut).toBe(true);
      expect(r.rc).toBe(124);
      await new Promise((res) => setTimeout(res, 200));
      // the bracket keeps pgrep's own shell from matching the pattern
      const left = await conn.exec(`pgrep -f 'sl[e]ep 30; echo ${marker}' || true`);
      expect(left.stdout).toBe('');
    });

    it('writes files atomically over SFTP with mode, and reads them back', async () => {
      const d = labDir('tsrun-put-');
      const dest = join(d, "it's a file");
      const big = Buffer.alloc(3 * 1024 * 1024, 'x');
      await conn.put(dest, big, { mode: '0600' });
      expect(readFileSync(dest).equals(big)).toBe(true);
      expect(statSync(dest).mode & 0o777).toBe(0o600);
      await conn.put(dest, 'small\n');
      expect(statSync(dest).mode & 0o777).toBe(0o600); // the existing mode is kept
      expect(readdirSync(d)).toEqual(["it's a file"]);
      expect((await conn.get(dest))?.toString()).toBe('small\n');
      expect(await conn.get(join(d, 'missing'))).toBeUndefined();
      await expect(conn.put(join(d, 'no/such/dir/f'), 'x')).rejects.toThrow(/could not write/);
      rmSync(d, { recursive: true, force: true });
    });

    it('writes with owner and group through the shell path', async () => {
      const d = labDir('tsrun-put-');
      const dest = join(d, 'owned');
      await conn.put(dest, 'x', { owner: 'nobody', group: 'nogroup', mode: '0640' });
      const st = statSync(dest);
      expect(st.uid).toBe(Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })));
      expect(st.mode & 0o777).toBe(0o640);
      rmSync(d, { recursive: true, force: true });
    });
  });
});
