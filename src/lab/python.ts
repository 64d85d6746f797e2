import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { TsrunError } from '../core/errors';
import { BASE_DIR, ensureBase } from './base';
import { sh, sleep, type Log } from './sys';

/** apt-get update + install on the controller, or in a root filesystem with chroot when `root` is given. */
export async function aptInstall(log: Log, root: string | undefined, pkgs: string[]): Promise<void> {
  const prefix = root ? ['chroot', root] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = async (args: string[]) => {
    const [cmd, ...rest] = [...prefix, 'apt-get', ...args];
    const r = await execa(cmd, rest, { env, reject: false, all: true });
    if (r.exitCode !== 0) {
      throw new TsrunError('INTERNAL', `\`apt-get ${args.join(' ')}\`${root ? ` in ${root}` : ''} failed: ${String(r.all).trim().split('\n').slice(-4).join('\n')}`, {
        expected: "Debian's mirror reachable and no other apt-get holding the lock",
      });
    }
  };
  log(`bench: installing ${pkgs.join(' ')}${root ? ` into ${root}` : ''} with apt-get`);
  await run(['update', '-qq']);
  await run(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
}

/**
 * Ansible's modules need python3 on the hosts, which the lab's base lacks: it goes into the cached base once
 * (with chroot, under the lab's base lock), so every light host has it for free and no run pays for it. Used by
 * `npm run bench` and the differential suite's lab cases, which run ansible-playbook against lab hosts.
 */
export async function ensureHostPython(log: Log): Promise<void> {
  await ensureBase(log);
  if (existsSync(`${BASE_DIR}/usr/bin/python3`)) return;
  const lock = `${BASE_DIR}.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new TsrunError('INTERNAL', `${lock} is held for over 10 minutes`, { expected: 'no base build running' });
      await sleep(1000);
    }
  }
  try {
    if (!existsSync(`${BASE_DIR}/usr/bin/python3`)) {
      await aptInstall(log, BASE_DIR, ['python3']);
      await sh('chroot', [BASE_DIR, 'apt-get', 'clean']);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
