import type { Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from '../output/diff';
import type { PlannedTask } from './types';

/** The text that replaces a secret in a saved plan. */
export const MASK = '********';

/** Replaces every occurrence of the secrets in a text. */
export function maskText(text: string | undefined, secrets: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  let out = text;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

/**
 * Follows a run's events and the state its tasks read (RunOptions.observe): each host's results in order, each
 * with the host state its read step found. Passes every event on to `inner`.
 */
export class PlanRecorder implements Reporter {
  readonly hosts = new Map<string, PlannedTask[]>();
  private readonly pending = new Map<string, Record<string, string>>();

  constructor(private readonly inner: Reporter, private readonly secrets: readonly string[] = []) {}

  /** RunOptions.observe: state read for the host's current task. */
  observe(host: string, key: string, value: string): void {
    const p = this.pending.get(host) ?? {};
    // the first read of a path in a task is what its plan was based on
    if (!(key in p)) p[key] = value;
    this.pending.set(host, p);
  }

  /** How many results a host has had so far: the index of its running task. */
  index(host: string): number {
    return this.hosts.get(host)?.length ?? 0;
  }

  event(e: RunEvent): void {
    this.inner.event(e);
    if (e.type !== 'host_result') return;
    const r = e.result;
    const list = this.hosts.get(r.host) ?? [];
    const diff = renderDiffs(r.diff);
    list.push({
      task: e.task, status: r.status, msg: maskText(r.msg, this.secrets),
      ...(diff ? { diff: maskText(diff, this.secrets) } : {}),
      basis: this.pending.get(r.host) ?? {},
    });
    this.hosts.set(r.host, list);
    this.pending.delete(r.host);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
