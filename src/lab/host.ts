import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
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

/** Writes the host's own files into the overlay's upper layer before it is mounted: hostname, /etc/hosts and the lab key. */
export function prepareHost(spec: HostSpec): void {
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
}

/** Where a host's ed25519 host key goes in its upper layer. */
function hostKeyPath(spec: HostSpec): string {
  return join(spec.dir, 'upper/etc/ssh/ssh_host_ed25519_key');
}

/**
 * Makes every host's key with ssh-keygen, a few shells each running it for a share of the hosts: one Node spawn
 * per host costs minutes on a loaded machine. (ssh2's in-process generator was tried: about one key in sixty
 * was refused by sshd 9.2, "error in libcrypto".) Returns the public key lines, in order.
 */
export async function makeHostKeys(specs: HostSpec[]): Promise<string[]> {
  const shells = 4;
  const lines = specs.map((s) => `ssh-keygen -q -t ed25519 -N '' -C 'root@${s.name}' -f '${hostKeyPath(s)}' </dev/null`);
  await Promise.all(
    Array.from({ length: shells }, (_, k) => {
      const mine = lines.filter((_, i) => i % shells === k);
      return mine.length ? sh('sh', ['-s'], { input: ['set -e', ...mine].join('\n') + '\n' }) : Promise.resolve('');
    }),
  );
  return specs.map((s) => readFileSync(`${hostKeyPath(s)}.pub`, 'utf8').trim());
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

/** A light host's own network inside its namespace: what createHostNets does from outside for full hosts. */
export interface LightNet {
  gateway: string;
  prefixLen: number;
}

function lightHostScript(spec: HostSpec, base: string, net: LightNet): string {
  const root = `${spec.dir}/root`;
  return [
    // Each host drops its copy of /run/netns at once: every private mount namespace copies the controller's
    // mounts, one per lab host, so a thousand hosts would otherwise hold a million mounts between them.
    `{ umount -l /run/netns 2>/dev/null || true; }`,
    'ip link set lo up',
    `ip addr add ${spec.address}/${net.prefixLen} dev host0`,
    'ip link set host0 up',
    `ip route add default via ${net.gateway}`,
    overlayMount(base, spec.dir),
    `mount -t proc proc ${root}/proc`,
    `mount --rbind /dev ${root}/dev`,
    `mount -t tmpfs -o mode=0755 tmpfs ${root}/run`,
    `mkdir -p ${root}/run/sshd`,
    `hostname ${spec.name}`,
    `exec chroot ${root} /usr/sbin/sshd -D -e`,
  ].join(' && ');
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/**
 * Starts light hosts: only sshd, chrooted into the overlay, in fresh mount, UTS and PID namespaces inside each
 * host's network namespace (entered with nsenter: `ip netns exec` would add a mount namespace of its own). A few
 * MB each, for scale tests. One shell launches them all in the background, each in its own session with its own
 * log, since a thousand spawns from Node cost minutes on a loaded machine. Returns the pids of the unshare
 * processes, in order; a host's sshd dies with its unshare.
 */
export async function startLightHosts(specs: HostSpec[], base: string, net: LightNet): Promise<number[]> {
  const lines = specs.map((spec) => {
    const args = ['setsid', 'nsenter', `--net=/run/netns/${spec.netns}`, 'unshare', '--mount', '--propagation', 'private', '--uts', '--pid', '--fork', '--kill-child', 'sh', '-c', lightHostScript(spec, base, net)];
    return `${args.map(quote).join(' ')} </dev/null >>${quote(join(spec.dir, 'console.log'))} 2>&1 & echo $!`;
  });
  const out = await sh('sh', ['-s'], { input: lines.join('\n') + '\n' });
  const pids = out.split('\n').filter(Boolean).map(Number);
  if (pids.length !== specs.length || pids.some((p) => !Number.isInteger(p) || p <= 0)) {
    throw new TsrunError('INTERNAL', `lab: starting ${specs.length} light hosts gave ${pids.length} process ids`);
  }
  return pids;
}
