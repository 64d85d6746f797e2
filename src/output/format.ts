import type { HostResult } from '../executor/events';

/** One line for a host's result, as Ansible prints it: `changed: [node1] => msg`. */
export function resultLine(r: HostResult): string {
  const word = r.ignored ? 'failed (ignored)' : r.status === 'failed' ? 'fatal' : r.status;
  const msg = r.msg && (r.status === 'failed' || r.status === 'unreachable' || r.status === 'skipped' || r.status === 'unknown') ? ` => ${r.msg}` : '';
  const err = r.status === 'failed' && !r.ignored ? commandOutput(r.result) : '';
  const dbg = r.debug !== undefined ? ` => ${typeof r.debug === 'string' ? r.debug : JSON.stringify(r.debug, null, 2)}` : '';
  return `${word}: [${r.host}]${msg}${dbg}${err}`;
}

/** A failed command's rc and output tails, which say why it failed. */
export function commandOutput(result: Record<string, unknown>): string {
  const tail = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().split('\n').slice(-10).join('\n    ') : '');
  const parts = [
    typeof result.rc === 'number' ? `rc=${result.rc}` : '',
    tail(result.stderr) && `stderr:\n    ${tail(result.stderr)}`,
    tail(result.stdout) && `stdout:\n    ${tail(result.stdout)}`,
  ].filter(Boolean);
  return parts.length ? `\n  ${parts.join('\n  ')}` : '';
}

/** Item lines under a looped task. */
export function itemLines(r: HostResult): string[] {
  return (r.items ?? []).map((i) => {
    const said = i.debug !== undefined ? ` => ${typeof i.debug === 'string' ? i.debug : JSON.stringify(i.debug)}` : i.msg && i.status === 'failed' ? ` ${i.msg}` : '';
    return `  ${i.status}: [${r.host}] => (item=${i.label})${said}`;
  });
}

/** Seconds with two decimals. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
