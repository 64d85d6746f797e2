import { writeFileSync, renameSync } from 'node:fs';
import type { Reporter, RunEvent } from '../executor/events';
import { renderTimeline } from './html';

/** One host's run of one task: a bar on the timeline. */
export interface Bar {
  host: string;
  task: string;
  status: string;
  /** Milliseconds from the start of the run to the start of the task. */
  startMs: number;
  durationMs: number;
  msg?: string;
}

/** Everything the page shows, also printed as one `{"type": "timeline"}` JSON event. */
export interface Timeline {
  hosts: string[];
  bars: Bar[];
  totalMs: number;
  /** The tasks that took longest on their slowest host. */
  slowestTasks: { task: string; host: string; durationMs: number }[];
  /** The hosts with the most time spent in tasks. */
  slowestHosts: { host: string; durationMs: number }[];
}

/** Builds the page's data from bars. */
export function summarize(bars: Bar[], totalMs: number): Timeline {
  // rows in host-name order (node2 before node10): results arrive in finishing order, which differs run to run
  const hosts = [...new Set(bars.map((b) => b.host))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const slowestTasks = [...bars].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10).map(({ task, host, durationMs }) => ({ task, host, durationMs }));
  const slowestHosts = hosts.map((host) => ({ host, durationMs: bars.filter((b) => b.host === host).reduce((n, b) => n + b.durationMs, 0) }))
    .sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  return { hosts, bars, totalMs, slowestTasks, slowestHosts };
}

/** `--timeline FILE`: follows the run's events and writes the HTML page at the end; after the recap, a timeline event (shown by --json). */
export class TimelineRecorder implements Reporter {
  private readonly started = performance.now();
  private taskStart = 0;
  private readonly bars: Bar[] = [];

  constructor(private readonly inner: Reporter, private readonly file: string) {}

  event(e: RunEvent): void {
    if (e.type === 'task_start') this.taskStart = performance.now() - this.started;
    if (e.type === 'host_result') {
      const r = e.result;
      this.bars.push({ host: r.host, task: e.task, status: r.ignored ? 'ignored' : r.status, startMs: Math.round(this.taskStart), durationMs: Math.round(r.durationMs), msg: r.status === 'failed' || r.status === 'unknown' ? r.msg : undefined });
    }
    this.inner.event(e);
    if (e.type === 'recap') {
      const t = summarize(this.bars, Math.round(e.durationMs));
      const tmp = `${this.file}.tmp-${process.pid}`;
      writeFileSync(tmp, renderTimeline(t));
      renameSync(tmp, this.file);
      this.inner.event({ type: 'timeline', ...t });
    }
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
