/** Single-quoted for sh ('' for nothing). */
function literal(s: string): string {
  return s === '' ? '' : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * One argument of `command` as sh code that expands on the host the way Ansible's command module does
 * (Python's os.path.expanduser(os.path.expandvars(word))): `$NAME` and `${NAME}` give the variable when it is set and
 * stay as written when it is not; a leading `~` or `~user` is that home directory. Nothing else is expanded.
 */
export function expandingWord(word: string): string {
  let out = '';
  let rest = word;
  const tilde = /^~[A-Za-z0-9._-]*(?=\/|$)/.exec(rest);
  if (tilde) {
    out += tilde[0];
    rest = rest.slice(tilde[0].length);
  }
  let last = 0;
  for (const m of rest.matchAll(/\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})/g)) {
    out += literal(rest.slice(last, m.index));
    out += m[1] !== undefined ? `"\${${m[1]}-\\$${m[1]}}"` : `"\${${m[2]}-\\\${${m[2]}\\}}"`;
    last = m.index + m[0].length;
  }
  out += literal(rest.slice(last));
  return out === '' ? "''" : out;
}
