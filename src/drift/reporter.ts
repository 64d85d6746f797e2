import type { HostResult, Reporter, RunEvent } from '../executor/events';
import type { WireEvent } from '../events/schema';

/** What drift found on one host: declared with the events (src/events/schema.ts). */
export type HostDrift = Extract<WireEvent, { type: 'drift' }>['hosts'][string];

/** Collects the per-host drift of a check run and prints a summary at the end; passes every event to `inner` too. */
export class DriftReporter implements Reporter {
  readonly hosts = new Map<string, HostDrift>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly json: boolean,
    private readonly inner?: Reporter,
  ) {}

  event(e: RunEvent): void {
    this.inner?.event(e);
    if (e.type === 'host_result') this.record(e.task, e.result);
    if (e.type === 'recap') {
      for (const h of Object.keys(e.stats)) this.of(h);
      // --json: an event like the run's own, stamped by the JSON output
      if (this.json && this.inner) this.inner.event({ type: 'drift', hosts: Object.fromEntries(this.hosts) });
      else this.write(this.summary());
    }
  }

  private of(host: string): HostDrift {
    let d = this.hosts.get(host);
    if (!d) this.hosts.set(host, (d = { state: 'in-sync', pending: [], unknown: [] }));
    return d;
  }

  private record(task: string, r: HostResult): void {
    const d = this.of(r.host);
    if (r.status === 'unreachable') Object.assign(d, { state: 'unreachable', error: r.msg });
    else if (r.status === 'failed' && !r.ignored) Object.assign(d, { state: 'failed', error: `${task}: ${r.msg ?? 'failed'}` });
    else if (r.status === 'changed') {
      d.pending.push({ task, msg: r.msg });
      if (d.state === 'in-sync' || d.state === 'unknown') d.state = 'drifted';
    } else if (r.status === 'unknown') {
      d.unknown.push({ task, msg: r.msg });
      if (d.state === 'in-sync') d.state = 'unknown';
    }
  }

  /** One line per host, then the pending changes of drifted hosts. */
  summary(): string {
    const width = Math.max(0, ...[...this.hosts.keys()].map((h) => h.length));
    const out = ['', 'DRIFT'];
    for (const [host, d] of this.hosts) {
      const n = d.pending.length;
      const u = d.unknown.length ? `${d.state === 'unknown' ? '' : ', '}${d.unknown.length} unknown` : '';
      const head = d.state === 'in-sync' ? 'in sync'
        : d.state === 'drifted' ? `drifted: ${n} change${n === 1 ? '' : 's'} pending${u}`
          : d.state === 'unknown' ? `unknown: nothing predicted to change, ${u}` : `${d.state}: ${d.error ?? ''}`;
      out.push(`${host.padEnd(width)} : ${head}`);
      for (const p of d.pending) out.push(`${' '.repeat(width)}   - ${p.task}${p.msg ? ` (${p.msg})` : ''}`);
      for (const p of d.unknown) out.push(`${' '.repeat(width)}   ? ${p.task}${p.msg ? ` (${p.msg})` : ''}`);
    }
    return `${out.join('\n')}\n`;
  }

  /** Ctrl-C with no run on: the summary of what the check saw so far. */
  interrupted(): void {
    this.inner?.interrupted?.();
    this.write(this.json ? `${JSON.stringify({ type: 'drift', hosts: Object.fromEntries(this.hosts) })}\n` : this.summary());
  }

  async close(): Promise<void> {
    await this.inner?.close();
  }
}
