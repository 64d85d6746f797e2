import { TsrunError } from '../core/errors';
import type { Duplex } from 'node:stream';
import pLimit from 'p-limit';
import type { Client, SFTPWrapper } from 'ssh2';
import { describeTarget, type SshParams } from './params';
import { atomicWriteScript, describeBecome, installScript, invocation, needsSudo, quote, sent } from './shell';
import { sftpUpload, sftpUnlink } from './sftp-put';
import { sftpReader } from './sftp-read';
import { channelCommand, runChannel, type RawResult } from './ssh-exec';
import { tempPath } from './temp';
import { RemoteShell } from './ssh-shell';
import type { OpenedClient } from './ssh-open';
import { UnreachableError, type Become, type Connection, type ExecOptions, type ExecResult, type FileReader, type PutOptions } from './types';

/** Exec channels open at once per connection: below OpenSSH's default MaxSessions (10), leaving one for SFTP and one for the shell. */
const MAX_CHANNELS = 7;

/** How long an interrupt's clean-up may take on one host. */
const INTERRUPT_MS = 5_000;

/**
 * One persistent SSH connection to a host, opened on first use and shared by every fact, task,
 * file transfer and handler; a connection that drops is reopened once.
 */
export class SshConnection implements Connection {
  readonly host: string;
  private current?: Promise<OpenedClient>;
  /** The current client's transport, kept so that SFTP requests can be corked without awaiting the client again. */
  private sock?: Duplex;
  private sftp?: Promise<SFTPWrapper>;
  private shell?: Promise<RemoteShell>;
  private reader?: FileReader;
  private dropped = false;
  private reopened = false;
  private closed = false;
  /** Set by an interrupt: no new command starts. */
  private interrupted = false;
  private readonly limit = pLimit(MAX_CHANNELS);
  /** Rejects when the current client closes, so no wait on a channel, an SFTP request or the shell outlives it. */
  private lost?: Promise<never>;
  /** Process groups of running commands, with the become they run under (an interrupt kills them). */
  private readonly groups = new Map<number, Become | undefined>();
  /** This run's temporary files on the host that are not yet renamed or removed. */
  private readonly temps = new Map<string, Become | undefined>();
  /** The become of the command the persistent shell runs now, or null when it is idle. */
  private shellBecome: Become | undefined | null = null;

  constructor(private readonly params: SshParams) {
    this.host = params.name;
  }

