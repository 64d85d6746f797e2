import type { SshParamOptions } from '../connection/params';
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
}
