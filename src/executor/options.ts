import type { SshParamOptions } from '../connection/params';
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
  /** Host variables below every inventory source (-u, -c, --private-key, -T and the configuration file). */
  hostDefaults?: Record<string, unknown>;
  /** `-b` and `--become-user`: the play's default, which play, block and task keywords override. */
  become?: boolean;
  becomeUser?: string;
  /** Decides, once per task, whether it runs (--start-at-task, --step); the display name is `role : task`. */
  gate?: (task: { name: string }) => Promise<boolean> | boolean;
}
