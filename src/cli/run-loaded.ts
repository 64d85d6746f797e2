import { resolve } from 'node:path';
import type { RunOptions } from '../executor/options';
import type { Play } from '../playbook/types';
import { EXIT } from './exit-codes';

/** Runs loaded playbooks in order: the exit code Ansible would give, and whether anything changed (or is unknown). */
export async function runLoaded(
  loaded: { file: string; plays: Play[] }[], opts: RunOptions, stopOnFailure: boolean,
): Promise<{ code: number; changed: boolean }> {
  const { runPlays } = await import('../executor/playbook');
  let code: number = EXIT.OK;
  let changed = false;
  for (const { file, plays } of loaded) {
    const summary = await runPlays(plays, resolve(file, '..'), opts);
    changed ||= Object.values(summary.stats).some((s) => s.changed > 0 || s.unknown > 0);
    if (summary.interrupted) return { code: EXIT.INTERRUPTED, changed };
    if (summary.failed) code = EXIT.FAILED_HOSTS;
    else if (summary.unreachable && code === EXIT.OK) code = EXIT.UNREACHABLE;
    if (stopOnFailure && code !== EXIT.OK) break;
  }
  return { code, changed };
}
