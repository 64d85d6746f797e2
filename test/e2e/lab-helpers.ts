import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execa } from 'execa';
import type { LabInfo } from '../../src/lab/index';

/** Runs a command on a lab host over real OpenSSH with the lab key, pinned to the lab's known_hosts. */
export async function labSsh(lab: LabInfo, host: string, command: string, user = 'root', input = '') {
  const h = lab.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host ${host} in lab ${lab.name}`);
  const args = [
    '-i', lab.keyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    `${user}@${h.address}`,
    command,
  ];
  return execa('ssh', args, { input, reject: false, timeout: 60_000 });
}

/** Everything of a lab still present on this machine, described one item a line (empty when it is all gone). */
export async function labLeftovers(name: string, dir: string, bridge?: string): Promise<string[]> {
  const found: string[] = [];
  const netns = (await execa('ip', ['netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  const ours = (n: string) => n.startsWith(`tsrun-${name}-`) && /^[a-z]+\d+$/.test(n.slice(`tsrun-${name}-`.length));
  found.push(...netns.filter(ours).map((n) => `netns ${n}`));
  if (bridge && (await execa('ip', ['link', 'show', bridge], { reject: false })).exitCode === 0) found.push(`bridge ${bridge}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '');
  found.push(...mounts.filter((m) => m.startsWith(`${dir}/`) || ours(m.split('/').pop() ?? '')).map((m) => `mount ${m}`));
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      // A chrooted sshd or a container's processes do not name the dir, but their root lies in it.
      if (cmd.includes(`${dir}/`) || readlinkSync(`/proc/${pid}/root`).startsWith(`${dir}/`)) found.push(`process ${pid}: ${cmd.slice(0, 120)}`);
    } catch {
      // exited while we looked
    }
  }
  if (existsSync(dir)) found.push(`directory ${dir}`);
  return found;
}
