import type { Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';

/** `--json`: one JSON object per event on stdout and nothing else there. */
export class JsonReporter implements Reporter {
  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  event(e: RunEvent): void {
    if (e.type === 'host_result') {
      const { diff, ...rest } = e.result;
      this.write(`${JSON.stringify({ type: e.type, task: e.task, ...rest, diff: diff ? renderDiffs(diff) : undefined })}\n`);
      return;
    }
    this.write(`${JSON.stringify(e)}\n`);
  }

  async close(): Promise<void> {}
}
