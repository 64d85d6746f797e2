import type { ErrorCode } from '../core/errors';

/** Exit codes, as Ansible's: documented in the README. */
export const EXIT = {
  OK: 0,
  /** An unexpected internal error. */
  ERROR: 1,
  /** One or more hosts failed a task. */
  FAILED_HOSTS: 2,
  /** One or more hosts were unreachable (and none failed). */
  UNREACHABLE: 3,
  /** Bad input: malformed YAML, unknown module or keyword, undefined variable, missing file or role. */
  BAD_INPUT: 4,
  /** Bad command line. */
  USAGE: 5,
  /** With --detailed-exitcode (and `tsrun drift`): every host succeeded and at least one task changed, would change, or is unknown. */
  PENDING: 6,
  /** `tsrun apply`: one or more hosts were refused because their state no longer matches the plan (the others were applied). */
  PLAN_DRIFT: 7,
  /** `tsrun apply`: the playbooks, roles, inventory or variables changed since the plan was made; nothing was applied. */
  PLAN_STALE: 8,
  /** Stopped by SIGINT or SIGTERM (128 + 2, as a shell reports it). */
  INTERRUPTED: 130,
} as const;

/** The exit code for an error that stopped the run. */
export function exitCodeFor(code: ErrorCode): number {
  if (code === 'USAGE') return EXIT.USAGE;
  if (code === 'INTERNAL') return EXIT.ERROR;
  if (code === 'UNREACHABLE') return EXIT.UNREACHABLE;
  if (code === 'TASK') return EXIT.FAILED_HOSTS;
  return EXIT.BAD_INPUT;
}

/**
 * The exit code of a run whose hosts all succeeded: PENDING when `detailed` and something changed (or, in check mode,
 * would change). Failures and unreachable hosts keep their own codes: a failed check proves nothing about drift.
 */
export function pendingExit(code: number, changed: boolean, detailed: boolean): number {
  return detailed && changed && code === EXIT.OK ? EXIT.PENDING : code;
}
