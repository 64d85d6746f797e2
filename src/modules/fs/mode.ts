const WHO: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };
const SPECIAL: Record<string, number> = { u: 0o4000, g: 0o2000, o: 0o1000 };

/** Formats permission bits as Ansible prints them: four octal digits. */
export function octal(bits: number): string {
  return (bits & 0o7777).toString(8).padStart(4, '0');
}

/**
 * The mode a file will have after `chmod spec`, as four octal digits. An octal spec is taken as is;
 * a symbolic one (u+rwx,go-w, X, s, t) is applied to `current`. An empty "who" means all, ignoring
 * the umask, as Ansible does.
 */
export function resolveMode(spec: string, current: string | undefined, isDir: boolean): string {
  if (/^[0-7]+$/.test(spec)) return octal(parseInt(spec, 8));
  let bits = current === undefined ? (isDir ? 0o755 : 0o644) : parseInt(current, 8);
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) throw new Error(`invalid symbolic mode "${clause}"`);
    const who = (m[1] === '' || m[1].includes('a') ? 'ugo' : m[1]).split('');
    const anyExec = isDir || (bits & 0o111) !== 0;
    let add = 0;
    let mask = 0;
    for (const w of who) {
      const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      mask |= WHO[w];
      for (const p of m[3]) {
        if (p === 'r') add |= 4 << shift;
        else if (p === 'w') add |= 2 << shift;
        else if (p === 'x' || (p === 'X' && anyExec)) add |= 1 << shift;
        else if (p === 's' && w !== 'o') add |= SPECIAL[w];
        else if (p === 't' && w === 'o') add |= SPECIAL.o;
      }
    }
    if (m[2] === '+') bits |= add;
    else if (m[2] === '-') bits &= ~add;
    else bits = (bits & ~mask) | add;
  }
  return octal(bits);
}
