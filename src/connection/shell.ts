import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { staleMinutes, tempGlob } from './temp';
import type { Become, PutOptions } from './types';

/** Quotes one word for POSIX sh. */
export function quote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Whether a command needs wrapping in sudo for this become setting, given who we log in as. */
export function needsSudo(become: Become | undefined, loginUser: string): boolean {
  if (!become?.enabled) return false;
  return (become.user ?? 'root') !== loginUser;
}

/**
 * The one command line every script runs under: it reads a byte count, then that many bytes of script,
 * from stdin and evaluates them; the rest of stdin is the script's own. The line never changes, so no
 * script (and no secret inside one) shows in `ps`, in sudo's journal (COMMAND=...) or in sshd's logs.
 * dash's `read` takes one byte at a time and `head -c` reads no further than asked.
 */
export const STDIN_RUNNER = 'IFS= read -r n && s=$(head -c "$n") && eval "$s"';

/** A command line with its stdin: how a script is started on a host. */
export interface Invocation {
  command: string;
  stdin: Buffer;
  /**
   * The script alone, when it needs neither sudo nor input: a shell that is already running on the host can
   * then run it in a subshell of its own (one fork) instead of starting `command` (two forks and two execs).
   */
  script?: string;
}

/**
 * How to run `script` (with `input` on its stdin) for this become setting. With a password, sudo reads it
 * from the first line of stdin (`-S`) and prints no prompt, so the password never appears anywhere either.
 */
export function invocation(script: string, become: Become | undefined, loginUser: string, input?: string | Buffer): Invocation {
  const body = Buffer.from(script.endsWith('\n') ? script : `${script}\n`);
  const parts = [Buffer.from(`${body.length}\n`), body, ...(input === undefined ? [] : [Buffer.from(input)])];
  if (!needsSudo(become, loginUser)) {
    return { command: `sh -c ${quote(STDIN_RUNNER)}`, stdin: Buffer.concat(parts), ...(input === undefined ? { script: body.toString() } : {}) };
  }
  const user = become?.user ?? 'root';
  const auth = become?.password !== undefined ? '-S -p ""' : '-n';
  const head = become?.password !== undefined ? [Buffer.from(`${become.password}\n`)] : [];
  return { command: `sudo -H ${auth} -u ${quote(user)} -- sh -c ${quote(STDIN_RUNNER)}`, stdin: Buffer.concat([...head, ...parts]) };
}

/** How a command is run as another user, for -vvv: `become: sudo -u root (-n)`, or nothing without become. */
export function describeBecome(become: Become | undefined, loginUser: string): string {
  if (!needsSudo(become, loginUser)) return '';
  return `become: sudo -u ${become?.user ?? 'root'} (${become?.password !== undefined ? 'password on stdin' : '-n, no password'}) `;
}

/** What the controller sends, so the host can tell a whole transfer from a cut one. */
export interface Sent {
  size: number;
  sha256: string;
}

/** The size and sha256 of some content. */
export function sent(content: string | Buffer): Sent {
  const b = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return { size: b.length, sha256: createHash('sha256').update(b).digest('hex') };
}

/** Removes other runs' temporary files beside `dest` that nobody has written to for a while. */
function staleCleanup(dest: string): string {
  return `find ${quote(dirname(dest))} -maxdepth 1 -type f -name ${quote(tempGlob(dest))} -mmin +${staleMinutes()} -exec rm -f {} + 2>/dev/null`;
}

/**
 * Checks the temporary file `$t` against what was sent, sets its mode and owner, and renames it over `dest`.
 * A short or corrupted transfer never renames: `dest` stays as it was and the reason goes to stderr.
 */
export function installSteps(dest: string, s: Sent, opts: PutOptions = {}): string[] {
  const d = quote(dest);
  return [
    `n=$(wc -c < "$t") || exit 1`,
    `[ "$n" -eq ${s.size} ] || { echo "incomplete transfer: $n of ${s.size} bytes arrived; ${dest.replace(/[^\w./@:+-]/g, '?')} left unchanged" >&2; exit 1; }`,
    `set -- $(sha256sum < "$t")`,
    `[ "$1" = ${s.sha256} ] || { echo "checksum mismatch after transfer; ${dest.replace(/[^\w./@:+-]/g, '?')} left unchanged" >&2; exit 1; }`,
    // keep the existing mode/owner when none is asked for, as Ansible's copy does
    opts.mode ? `chmod ${quote(opts.mode)} "$t"` : `if [ -e ${d} ]; then chmod --reference=${d} "$t"; else chmod 0644 "$t"; fi`,
    opts.owner || opts.group
      ? `chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} "$t"`
      : `if [ -e ${d} ]; then chown --reference=${d} "$t" 2>/dev/null || true; fi`,
    `mv -f "$t" ${d}`,
  ];
}

/** Traps that remove `$t` however the script ends: dash runs the EXIT trap only after an exit, not on a signal. */
const CLEANUP_TRAPS = `trap 'rm -f "$t"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 141' PIPE; trap 'exit 143' TERM`;

/**
 * A script that reads a file's content from stdin into the temporary file `tmp` beside `dest`, verifies
 * it against `s`, and renames it over `dest`. On any failure or signal the temporary file is removed.
 */
export function atomicWriteScript(dest: string, tmp: string, s: Sent, opts: PutOptions = {}): string {
  return [
    `t=${quote(tmp)}`,
    CLEANUP_TRAPS,
    `${staleCleanup(dest)}; :`,
    `(umask 077; set -C; : > "$t") || exit 1`,
    `cat > "$t" || exit 1`,
    ...installSteps(dest, s, opts).map((l) => `${l} || exit 1`),
    `trap - EXIT`,
  ].join('\n');
}

/** For a file already uploaded to `tmp` (over SFTP): verify, set attributes, rename; remove it on failure. */
export function installScript(dest: string, tmp: string, s: Sent, opts: PutOptions = {}): string {
  return [
    `t=${quote(tmp)}`,
    CLEANUP_TRAPS,
    `${staleCleanup(dest)}; :`,
    ...installSteps(dest, s, opts).map((l) => `${l} || exit 1`),
    `trap - EXIT`,
  ].join('\n');
}
