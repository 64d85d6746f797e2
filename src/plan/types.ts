/** One task's prediction for one host, as a saved plan keeps it. */
export interface PlannedTask {
  /** The task's name as the run showed it. */
  task: string;
  status: string;
  msg?: string;
  /** The rendered diff (secrets masked). */
  diff?: string;
  /**
   * The host state the prediction was based on, read from the host (not from earlier predictions):
   * `file:/path`, `pkg:name`, `unit:name` -> a one-line summary (type, mode, owner, checksum; status and version; active and enabled).
   */
  basis: Record<string, string>;
}

/** What the plan was made from: files by sha256, and the inputs that are not files. */
export interface Fingerprint {
  /** sha256 of everything below, in one value. */
  digest: string;
  files: Record<string, string>;
  /** sha256 of the extra variables: their values are never stored. */
  extraVars: string;
  limit?: string;
  tags: string[];
  skipTags: string[];
}

/** `--check --plan FILE`: what would change per host and task, and on what it was based. */
export interface SavedPlan {
  format: 'tsrun-plan';
  version: 1;
  created: string;
  playbooks: string[];
  inventory: string[];
  fingerprint: Fingerprint;
  hosts: Record<string, PlannedTask[]>;
}
