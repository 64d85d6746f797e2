import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDetached } from './services';
import { sh } from './sys';

/** What a host needs from its lab before it boots. */
export interface HostSpec {
  name: string;
  address: string;
  netns: string;
  /** The host's own directory in the lab dir: overlay layers, docker dir, console log. */
  dir: string;
  /** The lab's public key, authorised for root, tsrun and nopass. */
  authorizedKey: string;
  /** Lines for /etc/hosts naming every host of the lab. */
  hostsFile: string;
}

/**
 * Writes the host's own files into the overlay's upper layer before it is mounted: hostname, /etc/hosts,
 * a fresh ed25519 host key and the lab key. Returns the host's public key line for known_hosts.
 */
export async function prepareHost(spec: HostSpec): Promise<string> {
  const upper = join(spec.dir, 'upper');
  for (const d of ['upper/etc/ssh', 'work', 'root', 'docker']) mkdirSync(join(spec.dir, d), { recursive: true });
  chmodSync(join(upper, 'etc'), 0o755);
  chmodSync(join(upper, 'etc/ssh'), 0o755);
  writeFileSync(join(upper, 'etc/hostname'), `${spec.name}\n`);
  writeFileSync(join(upper, 'etc/hosts'), spec.hostsFile);
  writeFileSync(join(upper, 'etc/ssh/lab_authorized_keys'), `${spec.authorizedKey.trim()}\n`, { mode: 0o644 });
  // A container cannot load kernel modules; with --capability=all systemd tries (when a package ships a
  // modules-load.d entry), fails, and leaves the host "degraded". Masked per host, so cached bases need no rebuild.
  mkdirSync(join(upper, 'etc/systemd/system'), { recursive: true });
  symlinkSync('/dev/null', join(upper, 'etc/systemd/system/systemd-modules-load.service'));
  const key = join(upper, 'etc/ssh/ssh_host_ed25519_key');
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${spec.name}`, '-f', key]);
  return readFileSync(`${key}.pub`, 'utf8').trim();
}

function overlayMount(base: string, dir: string): string {
  return `mount -t overlay overlay -o lowerdir=${base},upperdir=${dir}/upper,workdir=${dir}/work ${dir}/root`;
}

/**
 * Boots a full host: systemd as PID 1 under systemd-nspawn in the host's namespace. The overlay is mounted in a
 * private mount namespace that dies with nspawn, so a killed host leaves no mount behind. Returns nspawn's pid.
 */
export function startFullHost(spec: HostSpec, base: string): number {
  const nspawn = [
    'systemd-nspawn -q -b',
    `-D ${spec.dir}/root -M ${spec.name}`,
    // --private-network with a namespace path leaves /proc/sys/net writable: docker must set ip_forward.
    '--register=no --keep-unit --capability=all --private-network',
    "--system-call-filter='@keyring bpf'",
    `--bind=${spec.dir}/docker:/var/lib/docker`,
    `--network-namespace-path=/run/netns/${spec.netns}`,
    '--console=read-only',
  ].join(' ');
  const script = `${overlayMount(base, spec.dir)} && exec ${nspawn}`;
  return spawnDetached('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], join(spec.dir, 'console.log'));
}

/**
 * Starts a light host: only sshd, chrooted into the overlay, in fresh mount, UTS and PID namespaces inside the
 * host's network namespace. A few MB each, for scale tests. Returns the pid of unshare, whose child dies with it.
 */
export function startLightHost(spec: HostSpec, base: string): number {
  const root = `${spec.dir}/root`;
  const script = [
    overlayMount(base, spec.dir),
    `mount -t proc proc ${root}/proc`,
    `mount --rbind /dev ${root}/dev`,
    `mount -t tmpfs -o mode=0755 tmpfs ${root}/run`,
    `mkdir -p ${root}/run/sshd`,
    `hostname ${spec.name}`,
    `exec chroot ${root} /usr/sbin/sshd -D -e`,
  ].join(' && ');
  const args = ['netns', 'exec', spec.netns, 'unshare', '--mount', '--propagation', 'private', '--uts', '--pid', '--fork', '--kill-child', 'sh', '-c', script];
  return spawnDetached('ip', args, join(spec.dir, 'console.log'));
}