  /** `user@host:port`, for -vvv. */
  describe(): string {
    return describeTarget(this.params);
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
      this.params.trace?.(3, `the connection to ${describeTarget(this.params)} dropped; reconnecting once`);
      this.current = undefined;
    }
    if (!this.current) {
      this.dropped = false;
      this.sftp = undefined;
      this.shell = undefined;
      // ssh2 and node-ssh are loaded with the first SSH connection: local runs never load them
      this.current = import('./ssh-open').then((m) => m.openClientRetrying(this.params));
      this.lost = this.current.then(({ client }) => new Promise<never>((_resolve, reject) => client.once('close', () => {
        this.onClose();
        reject(new UnreachableError(`${this.host}: the connection to ${describeTarget(this.params)} was lost (no answer within the keepalive bound, or closed by the host)`));
      })));
      this.lost.catch(() => undefined);
      this.current.then(undefined, () => (this.current = undefined));
    }
    const opened = await this.current;
    this.sock = opened.sock;
    return opened.client;
  }

  private onClose(): void {
    if (this.closed) return;
    this.dropped = true;
    void this.current?.then(({ hops }) => hops.forEach((h) => h.end()));
  }

  /** Waits for `p` unless the connection is lost first. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return this.lost ? Promise.race([p, this.lost]) : p;
  }

  private become(b: Become | undefined): Become | undefined {
    return b?.enabled && b.password === undefined && this.params.becomePassword !== undefined ? { ...b, password: this.params.becomePassword } : b;
  }

  private async run(command: string, opts: ExecOptions): Promise<RawResult> {
    if (this.interrupted) throw new Error(`${this.host}: interrupted; not started`);
    const become = this.become(opts.become);
    const env = Object.entries(opts.env ?? {})
      .map(([k, v]) => {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsrunError('SCHEMA', `environment variable name '${k}' is not valid`, { expected: 'letters, digits and _' });
        return `export ${k}=${quote(v)}; `;
      })
      .join('');
    const inner = `${opts.cwd ? `cd ${quote(opts.cwd)} || exit 1; ` : ''}${env}${command}`;
    const inv = invocation(inner, become, this.params.user, opts.stdin);
    // the group holds processes of the become user too; only that user (or root) may kill them
    const killer = (pgid: number) => invocation(`kill -s KILL -- -${pgid}`, become, this.params.user);
    const onGroup = (pgid: number, running: boolean) => (running ? this.groups.set(pgid, become) : this.groups.delete(pgid));
    const channel = async () => this.guard(runChannel(await this.client(), { command: channelCommand(inv.command), stdin: inv.stdin, timeoutMs: opts.timeoutMs, killer, onGroup }));
    const r = await this.limit(async () => {
      if (this.interrupted) throw new Error(`${this.host}: interrupted; not started`);
      // the common case (no stdin, no timeout) goes to the persistent shell; the rest, and anything that
      // arrives while the shell is busy, gets an exec channel of its own
      const shell = opts.stdin === undefined && !opts.timeoutMs ? await this.idleShell() : undefined;
      // -vvv: the script as the host runs it (it travels on stdin, never in a command line)
      this.params.trace?.(3, `EXEC (${shell ? 'persistent shell' : 'exec channel'}) ${describeBecome(become, this.params.user)}${inner}`);
      if (shell) {
        this.shellBecome = become;
        try {
          return await this.guard(shell.run(inv));
        } finally {
          this.shellBecome = null;
        }
      }
      try {
        return await channel();
      } catch (err) {
        // the server went away between commands and 'close' has not arrived yet: reopen (once) and retry
        if (err instanceof UnreachableError || !/Not connected|No response|ECONNRESET/i.test((err as Error).message)) throw err;
        this.dropped = true;
        return channel();
      }
    }).catch((err: unknown) => {
      throw this.interrupted ? new Error(`${this.host}: interrupted; the command was stopped`) : err;
    });
    if (this.interrupted) throw new Error(`${this.host}: interrupted; the command was stopped`);
    if (r.lost) {
      this.dropped = true;
      throw new UnreachableError(`${this.host}: the connection to ${describeTarget(this.params)} was lost while a command ran; it may not have finished`);
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
    if (!shell?.alive && this.shell === current) this.shell = this.guard(RemoteShell.start(client));
    shell = await this.shell?.catch(() => undefined);
    // claimed synchronously after the last await, so two callers never share it
    return shell?.claim() ? shell : undefined;
  }

  files(become?: Become): FileReader | undefined {
    if (needsSudo(this.become(become), this.params.user)) return undefined;
    return (this.reader ??= sftpReader(async () => {
      if (this.interrupted) throw new Error(`${this.host}: interrupted; not started`);
      const sftp = await this.sftpSession();
      this.holdWrites(this.sock);
      return sftp;
    }, (p) => this.guard(p)));
  }

  /**
   * Holds the stream's writes until this turn's promise reactions have run: the requests a probe issues together
   * (lstat, stat, the parent) then leave in one packet, one system call on this side and one wake-up of the
   * host's sftp-server instead of one each (at a thousand hosts, the controller's writes were its largest cost).
   */
  private holdWrites(sock: Duplex | undefined): void {
    if (!sock || sock.writableCorked) return;
    sock.cork();
    process.nextTick(() => sock.uncork());
  }

  private async sftpSession(): Promise<SFTPWrapper> {
    const client = await this.client();
    this.sftp ??= this.guard(new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s)))));
    return this.sftp;
  }

  /**
   * Writes a file whole or not at all: the content goes to a temporary file beside `dest` (over SFTP, or
   * through `cat` under sudo), the host checks its size and sha256 against what was sent, and only then
   * renames it. A cut transfer leaves `dest` as it was and its temporary file removed.
   */
  async put(dest: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const become = this.become(opts.become);
    const tmp = tempPath(dest);
    const what = sent(content);
    this.temps.set(tmp, become);
    const viaSftp = !opts.owner && !opts.group && !needsSudo(become, this.params.user);
    this.params.trace?.(3, `PUT ${what.size} bytes (sha256 ${what.sha256.slice(0, 12)}) TO ${dest} via ${viaSftp ? 'SFTP' : 'cat on stdin'} ${describeBecome(become, this.params.user)}`.trimEnd());
    try {
      if (viaSftp) {
        let uploaded = false;
        try {
          await this.guard(sftpUpload(await this.sftpSession(), tmp, content));
          uploaded = true;
        } catch (err) {
          if (err instanceof UnreachableError || this.dropped) throw this.lostDuring(dest, err);
          // SFTP says only "Failure" or "Permission denied": the shell's write below names the real cause
          // (No space left on device, Read-only file system...)
          await this.guard(this.sftpSession().then((s) => sftpUnlink(s, tmp))).catch(() => undefined);
        }
        if (uploaded) return await this.install(dest, installScript(dest, tmp, what, opts), undefined, become);
      }
      await this.install(dest, atomicWriteScript(dest, tmp, what, opts), content, become);
    } finally {
      this.temps.delete(tmp);
    }
  }

  private async install(dest: string, script: string, content: string | Buffer | undefined, become: Become | undefined): Promise<void> {
    let r: RawResult;
    try {
      r = await this.run(script, { stdin: content, become });
    } catch (err) {
      throw this.lostDuring(dest, err);
    }
    if (r.rc !== 0) throw new Error(`${this.host}: could not write ${dest}: ${r.stderr.toString().trim() || `exit ${r.rc}`}`);
  }

  private lostDuring(dest: string, err: unknown): Error {
    if (err instanceof UnreachableError) return new UnreachableError(`${err.message} (writing ${dest}; it is unchanged or whole, never partial)`, { cause: err });
    return new Error(`${this.host}: could not write ${dest}: ${(err as Error).message}`, { cause: err });
  }

  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | undefined> {
    // cat's own error tells a missing file from one we may not read (e.g. inside a 0700 directory)
    const r = await this.run(`LC_ALL=C cat -- ${quote(path)}`, { become: opts.become });
    if (r.rc !== 0 && /No such file or directory|Not a directory/.test(r.stderr.toString())) return undefined;
    if (r.rc !== 0) throw new Error(`${this.host}: could not read ${path}: ${r.stderr.toString().trim() || `exit ${r.rc}`}`);
    return r.stdout;
  }

  /**
   * After an interrupt: kills the commands still running on the host (their process groups, as the user
   * they run as) and removes this run's temporary files, within a few seconds; a lost host is skipped.
   */
  async interrupt(): Promise<void> {
    this.interrupted = true;
    if (!this.current || this.dropped || this.closed) return;
    const opened = await this.current.catch(() => undefined);
    if (!opened) return;
    const client = opened.client;
    // an SFTP upload has no process on the host to kill: end the session so that it stops writing
    void this.sftp?.then((s) => s.end(), () => undefined);
    const shell = await this.shell?.catch(() => undefined);
    const groups = new Map(this.groups);
    if (shell?.pgid && this.shellBecome !== null) groups.set(shell.pgid, this.shellBecome);
    const byBecome = new Map<string, { become?: Become; steps: string[] }>();
    const add = (become: Become | undefined, step: string) => {
      const key = needsSudo(become, this.params.user) ? JSON.stringify([become?.user ?? 'root']) : '';
      const entry = byBecome.get(key) ?? { become, steps: [] };
      entry.steps.push(step);
      byBecome.set(key, entry);
    };
    // a group under sudo is killed by root; the login user's own processes in it by the user
    for (const [pgid, become] of groups) {
      add(undefined, `kill -s KILL -- -${pgid} 2>/dev/null`);
      if (needsSudo(become, this.params.user)) add(become, `kill -s KILL -- -${pgid} 2>/dev/null`);
    }
    for (const [tmp, become] of this.temps) add(become, `rm -f -- ${quote(tmp)}`);
    const runs = [...byBecome.values()].map(({ become, steps }) => {
      const inv = invocation(`${steps.join('; ')}; :`, become, this.params.user);
      return runChannel(client, { command: inv.command, stdin: inv.stdin, timeoutMs: INTERRUPT_MS }).catch(() => undefined);
    });
    await Promise.race([Promise.all(runs), new Promise((res) => setTimeout(res, INTERRUPT_MS).unref())]);
    // every channel still open closes with the connection: a command reading its stdin (a write under sudo)
    // sees it end, fails its size check and removes its temporary file
    opened.client.end();
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
