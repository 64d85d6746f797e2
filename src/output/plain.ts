import type { Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';
import { itemLines, recapLine, resultLine, seconds } from './format';

/** Plain lines for logs and pipes: one per host result, no spinners or escape codes. */
export class PlainReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    private readonly verbosity = 0,
  ) {}

  event(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        return this.line(`\nPLAY [${e.name}] ${'*'.repeat(20)}`);
      case 'task_start':
        return this.line(`\n${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]${this.verbosity > 0 && e.location ? ` (${e.location})` : ''}`);
      case 'host_result': {
        const r = e.result;
        if (r.status === 'skipped' && this.verbosity === 0 && !r.msg) return this.line(`skipping: [${r.host}]`);
        this.line(resultLine(r));
        for (const l of itemLines(r)) this.line(l);
        const diff = renderDiffs(r.diff);
        if (diff) this.line(diff);
        if (this.verbosity > 1) this.line(JSON.stringify(r.result, null, 2));
        return;
      }
      case 'warning':
        return this.line(`[WARNING]: ${e.message}`);
      case 'recap': {
        this.line(`\nPLAY RECAP ${'*'.repeat(20)}`);
        const width = Math.max(0, ...Object.keys(e.stats).map((h) => h.length));
        for (const [host, s] of Object.entries(e.stats)) this.line(recapLine(host, s, width));
        return this.line(`\nfinished in ${seconds(e.durationMs)}`);
      }
      case 'task_end':
        return;
    }
  }

  private line(text: string): void {
    this.write(`${text}\n`);
  }

  async close(): Promise<void> {}
}
