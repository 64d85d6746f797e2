/**
 * Splits Ansible's `k=v` argument strings (`dest=/etc/x mode=0644`, `echo hi creates=/tmp/x`).
 * For a free-form module, only words `key=value` with a known key are taken out; the rest of the text is kept
 * verbatim (a multi-line shell script keeps its newlines and its own `i=0` assignments).
 */
export function parseKv(text: string, freeForm: string | undefined, known: ReadonlySet<string>, offsets?: Map<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let free = '';
  let last = 0;
  // a word: runs of non-space characters, quoted strings or `{{ }}`/`{% %}` (spaces inside), glued together
  for (const m of text.matchAll(/(?:\{\{.*?\}\}|\{%.*?%\}|[^\s"'{]+|\{|"(?:\\.|[^"\\])*"|'[^']*')+/gs)) {
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(m[0]);
    if (!kv || (freeForm && !known.has(kv[1]))) continue;
    out[kv[1]] = unquote(kv[2]);
    const quoted = kv[2] !== out[kv[1]];
    offsets?.set(kv[1], m.index + kv[1].length + 1 + (quoted ? 1 : 0));
    free += text.slice(last, m.index);
    last = m.index + m[0].length;
  }
  free = (free + text.slice(last)).trim();
  if (free) out[freeForm ?? '_raw_params'] = freeForm ? free.replace(/[ \t]+$/gm, '') : free;
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}
