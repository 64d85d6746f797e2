import { spawn } from 'node:child_process';
import pLimit from 'p-limit';
import type { LabInfo } from '../lab/index';
import { running } from './measure';

/** How one host's ssh run ended. */
export interface HostRun {
  host: string;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** OpenSSH client options for a lab host: the lab key and known_hosts, no agent, no prompts, no shared connection. */
export function sshArgs(lab: LabInfo, address: string): string[] {
  return [
    '-i', lab.keyPath,
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
    '-o', 'ConnectTimeout=20',
    '-F', '/dev/null',
    `root@${address}`,
  ];
}

function one(lab: LabInfo, host: { name: string; address: string }, script: string): Promise<HostRun> {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshArgs(lab, host.address), 'sh -s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ host: host.name, code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code) => {
      running.delete(child);
      resolve({ host: host.name, code, stdout, stderr });
    });
    child.stdin.end(script);
  });
}

/**
 * OpenSSH clients running at once. Each is a process of several MB doing its own key exchange: a thousand at once
 * on two cores only queue for the CPU (and meet ConnectTimeout), so the floor runs as many as keep both cores busy.
 */
export const FLOOR_CONCURRENCY = 128;

/**
 * Runs a shell script on every host of a lab, one new `ssh` each, FLOOR_CONCURRENCY at once, and times the
 * whole: the raw floor (with the check script) and the reset between first runs (with `rm -rf`).
 */
export async function sshAll(lab: LabInfo, scriptFor: (host: string) => string): Promise<{ seconds: number; runs: HostRun[] }> {
  const started = performance.now();
  const limit = pLimit(FLOOR_CONCURRENCY);
  const runs = await Promise.all(lab.hosts.map((h) => limit(() => one(lab, h, scriptFor(h.name)))));
  return { seconds: (performance.now() - started) / 1000, runs };
}
