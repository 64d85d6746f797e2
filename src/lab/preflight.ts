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

/** A kernel setting the lab raises (never lowers) before it brings hosts up, and why. */
export interface KernelLimit {
  path: string;
  value: number;
}

/** Hosts beyond which the controller's neighbour table and pid space need room (the default gc_thresh1 is 128). */
const MANY_HOSTS = 128;

/** The kernel settings a lab of this size and kind needs; a pure function of the lab's shape. */
export function limitsFor(hosts: number, light: boolean): KernelLimit[] {
  const out: KernelLimit[] = [];
  if (!light) {
    // every systemd in a host takes inotify instances of the controller's root user: the default 128 runs out
    // after three or four labs, and systemd then boots without sshd ("Too many open files")
    out.push({ path: '/proc/sys/fs/inotify/max_user_instances', value: 8192 }, { path: '/proc/sys/fs/inotify/max_user_watches', value: 524288 });
  }
  if (hosts > MANY_HOSTS) {
    // The controller holds one neighbour (ARP/NDP) entry per host on the bridge. Past gc_thresh3 (1,024 by
    // default) the kernel drops new entries ("neighbour table overflow") and hosts stop answering; past gc_thresh2
    // it collects entries every few seconds. Room for several big labs at once:
    for (const family of ['ipv4', 'ipv6']) {
      out.push(
        { path: `/proc/sys/net/${family}/neigh/default/gc_thresh1`, value: 4096 },
        { path: `/proc/sys/net/${family}/neigh/default/gc_thresh2`, value: 8192 },
        { path: `/proc/sys/net/${family}/neigh/default/gc_thresh3`, value: 16384 },
      );
    }
    // Each light host is 2 processes and each SSH session to it 3 more; 32,768 pids are shared by everything the
    // machine runs. 4,194,304 is the 64-bit kernel's ceiling and systemd's own default.
    out.push({ path: '/proc/sys/kernel/pid_max', value: 4194304 });
  }
  return out;
}

/** Raises the controller's kernel limits the lab needs (inotify for systemd hosts; neighbour table, pids for big labs). */
export function raiseKernelLimits(hosts: number, light: boolean, log: Log): void {
  for (const { path, value } of limitsFor(hosts, light)) {
    const current = Number(readFileSync(path, 'utf8').trim());
    if (current >= value) continue;
    writeFileSync(path, `${value}\n`);
    log(`lab: raised ${path.slice('/proc/sys/'.length).replaceAll('/', '.')} from ${current} to ${value}`);
  }
}
