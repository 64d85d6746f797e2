import type { ConnectionPool } from '../connection/factory';
import type { HostRun } from './host';
import type { RunOptions } from './options';
import type { PlayVars } from './vars';

/** What the executor's parts share during one play; passed explicitly, never global. */
export interface PlayContext {
  opts: RunOptions;
  pv: PlayVars;
  hosts: Map<string, HostRun>;
  conns: ConnectionPool;
  /** Set by any_errors_fatal or max_fail_percentage: no further batch of the play starts. */
  aborted?: boolean;
}
