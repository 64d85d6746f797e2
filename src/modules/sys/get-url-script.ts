import { quote } from '../../connection/shell';
import type { DestState } from './get-url-plan';

/** The get_url arguments the scripts use. */
export interface FetchArgs {
  url: string;
  mode?: string;
  owner?: string;
  group?: string;
  timeout: number;
  validate_certs: boolean;
}

/** Sets mode/owner/group on an existing dest that needs no download. */
export function attrsScript(dest: string, a: FetchArgs): string {
  const steps = [a.mode ? `chmod ${quote(a.mode)} ${quote(dest)}` : '', a.owner || a.group ? `chown ${quote(`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`)} ${quote(dest)}` : ''];
  return steps.filter(Boolean).join(' && ');
}

/** Reads the destination (resolving a directory dest), its checksum and attributes, and which downloader exists. */
export function readScript(dest: string, fileName: string, algo: string): string {
  return [
    `d=${quote(dest)}`,
    `[ -d "$d" ] && d="$d"/${quote(fileName)}`,
    'echo "dest=$d"',
    `if [ -f "$d" ]; then echo exists=1; echo "sum=$(${algo}sum < "$d" | cut -d' ' -f1)"; echo "stat=$(stat -c '%a %U %G' "$d")"; fi`,
    'if command -v curl >/dev/null 2>&1; then echo fetcher=curl; elif command -v wget >/dev/null 2>&1; then echo fetcher=wget; fi',
  ].join('\n');
}

/** Downloads to a temporary file beside dest, verifies, then renames; prints key=value lines. */
export function downloadScript(s: DestState, a: FetchArgs, algo: string, expect: string | undefined, headers: Record<string, string>): string {
  const wget = [
    `wget -q -T ${a.timeout}`,
    a.validate_certs ? '' : '--no-check-certificate',
    ...Object.entries(headers).map(([k, v]) => `--header=${quote(`${k}: ${v}`)}`),
    `-O "$t" ${quote(a.url)}`,
  ].filter(Boolean).join(' ');
  const attrs = [
    a.mode ? `chmod ${quote(a.mode)} "$d" || { echo fail=attrs; exit 0; }` : '',
    a.owner || a.group ? `chown ${quote(`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`)} "$d" || { echo fail=attrs; exit 0; }` : '',
  ];
  return [
    `d=${quote(s.dest)}`,
    `t=$(mktemp "$(dirname "$d")/.tsrun-get_url.XXXXXX") || { echo fail=dest; exit 0; }`,
    `trap 'rm -f "$t"' EXIT`,
    s.fetcher === 'curl' ? `code=$(curl -K - -o "$t" -w '%{http_code}'); rc=$?` : `${wget}; rc=$?; code=000`,
    'echo "status=$code"',
    '[ "$rc" -eq 0 ] || { echo "fail=download"; echo "rc=$rc"; exit 0; }',
    'case "$code" in 2??|000) ;; *) echo fail=http; exit 0;; esac',
    `sum=$(${algo}sum < "$t" | cut -d' ' -f1); echo "sum=$sum"`,
    expect ? `[ "$sum" = ${quote(expect)} ] || { echo fail=checksum; exit 0; }` : '',
    `old=; [ -f "$d" ] && old=$(${algo}sum < "$d" | cut -d' ' -f1)`,
    'if [ "$old" = "$sum" ]; then echo same=1; else',
    '  if [ -e "$d" ]; then chmod --reference="$d" "$t"; chown --reference="$d" "$t" 2>/dev/null; else chmod 0644 "$t"; fi',
    '  mv -f "$t" "$d" || { echo fail=rename; exit 0; }',
    'fi',
    'echo "size=$(wc -c < "$d")"',
    ...attrs,
    `echo "stat=$(stat -c '%a %U %G' "$d")"`,
  ].filter(Boolean).join('\n');
}
