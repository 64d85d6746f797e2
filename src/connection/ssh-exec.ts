import { constants } from 'node:os';
import type { Client } from 'ssh2';

/** A command's outcome with raw output (file reads need bytes, not text). */
export interface RawResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
  /** The channel closed with no exit status: the connection went away under the command. */
  lost: boolean;
}

/** After asking a timed-out command to die, how long to wait for the server to confirm before giving up on it. */
const KILL_GRACE_MS = 3_000;

/**
 * The command line for an exec channel. sshd makes the channel's process a session leader; the
 * login shell prints its pid (= process group) as the first stderr line and then becomes the
 * invocation's command, so a timed-out command can be killed with all its children.
 */
export function channelCommand(command: string): string {
  return `echo $$ >&2; exec ${command}`;
}

function exitCode(code: number | null | undefined, signal?: string): number | undefined {
  if (typeof code === 'number') return code;
  if (!signal) return undefined;
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof constants.signals;
  return 128 + (constants.signals[name] ?? 0);
}

/** How to kill a process group on the host: the command and its stdin (sudo's password when the group runs as another user). */
export type Killer = (pgid: number) => { command: string; stdin?: string | Buffer };

/** One command on its own channel. */
export interface ChannelRun {
  command: string;
  stdin?: string | Buffer;
  timeoutMs?: number;
  killer?: Killer;
  /** Told the command's process group once it is known and when the command is over, so an interrupt can kill it. */
  onGroup?: (pgid: number, running: boolean) => void;
}

/**
 * Runs one command on a new exec channel, feeding stdin and collecting output. At `timeoutMs` the
 * command's process group is killed (over a second channel, with `killer` when given) and the channel
 * closed; the result then has rc 124 and `timedOut`. Resolves when the channel closes; rejects only if it
 * cannot be opened.
 */
export function runChannel(client: Client, run: ChannelRun): Promise<RawResult> {
  const { command, stdin, timeoutMs, killer, onGroup } = run;
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(err);
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      let head = Buffer.alloc(0); // stderr until the pid line is complete
      let pgid: number | undefined;
      let rc: number | undefined;
      let timedOut = false;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        if (pgid) onGroup?.(pgid, false);
        clearTimeout(timer);
        clearTimeout(grace);
        if (pgid === undefined && head.length) errs.unshift(head);
        const lost = rc === undefined && !timedOut;
        resolve({ rc: timedOut ? 124 : (rc ?? 255), stdout: Buffer.concat(out), stderr: Buffer.concat(errs), timedOut, lost });
      };
      let grace: NodeJS.Timeout | undefined;
      const timer = timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            if (pgid) {
              const kill = killer?.(pgid) ?? { command: `kill -s KILL -- -${pgid}` };
              client.exec(`${kill.command} 2>/dev/null`, (e, k) => (e ? undefined : k.resume().end(kill.stdin)));
            }
            ch.signal('KILL');
            ch.close();
            grace = setTimeout(finish, KILL_GRACE_MS);
          }, timeoutMs)
        : undefined;
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => {
        if (pgid !== undefined) return void errs.push(d);
        head = Buffer.concat([head, d]);
        const nl = head.indexOf(10);
        if (nl < 0) return;
        const pid = Number(head.subarray(0, nl).toString());
        pgid = Number.isInteger(pid) && pid > 1 ? pid : 0;
        if (pgid) onGroup?.(pgid, true);
        // a login shell that printed something else: keep it as real output
        errs.push(pgid ? head.subarray(nl + 1) : head);
      });
      ch.on('exit', (code: number | null, signal?: string) => (rc = exitCode(code, signal)));
      ch.on('close', finish);
      ch.end(stdin);
    });
  });
}
