import type { SshParamOptions } from '../connection/params';
import type { Secrets } from '../core/secrets';
import type { Reporter } from './events';
import type { Shard } from '../shard/split';

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
  /** `--shard I/N`: run only this part of every play's hosts. */
  shard?: Shard;
  /** Connection settings passed to the SSH layer. */
  connection: SshParamOptions;
  /** Told the host state each task's read step finds (saved plans record it; `apply` compares it and may throw). */
  observe?: (host: string, key: string, value: string) => void;
  /** Host variables below every inventory source (-u, -c, --private-key, -T and the configuration file). */
  hostDefaults?: Record<string, unknown>;
  /** `-b` and `--become-user`: the play's default, which play, block and task keywords override. */
  become?: boolean;
  becomeUser?: string;
  /** Decides, once per task, whether it runs (--start-at-task, --step); the display name is `role : task`. */
  gate?: (task: { name: string }) => Promise<boolean> | boolean;
  /** Aborted by the first SIGINT/SIGTERM: nothing new starts, running commands are stopped. */
  abort?: AbortSignal;
  /** Where secret values are registered for masking (default: the process's). */
  secrets?: Secrets;
}
