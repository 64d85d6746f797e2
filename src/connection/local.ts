import { userInfo } from 'node:os';
import { atomicWriteScript, becomeStdin, quote, wrapBecome } from './shell';
import type { Become, Connection, ExecOptions, ExecResult, PutOptions } from './types';

/** execa takes a noticeable part of start-up; runs without local tasks never load it. */
const loadExeca = () => import('execa');

/** Runs tasks on the controller itself (`connection: local`), through execa. */
export class LocalConnection implements Connection {
  private readonly loginUser = userInfo().username;

  constructor(readonly host: string) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const { execa } = await loadExeca();
    // A process group of its own, so a timeout kills the command's children too, not just sh.
    const sub = execa('sh', ['-c', wrapBecome(command, opts.become, this.loginUser)], {
      input: becomeStdin(opts.stdin, opts.become, this.loginUser) ?? '',
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      reject: false,
      stripFinalNewline: false,
      encoding: 'utf8',
    });
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (sub.pid) process.kill(-sub.pid, 'SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    const r = await sub.finally(() => clearTimeout(timer));
    return {
      rc: timedOut ? 124 : (r.exitCode ?? 1),
      stdout: r.stdout,
      stderr: r.stderr,
      durationMs: performance.now() - started,
      timedOut: timedOut || undefined,
    };
  }

  async put(dest: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const r = await this.exec(atomicWriteScript(dest, opts), { stdin: content, become: opts.become });
    if (r.rc !== 0) throw new Error(`could not write ${dest}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    const { execa } = await loadExeca();
    const r = await execa('sh', ['-c', wrapBecome(`[ -e ${quote(path)} ] || exit 3; cat ${quote(path)}`, opts.become, this.loginUser)], {
      input: becomeStdin(undefined, opts.become, this.loginUser) ?? '',
      encoding: 'buffer',
      reject: false,
      stripFinalNewline: false,
    });
    if (r.exitCode === 3) return undefined;
    if (r.exitCode !== 0) throw new Error(`could not read ${path}: ${Buffer.from(r.stderr).toString().trim()}`);
    return Buffer.from(r.stdout);
  }

  async close(): Promise<void> {}
}
