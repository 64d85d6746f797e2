import type { Diff } from '../modules/types';
import type { Shard } from '../shard/split';

/** A host's outcome for one task; `ignored` and `rescued` are counted separately in the recap. */
/** `unknown`: in --check, the outcome depends on what the prediction cannot know (a command's result); msg says why. */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'unknown';

/** One host's result for one task, as output shows it. */
export interface HostResult {
  host: string;
  status: HostStatus;
  /** A failure that `ignore_errors` turned into ok. */
  ignored?: boolean;
  msg?: string;
  diff?: Diff[];
  /** Per-item lines for loops: label and status. */
  items?: { label: string; status: HostStatus; msg?: string; debug?: unknown }[];
  /** What `register` stores (censored under no_log). */
  result: Record<string, unknown>;
  durationMs: number;
  /** Output of debug, shown whatever the verbosity. */
  debug?: unknown;
}

/** Per-host counts shown at the end of a run. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  /** --check: tasks whose outcome could not be predicted. */
  unknown: number;
  rescued: number;
  ignored: number;
}

/** Everything the executor tells the outside world, in order. */
export type RunEvent =
  | { type: 'play_start'; name: string; hosts: string[] }
  | { type: 'task_start'; name: string; hosts: string[]; handler?: boolean; location?: string }
  | { type: 'host_result'; task: string; result: HostResult }
  | { type: 'task_end'; name: string }
  | { type: 'warning'; message: string }
  | { type: 'recap'; stats: Record<string, HostStats>; durationMs: number; shard?: Shard };

/** Receives events; the terminal, plain and JSON outputs implement it. */
export interface Reporter {
  event(e: RunEvent): void;
  /** Called once at the end; resolves when output is flushed. */
  close(): Promise<void>;
}

/** A fresh set of counts. */
export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, unknown: 0, rescued: 0, ignored: 0 };
}
