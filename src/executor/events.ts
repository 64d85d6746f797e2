import type { Diff } from '../modules/types';
import type { HostStats, Stamp, WireEvent } from '../events/schema';

export type { HostStats, HostStatus } from '../events/schema';

/** What the stamp adds: the emitter leaves it out, the Stamper (src/events/stamp.ts) fills it in. */
type Stamped<E> = E extends unknown ? Omit<E, keyof Stamp> & Partial<Stamp> : never;
type WireHostResult = Extract<WireEvent, { type: 'host_result' }>;

/** One host's result for one task, as output shows it: the event's fields, with the diff not yet rendered. */
export type HostResult = Omit<WireHostResult, keyof Stamp | 'type' | 'task' | 'diff'> & { diff?: Diff[] };

/**
 * Everything the executor tells the outside world, in order: the `--json` events of src/events/schema.ts, before
 * they are stamped, with a host's result nested as the executor makes it.
 */
export type RunEvent = Stamped<Exclude<WireEvent, WireHostResult>> | Stamped<{ type: 'host_result'; task: string; result: HostResult } & Stamp>;

/** Receives events; the terminal, plain and JSON outputs implement it. */
export interface Reporter {
  event(e: RunEvent): void;
  /** Called once at the end; resolves when output is flushed. */
  close(): Promise<void>;
  /** Ctrl-C: show what the run did so far (the recap of the counts seen). */
  interrupted?(): void;
}

/** A fresh set of counts. */
export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, unknown: 0, rescued: 0, ignored: 0 };
}

/**
 * Adds one result to a host's counts, as Ansible's recap counts it: an ignored failure is ok too, and changed when
 * its result says so (recap-counts.yml). The executor and the output's interrupted recap both count with this.
 */
export function tally(s: HostStats, r: HostResult): void {
  switch (r.status) {
    case 'unreachable': s.unreachable++; break;
    case 'skipped': s.skipped++; break;
    case 'unknown': s.unknown++; break;
    case 'failed':
      if (!r.ignored) {
        s.failed++;
        break;
      }
      s.ok++;
      s.ignored++;
      if (r.result.changed === true) s.changed++;
      break;
    default:
      s.ok++;
      if (r.status === 'changed') s.changed++;
  }
}
