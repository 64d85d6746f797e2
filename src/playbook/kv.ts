/**
 * Splits Ansible's `k=v` argument strings (`dest=/etc/x mode=0644`, `echo hi creates=/tmp/x`).
 * Words that are not `key=value` with a known key stay in the free-form text, in their original order.
 */
export function parseKv(text: string, freeForm: string | undefined, known: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const free: string[] = [];
  // a word: runs of non-space characters or quoted strings, glued together
  const words = text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
  for (const word of words) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (m && (known.has(m[1]) || !freeForm)) out[m[1]] = unquote(m[2]);
    else free.push(word);
  }
  if (free.length > 0) {
    if (!freeForm) out._raw_params = free.join(' ');
    else out[freeForm] = free.join(' ');
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}
