import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { quote, type Invocation } from './shell';
import type { RawResult } from './ssh-exec';

/**
 * A long-lived `sh` on one exec channel that runs commands one after another. A new exec channel costs a
 * round trip and a login shell on the host; this costs a fork. A command without sudo runs in a subshell
 * (`eval` of a variable the shell reads from the channel) with stdin from /dev/null, so it cannot read the
 * control stream and a syntax error or an `exit` stays inside it; a command under sudo runs as `sudo ... sh -c`
 * with its script in a here-document (see STDIN_RUNNER). Either way the script never appears in an argument
 * list. Then the shell prints a marker with the exit status on stdout and a marker on stderr.
 */
export class RemoteShell {
  private readonly marker = `__tsrun_${randomBytes(8).toString('hex')}`;
  private out = Buffer.alloc(0);
  private err = Buffer.alloc(0);
  private pending?: { resolve: (r: RawResult) => void; outMark: Buffer; errMark: Buffer };
  /** The shell's process group on the host (it leads its session), read from its first line. */
  pgid?: number;
  /** False once the channel has closed: the owner then starts a new shell. */
  alive = true;
  private busy = false;

  private constructor(private readonly ch: ClientChannel) {
    ch.on('data', (d: Buffer) => this.feed('out', d));
    ch.stderr.on('data', (d: Buffer) => this.feed('err', d));
    ch.on('close', () => {
      this.alive = false;
      // the command was cut off with the channel: report it as lost, as an exec channel would
      this.pending?.resolve({ rc: 255, stdout: this.out, stderr: this.err, timedOut: false, lost: true });
      this.pending = undefined;
    });
  }

  /** Starts `sh` on a new exec channel of the client. */
  static start(client: Client): Promise<RemoteShell> {
    return new Promise((resolve, reject) => client.exec('echo $$; exec sh', (err, ch) => (err ? reject(err) : resolve(new RemoteShell(ch)))));
  }

  /** Takes the shell for one command if it is alive and free; `run` gives it back. */
  claim(): boolean {
    if (!this.alive || this.busy) return false;
    this.busy = true;
    return true;
  }

  /** Runs one invocation (its stdin is text: a script, maybe after a password) on a shell taken with `claim`. */
  run(inv: Invocation): Promise<RawResult> {
    const id = `${this.marker}_${randomBytes(4).toString('hex')}`;
    return new Promise<RawResult>((resolve) => {
      this.pending = {
        resolve: (r) => {
          this.busy = false;
          resolve(r);
        },
        outMark: Buffer.from(`\n${id} `),
        errMark: Buffer.from(`\n${id}\n`),
      };
      const end = `${id}_END`;
      const status = `printf '\\n%s %d\\n' ${id} $?; printf '\\n%s\\n' ${id} >&2`;
      this.ch.write(
        inv.script !== undefined
          ? `s=${quote(inv.script)}\n(eval "$s") </dev/null; ${status}; s=\n`
          : `${inv.command} <<'${end}'; ${status}\n${inv.stdin.toString()}${end}\n`,
      );
    });
  }

  private feed(stream: 'out' | 'err', data: Buffer): void {
    if (stream === 'out') this.out = Buffer.concat([this.out, data]);
    else this.err = Buffer.concat([this.err, data]);
    if (this.pgid === undefined) {
      const nl = this.out.indexOf(10);
      if (nl < 0) return;
      this.pgid = Number(this.out.subarray(0, nl).toString()) || 0;
      this.out = this.out.subarray(nl + 1);
    }
    const p = this.pending;
    if (!p) return;
    const o = this.out.indexOf(p.outMark);
    const e = this.err.indexOf(p.errMark);
    // stdout's marker line ends with the status and a newline; both streams must be complete
    const end = o >= 0 ? this.out.indexOf(10, o + p.outMark.length) : -1;
    if (end < 0 || e < 0) return;
    const rc = Number(this.out.subarray(o + p.outMark.length, end).toString());
    const result: RawResult = { rc, stdout: this.out.subarray(0, o), stderr: this.err.subarray(0, e), timedOut: false, lost: false };
    this.out = this.out.subarray(end + 1);
    this.err = this.err.subarray(e + p.errMark.length);
    this.pending = undefined;
    p.resolve(result);
  }

  /** Ends the shell. */
  close(): void {
    this.alive = false;
    this.ch.end('exit\n');
  }
}
