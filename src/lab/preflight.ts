import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import { packagesFor } from '../core/requirements';
import type { Log } from './sys';

/** Fails with a clear message unless this is Linux and we are root: the lab makes namespaces, bridges and mounts. */
export function requireRootLinux(): void {
  if (process.platform !== 'linux') {
    throw new TsrunError('USAGE', `tsrun lab needs Linux (network namespaces, overlayfs, systemd-nspawn); this is ${process.platform}`, {
      expected: 'a Debian 12 machine, as root',
    });
  }
  if (process.getuid?.() !== 0) {
    throw new TsrunError('USAGE', 'tsrun lab must run as root: it creates network namespaces, a bridge, mounts and containers', {
      expected: 'sudo tsrun lab ...',
    });
  }
}

/** Installs the lab's Debian packages that are missing, without starting their system services. */
export async function ensurePackages(log: Log): Promise<void> {
  const missing: string[] = [];
  for (const pkg of packagesFor('lab')) {
    const r = await execa('dpkg-query', ['-W', '-f=${Status}', pkg], { reject: false });
    if (!String(r.stdout).includes('install ok installed')) missing.push(pkg);
  }
  if (missing.length === 0) return;
  log(`lab: installing Debian packages: ${missing.join(' ')}`);
  // policy-rc.d keeps tinyproxy and the registry from starting as system services: the lab runs its own.
  const script = [
    'set -e',
    'export DEBIAN_FRONTEND=noninteractive',
    'apt-get update -qq',
    'had=0; [ -e /usr/sbin/policy-rc.d ] && had=1',
    "[ $had = 1 ] || printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d",
    'chmod +x /usr/sbin/policy-rc.d',
    `apt-get install -o DPkg::Lock::Timeout=300 -y -qq --no-install-recommends ${missing.join(' ')} >/dev/null || rc=$?`,
    '[ $had = 1 ] || rm -f /usr/sbin/policy-rc.d',
    'exit ${rc:-0}',
  ].join('\n');
  const r = await execa('sh', ['-c', script], { reject: false });
  if (r.exitCode !== 0) {
    throw new TsrunError('INTERNAL', `lab: could not install Debian packages ${missing.join(' ')}: ${String(r.stderr).trim()}`, {
      expected: `apt-get install ${missing.join(' ')} to succeed (the lab needs them on this machine)`,
    });
  }
}

/** Kernel limits that full hosts need, and the values the lab raises them to when they are lower. */
const LIMITS: [string, number][] = [
  // every systemd in a host takes inotify instances of the controller's root user: the default 128 runs out
  // after three or four labs, and systemd then boots without sshd ("Too many open files")
  ['/proc/sys/fs/inotify/max_user_instances', 8192],
  ['/proc/sys/fs/inotify/max_user_watches', 524288],
];

/** Raises the controller's inotify limits for full (systemd) hosts; never lowers them. */
export function raiseKernelLimits(log: Log): void {
  for (const [path, wanted] of LIMITS) {
    const current = Number(readFileSync(path, 'utf8').trim());
    if (current >= wanted) continue;
    writeFileSync(path, `${wanted}\n`);
    log(`lab: raised ${path.slice('/proc/sys/'.length).replaceAll('/', '.')} from ${current} to ${wanted}`);
  }
}
