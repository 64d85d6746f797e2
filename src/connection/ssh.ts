import { TsrunError } from '../core/errors';
import pLimit from 'p-limit';
import type { Client, SFTPWrapper } from 'ssh2';
import { describeTarget, type SshParams } from './params';
import { atomicWriteScript, becomeStdin, needsSudo, quote, wrapBecome } from './shell';
import { sftpPut } from './sftp-put';
import { channelCommand, runChannel, type RawResult } from './ssh-exec';
import { RemoteShell } from './ssh-shell';
import type { OpenedClient } from './ssh-open';
import { UnreachableError, type Become, type Connection, type ExecOptions, type ExecResult, type PutOptions } from './types';

/** Exec channels open at once per connection: below OpenSSH's default MaxSessions (10), leaving one for SFTP and one for the shell. */
const MAX_CHANNELS = 7;

/**
 * One persistent SSH connection to a host, opened on first use and shared by every fact, task,
 * file transfer and handler; a connection that drops is reopened once.
 */
export class SshConnection implements Connection {
  readonly host: string;
  private current?: Promise<OpenedClient>;
  private sftp?: Promise<SFTPWrapper>;
  private shell?: Promise<RemoteShell>;
  private dropped = false;
  private reopened = false;
  private closed = false;
  private readonly limit = pLimit(MAX_CHANNELS);

  constructor(private readonly params: SshParams) {
    this.host = params.name;
  }

  /** Opens the connection now rather than on first use (throws UnreachableError). */
  static async open(params: SshParams): Promise<SshConnection> {
    const conn = new SshConnection(params);
    await conn.client();
    return conn;
  }

  private async client(): Promise<Client> {
    if (this.closed) throw new Error(`connection to ${this.host} is already closed`);
    if (this.current && this.dropped) {
      if (this.reopened) throw new UnreachableError(`${this.host}: connection to ${describeTarget(this.params)} was lost again after reconnecting once`);
      this.reopened = true;
      this.current = undefined;
    }
    if (!this.current) {
      this.dropped = false;
      this.sftp = undefined;
      this.shell = undefined;
      // ssh2 and node-ssh are loaded with the first SSH connection: local runs never load them
      this.current = import('./ssh-open').then((m) => m.openClientRetrying(this.params));
      this.current.then(({ client }) => client.once('close', () => this.onClose()), () => (this.current = undefined));
    }
    return (await this.current).client;
  }

  private onClose(): void {
    if (this.closed) return;
    this.dropped = true;
    void this.current?.then(({ hops }) => hops.forEach((h) => h.end()));
  }

  private become(b: Become | undefined): Become | undefined {
    return b?.enabled && b.password === undefined && this.params.becomePassword !== undefined ? { ...b, password: this.params.becomePassword } : b;
  }

  private async run(command: string, opts: ExecOptions): Promise<RawResult> {
    const become = this.become(opts.become);
    const env = Object.entries(opts.env ?? {})
      .map(([k, v]) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsrunError('SCHEMA', `environment variable name '${k}' is not valid`, { expected: 'letters, digits and _' });
        return `export ${k}=${quote(v)}; `;
      })
      .join('');
    const inner = `${opts.cwd ? `cd ${quote(opts.cwd)} || exit 1; ` : ''}${env}${command}`;
    const remote = channelCommand(wrapBecome(inner, become, this.params.user));
    const stdin = becomeStdin(opts.stdin, become, this.params.user);
    // the group holds processes of the become user too; only that user (or root) may kill them
    const killer = (pgid: number) => ({
      command: wrapBecome(`kill -s KILL -- -${pgid}`, become, this.params.user),
      stdin: becomeStdin(undefined, become, this.params.user),
    });
    const r = await this.limit(async () => {
      // the common case (no stdin, no timeout) goes to the persistent shell; the rest, and anything that
      // arrives while the shell is busy, gets an exec channel of its own
      const shell = stdin === undefined && !opts.timeoutMs ? await this.idleShell() : undefined;
      if (shell) return shell.run(wrapBecome(inner, become, this.params.user));
      try {
        return await runChannel(await this.client(), remote, stdin, opts.timeoutMs, killer);
      } catch (err) {
        // the server went away between commands and 'close' has not arrived yet: reopen (once) and retry
        if (!/Not connected|No response|ECONNRESET/i.test((err as Error).message)) throw err;
        this.dropped = true;
        return runChannel(await this.client(), remote, stdin, opts.timeoutMs, killer);
      }
    });
    if (r.lost) {
      this.dropped = true;
      throw new Error(`${this.host}: the connection to ${describeTarget(this.params)} was lost while a command ran; it may not have finished`);
    }
    return r;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const r = await this.run(command, opts);
    return {
      rc: r.rc,
      stdout: r.stdout.toString('utf8'),
      stderr: r.stderr.toString('utf8'),
      durationMs: performance.now() - started,
      timedOut: r.timedOut || undefined,
    };
  }

  /** The persistent shell, claimed for one command, when it is free; started on first use and again after it died. */
  private async idleShell(): Promise<RemoteShell | undefined> {
    const client = await this.client();
    const current = this.shell;
    let shell = await current?.catch(() => undefined);
    if (!shell?.alive && this.shell === current) this.shell = RemoteShell.start(client);
    shell = await this.shell?.catch(() => undefined);
    // claimed synchronously after the last await, so two callers never share it
    return shell?.claim() ? shell : undefined;
  }

  private async sftpSession(): Promise<SFTPWrapper> {
    const client = await this.client();
    this.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    return this.sftp;
  }

  async put(dest: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const become = this.become(opts.become);
    if (!opts.owner && !opts.group && !needsSudo(become, this.params.user)) {
      try {
        await sftpPut(await this.sftpSession(), dest, content, opts.mode);
        return;
      } catch (err) {
        throw new Error(`${this.host}: could not write ${dest}: ${(err as Error).message}`, { cause: err });
      }
    }
    const r = await this.run(atomicWriteScript(dest, opts), { stdin: content, become });
    if (r.rc !== 0) throw new Error(`${this.host}: could not write ${dest}: ${r.stderr.toString().trim() || `exit ${r.rc}`}`);
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    // cat's own error tells a missing file from one we may not read (e.g. inside a 0700 directory)
    const r = await this.run(`LC_ALL=C cat -- ${quote(path)}`, { become: opts.become });
    if (r.rc !== 0 && /No such file or directory|Not a directory/.test(r.stderr.toString())) return undefined;
    if (r.rc !== 0) throw new Error(`${this.host}: could not read ${path}: ${r.stderr.toString().trim() || `exit ${r.rc}`}`);
    return r.stdout;
  }

  async close(): Promise<void> {
    this.closed = true;
    (await this.shell?.catch(() => undefined))?.close();
    const opened = await this.current?.catch(() => undefined);
    if (!opened) return;
    opened.client.end();
    for (const hop of opened.hops.reverse()) hop.end();
  }
}
