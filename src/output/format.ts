import type { HostResult, HostStats } from '../executor/events';

/** One line for a host's result, as Ansible prints it: `changed: [node1] => msg`. */
export function resultLine(r: HostResult): string {
  const word = r.ignored ? 'failed (ignored)' : r.status === 'failed' ? 'fatal' : r.status;
  const msg = r.msg && (r.status === 'failed' || r.status === 'unreachable' || r.status === 'skipped') ? ` => ${r.msg}` : '';
  const dbg = r.debug !== undefined ? ` => ${typeof r.debug === 'string' ? r.debug : JSON.stringify(r.debug, null, 2)}` : '';
  return `${word}: [${r.host}]${msg}${dbg}`;
}

/** Item lines under a looped task. */
export function itemLines(r: HostResult): string[] {
  return (r.items ?? []).map((i) => `  ${i.status}: [${r.host}] => (item=${i.label})${i.msg && i.status === 'failed' ? ` ${i.msg}` : ''}`);
}

/** The recap line of one host. */
export function recapLine(host: string, s: HostStats, width: number): string {
  return `${host.padEnd(width)} : ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failed} skipped=${s.skipped} rescued=${s.rescued} ignored=${s.ignored}`;
}

/** Seconds with two decimals. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
