import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';

/** This run's id, in every temporary file it makes: an interrupt removes exactly this run's files. */
export const RUN_ID = randomBytes(4).toString('hex');

/** The infix that marks a tsrun temporary file: `.NAME.tsrun-tmp.RUN.RANDOM` beside NAME. */
export const TEMP_INFIX = '.tsrun-tmp.';

/**
 * Temporary files older than this (minutes since their last write) beside a file tsrun writes are
 * left-overs of a run that died with its host or link, and are removed. TSRUN_STALE_TEMP_MINUTES sets it.
 */
export function staleMinutes(): number {
  const v = Number(process.env.TSRUN_STALE_TEMP_MINUTES);
  return Number.isFinite(v) && v >= 0 ? v : 10;
}

/** A fresh temporary path beside `dest`, in the same directory so that the final rename is atomic. */
export function tempPath(dest: string): string {
  const dir = dirname(dest);
  return `${dir === '.' ? '' : `${dir}/`}.${basename(dest)}${TEMP_INFIX}${RUN_ID}.${randomBytes(4).toString('hex')}`;
}

/** The glob of every tsrun temporary file beside `dest` (any run). */
export function tempGlob(dest: string): string {
  return `.${basename(dest)}${TEMP_INFIX}*`;
}
