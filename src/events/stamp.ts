import { randomUUID } from 'node:crypto';
import type { Reporter, RunEvent } from '../executor/events';
import { EVENT_SCHEMA_VERSION } from './version';

/**
 * Gives every event of one command its envelope (schema version, run id, event id, time) and the ids of the play
 * and task it belongs to. The executor runs one task at a time on all its hosts (the linear strategy), so the task
 * of a result is the last one started. An event stamped already passes unchanged.
 */
export class Stamper {
  private seq = 0;
  private plays = 0;
  private tasks = 0;
  private playId?: string;
  private taskId?: string;

  constructor(readonly runId: string = randomUUID()) {}

  stamp(e: RunEvent): RunEvent {
    if (e.runId !== undefined) return e;
    if (e.type === 'play_start') this.playId = `p${++this.plays}`;
    if (e.type === 'task_start') this.taskId = `t${++this.tasks}`;
    const ids = { ...(this.playId ? { playId: this.playId } : {}), ...(this.taskId ? { taskId: this.taskId } : {}) };
    const scoped = e.type === 'play_start' || e.type === 'play_end' ? { playId: this.playId }
      : e.type === 'task_start' || e.type === 'host_result' || e.type === 'task_end' || e.type === 'log' || e.type === 'warning' ? ids : {};
    // `type` first, then the envelope, then the event's own fields: the order a reader scans a line in
    const { type, ...fields } = e;
    const out = { type, schemaVersion: EVENT_SCHEMA_VERSION, runId: this.runId, eventId: ++this.seq, time: new Date().toISOString(), ...scoped, ...fields } as RunEvent;
    if (e.type === 'task_end') this.taskId = undefined;
    if (e.type === 'play_end') this.playId = this.taskId = undefined;
    return out;
  }
}

/** Stamps every event before passing it on, so that every output of the run (stdout, --json-file) shares the stamps. */
export class StampingReporter implements Reporter {
  constructor(private readonly inner: Reporter, readonly stamper: Stamper = new Stamper()) {}

  event(e: RunEvent): void {
    this.inner.event(this.stamper.stamp(e));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  interrupted(): void {
    this.inner.interrupted?.();
  }
}
