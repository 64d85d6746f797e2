import type { Plan } from '../types';
import { keyValues } from './exec';

/** The destination as read on the host. */
export interface DestState {
  /** The final path (a directory dest gets the URL's file name appended). */
  dest: string;
  exists: boolean;
  /** Checksum of the existing file in the requested algorithm (sha1 when none). */
  sum?: string;
  /** Octal mode as `stat %a` prints it, without leading zeros, and owner/group names. */
  mode?: string;
  owner?: string;
  group?: string;
  /** curl or wget, whichever the host has. */
  fetcher?: 'curl' | 'wget';
}

/** The get_url arguments the plan depends on. */
export interface GetUrlPlanArgs {
  url: string;
  force: boolean;
  checksum?: { algo: string; hex: string };
  mode?: string;
  owner?: string;
  group?: string;
}

/** What apply must do. */
export interface GetUrlChange {
  download: boolean;
  attrs: boolean;
}

/** Parses the read script's `key=value` lines. */
export function parseDestState(out: string): DestState {
  const kv = keyValues(out);
  const [mode, owner, group] = (kv.get('stat') ?? '').split(' ');
  const fetcher = kv.get('fetcher');
  return {
    dest: kv.get('dest') ?? '',
    exists: kv.get('exists') === '1',
    sum: kv.get('sum') || undefined,
    mode: mode || undefined,
    owner,
    group,
    fetcher: fetcher === 'curl' || fetcher === 'wget' ? fetcher : undefined,
  };
}

/** Whether an octal mode argument differs from the mode `stat %a` read; symbolic modes are not predicted. */
function modeDiffers(want: string | undefined, have: string | undefined): boolean {
  if (!want || !/^[0-7]+$/.test(want) || have === undefined) return false;
  return parseInt(want, 8) !== parseInt(have, 8);
}

/** Decides whether to download and whether attributes change: a pure function of the destination's state. */
export function planGetUrl(s: DestState, a: GetUrlPlanArgs): Plan<GetUrlChange> {
  const lines: string[] = [];
  let download = false;
  let msg = `file already exists: ${s.dest}`;
  if (!s.exists) {
    download = true;
    lines.push(`file ${s.dest}: absent -> downloaded from ${a.url}`);
    msg = `would download ${a.url} to ${s.dest}`;
  } else if (a.checksum && s.sum !== a.checksum.hex) {
    download = true;
    lines.push(`file ${s.dest}: ${a.checksum.algo} ${s.sum} -> ${a.checksum.hex}`);
    msg = `checksum of ${s.dest} differs: would download ${a.url}`;
  } else if (a.force && !a.checksum) {
    download = true;
    lines.push(`file ${s.dest}: downloaded again from ${a.url} (force)`);
    msg = `force: would download ${a.url}; whether its content differs from ${s.dest} is known only after downloading`;
  }
  const attrs: string[] = [];
  if (s.exists && modeDiffers(a.mode, s.mode)) attrs.push(`mode: ${s.mode!.padStart(4, '0')} -> ${a.mode}`);
  if (s.exists && a.owner && a.owner !== s.owner) attrs.push(`owner: ${s.owner} -> ${a.owner}`);
  if (s.exists && a.group && a.group !== s.group) attrs.push(`group: ${s.group} -> ${a.group}`);
  if (!download && attrs.length) msg = `${s.dest}: ${attrs.join(', ')}`;
  lines.push(...attrs);
  return {
    changed: download || attrs.length > 0,
    diff: lines.length ? [{ kind: 'lines', lines }] : [],
    msg,
    change: { download, attrs: attrs.length > 0 || !!a.mode || !!a.owner || !!a.group },
    data: { dest: s.dest, url: a.url },
  };
}
