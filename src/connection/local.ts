import { userInfo } from 'node:os';
import { runLocal } from './local-spawn';
import { atomicWriteScript, describeBecome, invocation, quote, sent } from './shell';
import { tempPath } from './temp';
import type { Become, Connection, Trace, ExecOptions, ExecResult, PutOptions } from './types';

/** Runs tasks on the controller itself (`connection: local`), through `sh -c`. */
export class LocalConnection implements Connection {
  private readonly loginUser = userInfo().username;
  /** Process groups of running commands, killed by an interrupt. */
  private readonly running = new Set<number>();
  private interrupted = false;

  constructor(readonly host: string, private readonly trace?: Trace) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const inv = invocation(command, opts.become, this.loginUser, opts.stdin);
    this.trace?.(3, `EXEC (local) ${describeBecome(opts.become, this.loginUser)}${command}`);
    let pid: number | undefined;
    const r = await runLocal(inv.command, {
      input: inv.stdin,
      cwd: opts.cwd,
      env: opts.env,
      timeoutMs: opts.timeoutMs,
      onStart: (p) => {
        pid = p;
        if (this.interrupted) process.kill(-p, 'SIGKILL');
        else this.running.add(p);
      },
    }).finally(() => {
      if (pid) this.running.delete(pid);
    });
    return {
      rc: r.timedOut ? 124 : (r.code ?? 1),
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      durationMs: performance.now() - started,
      timedOut: r.timedOut || undefined,
    };
  }

  async put(dest: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const r = await this.exec(atomicWriteScript(dest, tempPath(dest), sent(content), opts), { stdin: content, become: opts.become });
    if (r.rc !== 0) throw new Error(`could not write ${dest}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    const inv = invocation(`[ -e ${quote(path)} ] || exit 3; cat ${quote(path)}`, opts.become, this.loginUser);
    const r = await runLocal(inv.command, { input: inv.stdin });
    if (r.code === 3) return undefined;
    if (r.code !== 0) throw new Error(`could not read ${path}: ${r.stderr.toString().trim()}`);
    return r.stdout;
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
