import type { Reporter, RunEvent } from '../executor/events';
import type { WireEvent } from '../events/schema';
import { Stamper } from '../events/stamp';
import { renderDiffs } from './diff';

/** An event as a `--json` line writes it (docs/events.md): stamped, a host's result flattened, its diff rendered. */
export function wireEvent(e: RunEvent, stamper: Stamper): WireEvent {
  const s = stamper.stamp(e);
  if (s.type !== 'host_result') return s as WireEvent;
  const { result, ...event } = s;
  const { diff, ...fields } = result;
  return { ...event, ...fields, ...(diff ? { diff: renderDiffs(diff) } : {}) } as WireEvent;
}

/** `--json`: one JSON object per event on stdout and nothing else there. */
export class JsonReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    private readonly stamper: Stamper = new Stamper(),
  ) {}

  event(e: RunEvent): void {
    this.write(`${JSON.stringify(wireEvent(e, this.stamper))}\n`);
  }

  async close(): Promise<void> {}
}
