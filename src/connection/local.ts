import { userInfo } from 'node:os';
import { atomicWriteScript, invocation, quote, sent } from './shell';
import { tempPath } from './temp';
import type { Become, Connection, ExecOptions, ExecResult, PutOptions } from './types';

/** execa takes a noticeable part of start-up; runs without local tasks never load it. */
const loadExeca = () => import('execa');

/** Runs tasks on the controller itself (`connection: local`), through execa. */
export class LocalConnection implements Connection {
  private readonly loginUser = userInfo().username;
  /** Process groups of running commands, killed by an interrupt. */
  private readonly running = new Set<number>();
  private interrupted = false;

  constructor(readonly host: string) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const { execa } = await loadExeca();
    // A process group of its own, so a timeout kills the command's children too, not just sh.
    const inv = invocation(command, opts.become, this.loginUser, opts.stdin);
    const sub = execa('sh', ['-c', inv.command], {
      input: inv.stdin,
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      reject: false,
      stripFinalNewline: false,
      encoding: 'utf8',
    });
    if (this.interrupted && sub.pid) process.kill(-sub.pid, 'SIGKILL');
    if (sub.pid) this.running.add(sub.pid);
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (sub.pid) process.kill(-sub.pid, 'SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    const r = await sub.finally(() => {
      clearTimeout(timer);
      if (sub.pid) this.running.delete(sub.pid);
    });
    return {
      rc: timedOut ? 124 : (r.exitCode ?? 1),
      stdout: r.stdout,
      stderr: r.stderr,
      durationMs: performance.now() - started,
      timedOut: timedOut || undefined,
    };
  }

  async put(dest: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const r = await this.exec(atomicWriteScript(dest, tempPath(dest), sent(content), opts), { stdin: content, become: opts.become });
    if (r.rc !== 0) throw new Error(`could not write ${dest}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    const { execa } = await loadExeca();
    const inv = invocation(`[ -e ${quote(path)} ] || exit 3; cat ${quote(path)}`, opts.become, this.loginUser);
    const r = await execa('sh', ['-c', inv.command], {
      input: inv.stdin,
      encoding: 'buffer',
      reject: false,
      stripFinalNewline: false,
    });
    if (r.exitCode === 3) return undefined;
    if (r.exitCode !== 0) throw new Error(`could not read ${path}: ${Buffer.from(r.stderr).toString().trim()}`);
    return Buffer.from(r.stdout);
  }

  /** Kills the running commands' process groups; a killed write's temporary file is removed by its own trap or the next run. */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    for (const pid of this.running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  async close(): Promise<void> {}
}
