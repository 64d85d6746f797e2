import { quote } from '../../connection/shell';

/** What dpkg says about one package. */
export type PkgStatus =
  /** installed and configured */
  | 'installed'
  /** removed, configuration files remain (purge would change it) */
  | 'config-files'
  /** not installed */
  | 'absent'
  /** half-installed, unpacked, failed configuration: a reinstall is needed */
  | 'broken';

/** One package as dpkg and apt-cache see it. */
export interface PkgInfo {
  status: PkgStatus;
  /** Installed version. */
  version?: string;
  /** The version apt would install; undefined when no source offers the package. */
  candidate?: string;
}

/** The host's package state for the named packages, and the age of the apt cache. */
export interface AptState {
  pkgs: Record<string, PkgInfo>;
  /** Seconds since the last successful `apt-get update`; undefined when unknown. */
  cacheAge?: number;
}

/** The one script that reads every named package's state, candidates and the cache age. */
export function aptReadScript(names: string[]): string {
  const words = names.map(quote).join(' ');
  return [
    'export LC_ALL=C',
    "command -v dpkg-query >/dev/null && command -v apt-get >/dev/null || { echo 'apt-get/dpkg-query not found: not a Debian-family host' >&2; exit 3; }",
    'echo @dpkg',
    `dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' ${words} 2>/dev/null`,
    'echo @policy',
    `apt-cache policy ${words} 2>/dev/null`,
    'echo @cache',
    'stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null',
    'date +%s',
  ].join('\n');
}

function sections(out: string): Record<string, string[]> {
  const res: Record<string, string[]> = {};
  let cur = '';
  for (const line of out.split('\n')) {
    if (/^@\w+$/.test(line)) res[(cur = line.slice(1))] = [];
    else if (cur) res[cur].push(line);
  }
  return res;
}

function statusOf(abbrev: string): PkgStatus {
  const s = abbrev[1];
  if (s === 'i' || s === 'W' || s === 't') return 'installed';
  if (s === 'c') return 'config-files';
  if (s === 'n' || s === undefined || s === ' ') return 'absent';
  return 'broken';
}

/** Parses the output of aptReadScript. Names dpkg and apt-cache do not mention are absent with no candidate. */
export function parseAptState(names: string[], out: string): AptState {
  const sec = sections(out);
  const pkgs: Record<string, PkgInfo> = Object.fromEntries(names.map((n) => [n, { status: 'absent' } as PkgInfo]));
  for (const line of sec.dpkg ?? []) {
    const [name, abbrev, version] = line.split('\t');
    if (!name || !(name in pkgs)) continue;
    const status = statusOf(abbrev ?? '');
    pkgs[name] = { status, version: status === 'installed' || status === 'broken' ? version : undefined };
  }
  let cur: string | undefined;
  for (const line of sec.policy ?? []) {
    const head = /^(\S+):$/.exec(line);
    if (head) cur = head[1].replace(/:\w+$/, '');
    const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (cand && cur && cur in pkgs && cand[1] !== '(none)') pkgs[cur].candidate = cand[1];
  }
  const [mtime, now] = (sec.cache ?? []).filter(Boolean).map(Number);
  const cacheAge = Number.isFinite(mtime) && Number.isFinite(now) && sec.cache.filter(Boolean).length === 2 ? now - mtime : undefined;
  return { pkgs, cacheAge };
}
