import type { SshParamOptions } from '../connection/params';
import type { Secrets } from '../core/secrets';
import type { Reporter } from './events';

/** What the command line asks of a run. */
export interface RunOptions {
  inventory: string[];
  check: boolean;
  diff: boolean;
  limit?: string;
  forks: number;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  verbosity: number;
  reporter: Reporter;
  /** Connection settings passed to the SSH layer. */
  connection: SshParamOptions;
  /** Aborted by the first SIGINT/SIGTERM: nothing new starts, running commands are stopped. */
  abort?: AbortSignal;
  /** Where secret values are registered for masking (default: the process's). */
  secrets?: Secrets;
}
