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
 * Wraps a command for privilege escalation. With a password, sudo reads it from the first line of
 * stdin (`-S`) and prints no prompt, so the password never appears in any output.
 */
export function wrapBecome(command: string, become: Become | undefined, loginUser: string): string {
  if (!needsSudo(become, loginUser)) return command;
  const user = become?.user ?? 'root';
  const auth = become?.password !== undefined ? '-S -p ""' : '-n';
  return `sudo -H ${auth} -u ${quote(user)} -- sh -c ${quote(command)}`;
}

/** Prefixes stdin with the sudo password when one is needed. */
export function becomeStdin(
  stdin: string | Buffer | undefined,
  become: Become | undefined,
  loginUser: string,
): string | Buffer | undefined {
  if (!needsSudo(become, loginUser) || become?.password === undefined) return stdin;
  const head = Buffer.from(`${become.password}\n`);
  return stdin === undefined ? head : Buffer.concat([head, Buffer.from(stdin)]);
}

/**
 * A script that reads a file's content from stdin and installs it atomically at `dest`:
 * a temporary file in the same directory (so rename is atomic), mode and owner set, then rename.
 * On failure the temporary file is removed and `dest` is untouched.
 */
export function atomicWriteScript(dest: string, opts: PutOptions = {}): string {
  const d = quote(dest);
  const steps = [
    `t=$(mktemp ${quote(`${dest}.tsrun.XXXXXX`)}) || exit 1`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
    // keep the existing mode/owner when none is asked for, as Ansible's copy does
    opts.mode ? `chmod ${quote(opts.mode)} "$t"` : `if [ -e ${d} ]; then chmod --reference=${d} "$t"; else chmod 0644 "$t"; fi`,
    opts.owner || opts.group
      ? `chown ${quote(`${opts.owner ?? ''}${opts.group ? `:${opts.group}` : ''}`)} "$t"`
      : `if [ -e ${d} ]; then chown --reference=${d} "$t" 2>/dev/null || true; fi`,
    `mv -f "$t" ${d}`,
    `trap - EXIT`,
  ];
  return steps.join(' && ');
}
