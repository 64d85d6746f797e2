import type { Reporter } from '../executor/events';
import { JsonReporter } from '../output/json';
import { PlainReporter } from '../output/plain';

/** What decides the renderer. */
export interface ReporterChoice {
  json?: boolean;
  verbosity: number;
  /** Plain lines even on a terminal (--step prompts between tasks). */
  plain?: boolean;
}

/**
 * `--json` events; the live terminal view only on a terminal with a width whose TERM can draw it; plain lines
 * (no escape codes) everywhere else: pipes, CI logs, `TERM=dumb`.
 */
export async function chooseReporter(c: ReporterChoice, out: NodeJS.WriteStream = process.stdout, env = process.env): Promise<Reporter> {
  if (c.json) return new JsonReporter();
  const live = out.isTTY && out.columns > 0 && env.TERM !== 'dumb' && !c.plain;
  // listr2 is loaded only for a terminal
  if (live) return new (await import('../output/tty')).TtyReporter(c.verbosity);
  return new PlainReporter(undefined, c.verbosity);
}
