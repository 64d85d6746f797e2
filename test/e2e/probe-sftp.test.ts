import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshParamsFromVars } from '../../src/connection/params';
import { SshConnection } from '../../src/connection/ssh';
import { parseProbe, probe, probeScript, type FileState, type ProbeRequest } from '../../src/modules/fs/probe';
import { sftpStates } from '../../src/modules/fs/probe-sftp';
import type { ModuleContext } from '../../src/modules/types';
import { keygen, knownHostsLine, labDir, startSshd, type Sshd } from './ssh-lab';

// File state read over SFTP must be exactly what the shell probe reports, and must start no program on the host.
describe('probing files over SFTP against OpenSSH', () => {
  let dir: string;
  let tree: string;
  let sshd: Sshd;
  let conn: SshConnection;
  let execLog: string;

  beforeAll(async () => {
    dir = labDir('tsrun-probe-');
    const key = keygen(dir, 'id_ed25519', 'ed25519');
    const authorized = join(dir, 'authorized_keys');
    writeFileSync(authorized, `${key.pub}\n`, { mode: 0o644 });
    // sshd under strace: every program it and its children start is one execve line in the log
    execLog = join(dir, 'execve.log');
    sshd = await startSshd({ addr: '127.77.0.9', authorizedKeys: authorized, wrap: ['strace', '-f', '-qq', '-s', '256', '-e', 'trace=execve', '-o', execLog] });
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, knownHostsLine(sshd));
    const sshConfig = join(dir, 'ssh_config');
    writeFileSync(sshConfig, '');
    conn = await SshConnection.open(sshParamsFromVars('web', {
      ansible_host: sshd.addr, ansible_port: sshd.port, ansible_user: 'root', tsrun_known_hosts: knownHosts, ansible_ssh_private_key_file: key.key,
    }, { sshConfigFile: sshConfig }));

    tree = join(dir, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'conf'), 'port=80\n', { mode: 0o640 });
    chmodSync(join(tree, 'conf'), 0o640);
    writeFileSync(join(tree, 'empty'), '');
    writeFileSync(join(tree, 'setuid'), '#!/bin/sh\n');
    chmodSync(join(tree, 'setuid'), 0o4755);
    writeFileSync(join(tree, 'big'), Buffer.alloc(300_000, 'x'));
    writeFileSync(join(tree, 'nobody-owns'), 'x\n');
    chownSync(join(tree, 'nobody-owns'), 65534, 65534);
    writeFileSync(join(tree, 'stranger'), 'x\n');
    chownSync(join(tree, 'stranger'), 424242, 424242);
    symlinkSync(join(tree, 'conf'), join(tree, 'to-conf'));
    symlinkSync('sub', join(tree, 'to-sub'));
    symlinkSync(join(tree, 'nowhere'), join(tree, 'dangling'));
    symlinkSync(join(tree, 'to-conf'), join(tree, 'chain'));
    execFileSync('mkfifo', [join(tree, 'fifo')]);
  });

  afterAll(async () => {
    await conn?.close();
    await sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The shell probe's answer, without the inode and device that SFTP cannot report. */
  async function viaShell(reqs: ProbeRequest[]): Promise<FileState[]> {
    const r = await conn.exec(probeScript(reqs, false));
    expect(r.rc).toBe(0);
    return parseProbe(r.stdout, reqs).files.map(({ inode: _i, device: _d, ...f }) => f);
  }

  const names = ['conf', 'empty', 'setuid', 'big', 'nobody-owns', 'sub', 'to-conf', 'to-sub', 'chain', 'fifo', 'missing', 'nodir/x'];
  const shapes: [string, Omit<ProbeRequest, 'path'>][] = [
    ['plain', {}],
    ['followed', { follow: true }],
    ['with checksums', { checksum: true }],
    ['with any content and checksums', { content: true, checksum: true }],
    ['with content up to 16 bytes, else a checksum', { content: 16, checksum: true, follow: true }],
    ['with the parent resolved', { realDir: true }],
  ];
  for (const [label, shape] of shapes) {
    it(`reports what the shell reports: ${label}`, async () => {
      const reqs = names.map((n) => ({ path: join(tree, n), ...shape }));
      reqs.push({ path: join(tree, 'to-sub', 'x'), ...shape });
      const sftp = await sftpStates(conn.files(), reqs);
      expect(sftp).toBeDefined();
      expect(sftp).toEqual(await viaShell(reqs));
      // the comparison is not vacuous: the shapes see content, checksums, links and modes
      if (shape.content === true) expect(sftp![0].content?.toString()).toBe('port=80\n');
      if (shape.checksum) expect(sftp![0].checksum).toMatch(/^[0-9a-f]{40}$/);
    });
  }

  it('sends the requests a probe issues together in one write to the socket', async () => {
    const reqs = names.filter((n) => !n.includes('/')).map((n) => ({ path: join(tree, n) }));
    await sftpStates(conn.files(), reqs);
    // every write on the connection's socket, counted where Node hands it to the system: _write for one chunk,
    // _writev for the chunks a cork held back
    const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (this: Socket, ...a: unknown[]) => unknown>;
    const original = { _write: proto._write, _writev: proto._writev };
    const seen = { _write: 0, _writev: 0, mostChunks: 0 };
    for (const k of ['_write', '_writev'] as const) {
      proto[k] = function (this: Socket, ...a: unknown[]) {
        if (this.remotePort === sshd.port) {
          seen[k]++;
          if (k === '_writev') seen.mostChunks = Math.max(seen.mostChunks, (a[0] as unknown[]).length);
        }
        return original[k].apply(this, a);
      };
    }
    try {
      expect(await sftpStates(conn.files(), reqs)).toHaveLength(reqs.length);
    } finally {
      Object.assign(proto, original);
    }
    // the first round, one request per path issued in the same turn, left in one write (without the cork: 39 writes
    // of one chunk each for these 11 paths). How the later rounds group depends on how the answers arrive: not asserted.
    expect(seen.mostChunks, JSON.stringify(seen)).toBeGreaterThanOrEqual(reqs.length);
  });

  it('leaves to the shell what SFTP cannot tell exactly', async () => {
    const at = (n: string, more: Omit<ProbeRequest, 'path'> = {}) => [{ path: join(tree, n), ...more }];
    expect(await sftpStates(conn.files(), at('dangling'))).toBeUndefined();
    expect(await sftpStates(conn.files(), at('stranger'))).toBeUndefined();
    expect(await sftpStates(conn.files(), at('sub', { tree: true }))).toBeUndefined();
    expect(await sftpStates(conn.files(), [{ path: 'relative' }])).toBeUndefined();
    // a become to another user reads as that user: only sudo can
    expect(conn.files({ enabled: true, user: 'nobody' })).toBeUndefined();
    expect(conn.files({ enabled: true, user: 'root' })).toBeDefined();
  });

  it('starts no program on the host for a probe after the first one', async () => {
    const ctx = { conn, check: false, diff: false, vars: {} } as unknown as ModuleContext;
    const reqs = [{ path: join(tree, 'conf'), content: true, checksum: true }, { path: join(tree, 'to-conf'), follow: true }, { path: join(tree, 'missing') }];
    const first = await probe(ctx, reqs);
    const execs = () => readFileSync(execLog, 'utf8').split('\n').filter((l) => l.includes('execve(')).length;
    const before = execs();
    for (let i = 0; i < 10; i++) expect((await probe(ctx, reqs)).files).toEqual(first.files.map(({ inode: _i, device: _d, ...f }) => f));
    expect(execs() - before).toBe(0);
    // ...while the shell probe starts programs (the count above could have grown)
    await conn.exec(probeScript(reqs, false));
    expect(execs()).toBeGreaterThan(before);
    expect(first.user).toBe('root');
    // a task with a timeout keeps the shell, whose command the timeout can kill
    const beforeTimeout = execs();
    expect((await probe({ ...ctx, timeoutMs: 10_000 }, reqs)).files[0].inode).toBeGreaterThan(0);
    expect(execs()).toBeGreaterThan(beforeTimeout);
    // a dangling link still gets its answer, from the shell
    const d = await probe(ctx, [{ path: join(tree, 'dangling') }]);
    expect(d.files[0]).toMatchObject({ exists: true, type: 'link', linkTarget: join(tree, 'nowhere'), realPath: join(tree, 'nowhere') });
  });
  it('reads an inode with one stat on the host and the rest over SFTP, as the shell probe reports them', async () => {
    const ctx = { conn, check: false, diff: false, vars: {} } as unknown as ModuleContext;
    // paths of this test alone, so the programs started for them can be picked from everything else the host runs
    const at = (n: string) => join(tree, `ino-${n}`);
    writeFileSync(at('file'), 'inode\n');
    symlinkSync(at('file'), at('link'));
    symlinkSync(at('link'), at('chain'));
    const reqs: ProbeRequest[] = [
      { path: at('file'), checksum: true, ids: true },
      { path: at('link'), follow: true, checksum: true, ids: true },
      { path: at('chain'), ids: true },
      { path: at('missing'), ids: true },
      { path: join(tree, 'sub') },
    ];
    await probe(ctx, [{ path: join(tree, 'conf') }]);
    const got = await probe(ctx, reqs);
    // every program started with one of these paths in its arguments: the shell probe would start
    // `stat -c '%F|...'` and `readlink` for them (and sha1sum reading one), the inode reading a `stat -c '%i|%d'` each
    const started = () => readFileSync(execLog, 'utf8').split('\n').filter((l) => l.includes('execve(') && l.includes(at('')));
    for (let i = 0; i < 40 && started().length < 3; i++) await new Promise((r) => setTimeout(r, 250));
    expect(started().map((l) => /"%\w\|%\w/.exec(l)?.[0] ?? l)).toEqual(['"%i|%d', '"%i|%d', '"%i|%d']);
    // the shell probe reports every path's inode; SFTP's answer carries only the ones asked for
    const shell = await conn.exec(probeScript(reqs, false));
    expect(got.files).toEqual(parseProbe(shell.stdout, reqs).files.map((f, i) => {
      const { inode, device, ...rest } = f;
      return reqs[i].ids && f.exists ? { ...rest, inode, device } : rest;
    }));
    // not vacuous: the inodes are there, the followed link has its target's, the chain its own
    expect(got.files[0].inode).toBe(statSync(at('file')).ino);
    expect(got.files[1].inode).toBe(statSync(at('file')).ino);
    expect(got.files[2].inode).toBe(lstatSync(at('chain')).ino);
    expect(got.files[1].checksum).toMatch(/^[0-9a-f]{40}$/);
    expect(got.files[3]).toMatchObject({ exists: false });
  });
});
