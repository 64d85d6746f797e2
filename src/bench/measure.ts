import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What one timed controller run produced. */
export interface Measured {
  code: number | null;
  seconds: number;
  /** Peak resident memory of the controller's process tree in MB (sum over its processes, polled, or the root's VmHWM). */
  peakRssMb: number;
  stdout: string;
  stderr: string;
}

/** Children that are running now, so a signal handler can stop them. */
export const running = new Set<ChildProcess>();

const POLL_MS = 100;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants, through /proc/PID/task/TID/children. */
export function processTree(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length && out.length < 10_000) {
    const pid = stack.pop()!;
    out.push(pid);
    try {
      const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (text) stack.push(...text.split(/\s+/).map(Number));
    } catch {
      // exited between the two reads
    }
  }
  return out;
}

/** Runs a controller (tsrun or ansible-playbook) to completion, timing it and polling its tree's memory. */
export function measure(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    let peakKb = 0;
    const poll = () => {
      if (!child.pid) return;
      const tree = processTree(child.pid);
      const sum = tree.reduce((a, pid) => a + statusKb(pid, 'VmRSS'), 0);
      peakKb = Math.max(peakKb, sum, statusKb(child.pid, 'VmHWM'));
    };
    const timer = setInterval(poll, POLL_MS);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.end(opts.input ?? '');
    child.on('error', (e) => {
      clearInterval(timer);
      running.delete(child);
      reject(e);
    });
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      clearInterval(timer);
      running.delete(child);
      resolve({ code, seconds, peakRssMb: peakKb / 1024, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    poll();
  });
}
