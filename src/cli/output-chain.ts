import { writeFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import { runSecrets } from '../core/secrets';
import type { Reporter, RunEvent } from '../executor/events';
import { StampingReporter, type Stamper } from '../events/stamp';
import { MaskingReporter } from '../output/masked';
import { wireEvent } from '../output/json';
import { EXIT, exitCodeFor } from './exit-codes';
import { chooseReporter } from './reporter';

/** What shapes a run's output. */
export interface OutputChoice {
  json?: boolean;
  verbosity: number;
  /** Plain lines even on a terminal (--step). */
  plain?: boolean;
  /** --json-file FILE. */
  jsonFile?: string;
  /** --timeline FILE. */
  timeline?: string;
  /** A renderer of the command's own (ad-hoc's `node1 | CHANGED`), instead of the terminal or plain one. */
  renderer?: Reporter;
}

/**
 * The run's reporter. Events pass the mask first, so no output sees a secret (the timeline page and the
 * --json-file included); the timeline's own event is stamped like the rest; every output shares one stamp per event.
 */
export async function outputChain(c: OutputChoice, stamper: Stamper): Promise<Reporter> {
  let r: Reporter = c.renderer ?? (await chooseReporter({ json: c.json, verbosity: c.verbosity, plain: c.plain }));
  if (c.jsonFile) r = new (await import('../output/tee')).TeeReporter(r, c.jsonFile);
  r = new StampingReporter(r, stamper);
  if (c.timeline) r = new (await import('../timeline/recorder')).TimelineRecorder(r, c.timeline);
  return new MaskingReporter(r, runSecrets);
}

/** The `error` event of an error that stopped a command. */
export function errorEvent(err: unknown): RunEvent {
  if (!(err instanceof TsrunError)) return { type: 'error', code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), exitCode: EXIT.ERROR };
  return {
    type: 'error', code: err.code, message: err.message, exitCode: exitCodeFor(err.code),
    ...(err.location ? { location: { file: err.location.file, line: err.location.line, col: err.location.col } } : {}),
    ...(err.task ? { task: err.task } : {}),
    ...(err.expected ? { expected: err.expected } : {}),
  };
}

/** An error before the run's output exists (a playbook that does not load): its event on stdout and in the --json-file. */
export function writeErrorEvent(err: unknown, o: { json?: boolean; jsonFile?: string }, stamper: Stamper): void {
  if (!o.json && !o.jsonFile) return;
  const line = `${JSON.stringify(wireEvent(runSecrets.maskDeep(errorEvent(err)), stamper))}\n`;
  if (o.json) process.stdout.write(line);
  if (o.jsonFile) writeFileSync(o.jsonFile, line);
}
