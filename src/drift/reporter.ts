import type { HostResult, Reporter, RunEvent } from '../executor/events';

/** What drift found on one host. */
export interface HostDrift {
  /** in-sync: nothing would change; drifted: some task would change; failed/unreachable: the check could not finish. */
  state: 'in-sync' | 'drifted' | 'failed' | 'unreachable';
  /** The tasks that would change, with what they would do. */
  pending: { task: string; msg?: string }[];
  /** Why the check could not finish on this host. */
  error?: string;
}

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
      this.write(this.json ? `${JSON.stringify({ type: 'drift', hosts: Object.fromEntries(this.hosts) })}\n` : this.summary());
    }
  }

  private of(host: string): HostDrift {
    let d = this.hosts.get(host);
    if (!d) this.hosts.set(host, (d = { state: 'in-sync', pending: [] }));
    return d;
  }

  private record(task: string, r: HostResult): void {
    const d = this.of(r.host);
    if (r.status === 'unreachable') Object.assign(d, { state: 'unreachable', error: r.msg });
    else if (r.status === 'failed' && !r.ignored) Object.assign(d, { state: 'failed', error: `${task}: ${r.msg ?? 'failed'}` });
    else if (r.status === 'changed') {
      d.pending.push({ task, msg: r.msg });
      if (d.state === 'in-sync') d.state = 'drifted';
    }
  }

  /** One line per host, then the pending changes of drifted hosts. */
  summary(): string {
    const width = Math.max(0, ...[...this.hosts.keys()].map((h) => h.length));
    const out = ['', 'DRIFT'];
    for (const [host, d] of this.hosts) {
      const n = d.pending.length;
      const head = d.state === 'in-sync' ? 'in sync' : d.state === 'drifted' ? `drifted: ${n} change${n === 1 ? '' : 's'} pending` : `${d.state}: ${d.error ?? ''}`;
      out.push(`${host.padEnd(width)} : ${head}`);
      for (const p of d.pending) out.push(`${' '.repeat(width)}   - ${p.task}${p.msg ? ` (${p.msg})` : ''}`);
    }
    return `${out.join('\n')}\n`;
  }

  async close(): Promise<void> {
    await this.inner?.close();
  }
}
