import { spawn } from 'node:child_process';

/** What a local `sh -c` left: its exit code (null when a signal ended it) and its whole output. */
export interface SpawnResult {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

/** How to run one local script. */
export interface SpawnOptions {
  input?: string | Buffer;
  cwd?: string;
  /** Added to the controller's own environment, as Ansible's local connection does. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Told the process id (its group's too) once it runs, so an interrupt can kill the group. */
  onStart?: (pid: number) => void;
}

/**
 * Runs `sh -c SCRIPT` on the controller. Node's own child_process, not execa: execa loads some 300 modules,
 * which was most of a local one-task run's start-up. The script gets a process group of its own, so a timeout
 * kills its children too, not just sh.
 */
export function runLocal(script: string, opts: SpawnOptions = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], {
      cwd: opts.cwd,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid) opts.onStart?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    // a script that exits without reading its input closes the pipe; that is not an error of ours
    child.stdin.on('error', () => undefined);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut });
    });
    child.stdin.end(opts.input ?? '');
  });
}
