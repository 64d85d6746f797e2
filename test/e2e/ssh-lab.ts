import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway OpenSSH server started by a test on a loopback address. */
export interface Sshd {
  addr: string;
  port: number;
  dir: string;
  /** The server's ed25519 public key line (`ssh-ed25519 AAAA...`). */
  hostPub: string;
  proc: ChildProcess;
  /** What sshd has logged so far (-e: to stderr). */
  log: () => string;
  stop: () => Promise<void>;
}

/** A directory every test user can read (sshd reads authorized_keys as the logging-in user). */
export function labDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Makes a key pair with ssh-keygen; returns the private key path and the public key line. */
export function keygen(dir: string, name: string, type: 'ed25519' | 'rsa' | 'ecdsa', passphrase = ''): { key: string; pub: string } {
  const key = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', passphrase, '-C', name, '-f', key]);
  return { key, pub: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** A free TCP port on `addr`, asked of the kernel. */
export function freePort(addr: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, addr, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `/usr/sbin/sshd -D -e -f CONFIG` on `addr` with its own host key (in `hostKeyDir` when
 * given, so servers can share or deliberately differ), the given authorized_keys file and extra lines.
 */
export async function startSshd(opts: { addr: string; authorizedKeys: string; hostKeyDir?: string; extra?: string[]; wrap?: string[] }): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  const dir = labDir('tsrun-sshd-');
  const keyDir = opts.hostKeyDir ?? dir;
  const hostKey = join(keyDir, 'host_ed25519');
  if (!existsSync(hostKey)) keygen(keyDir, 'host_ed25519', 'ed25519');
  const port = await freePort(opts.addr);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${opts.addr}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${opts.authorizedKeys}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'MaxStartups 50',
      'LogLevel VERBOSE',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      ...(opts.extra ?? []),
      '',
    ].join('\n'),
  );
  // `wrap`: a command that runs sshd as its last arguments (strace, to see what the host is made to start)
  const argv = [...(opts.wrap ?? []), '/usr/sbin/sshd', '-D', '-e', '-f', config];
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`sshd exited with ${code}:\n${log}`)));
  });
  const stop = async () => {
    if (proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      // a wrapper such as strace outlives a SIGTERM of its own: stop sshd itself, and the wrapper ends with it
      if (opts.wrap) process.kill(Number(readFileSync(join(dir, 'sshd.pid'), 'utf8')), 'SIGTERM');
      else proc.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { addr: opts.addr, port, dir, hostPub: readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' '), proc, log: () => log, stop };
}

/** The known_hosts line for a lab server, as OpenSSH writes it for a non-standard port. */
export function knownHostsLine(s: Sshd): string {
  return `[${s.addr}]:${s.port} ${s.hostPub}\n`;
}

/** Creates a throwaway local user with a password (and optionally a sudoers drop-in); returns its cleanup. */
export function addUser(name: string, password: string, sudoers?: string): () => void {
  // Checked before anything is made, so a controller without sudo fails here, naming it, and leaves no user behind.
  if (sudoers && !existsSync('/etc/sudoers.d')) throw new Error('sudo is not installed on the controller (/etc/sudoers.d is missing): run sh bin/setup.sh');
  const dropIn = `/etc/sudoers.d/${name}`;
  const remove = () => {
    rmSync(dropIn, { force: true });
    execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' });
  };
  execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  try {
    execFileSync('chpasswd', [], { input: `${name}:${password}\n` });
    if (sudoers) writeFileSync(dropIn, `${sudoers}\n`, { mode: 0o440 });
  } catch (e) {
    remove();
    throw e;
  }
  return remove;
}
