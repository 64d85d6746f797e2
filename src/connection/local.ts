import { userInfo } from 'node:os';
import { runLocal } from './local-spawn';
import { atomicWriteScript, becomeStdin, quote, wrapBecome } from './shell';
import type { Become, Connection, ExecOptions, ExecResult, PutOptions } from './types';

/** Runs tasks on the controller itself (`connection: local`), through `sh -c`. */
export class LocalConnection implements Connection {
  private readonly loginUser = userInfo().username;

  constructor(readonly host: string) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const r = await runLocal(wrapBecome(command, opts.become, this.loginUser), {
      input: becomeStdin(opts.stdin, opts.become, this.loginUser),
      cwd: opts.cwd,
      env: opts.env,
      timeoutMs: opts.timeoutMs,
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
    const r = await this.exec(atomicWriteScript(dest, opts), { stdin: content, become: opts.become });
    if (r.rc !== 0) throw new Error(`could not write ${dest}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    const script = wrapBecome(`[ -e ${quote(path)} ] || exit 3; cat ${quote(path)}`, opts.become, this.loginUser);
    const r = await runLocal(script, { input: becomeStdin(undefined, opts.become, this.loginUser) });
    if (r.code === 3) return undefined;
    if (r.code !== 0) throw new Error(`could not read ${path}: ${r.stderr.toString().trim()}`);
    return r.stdout;
  }

  async close(): Promise<void> {}
}
