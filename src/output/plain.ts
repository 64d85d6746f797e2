import type { Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';
import { itemLines, resultLine } from './format';
import { colourFor, painter, renderRecap, resultStyle, RunTally, type Paint } from './recap';

/** Plain lines for logs and pipes: one per host result, no spinners or escape codes. */
export class PlainReporter implements Reporter {
  private readonly tally = new RunTally();
  private readonly paint: Paint;

  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    private readonly verbosity = 0,
    colour = colourFor(process.stdout),
  ) {
    this.paint = painter(colour);
  }

  /** Ctrl-C: the counts so far. */
  interrupted(): void {
    this.line(renderRecap(Object.fromEntries(this.tally.stats), this.tally.elapsed(), this.tally, this.paint, this.verbosity));
  }

  event(e: RunEvent): void {
    this.tally.see(e);
    switch (e.type) {
      case 'play_start':
        return this.line(`\nPLAY [${e.name}] ${'*'.repeat(20)}`);
      case 'task_start':
        return this.line(`\n${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`);
      case 'log':
        // -vv and more: the detail of that level, as Ansible prints it (`<node1> EXEC ...`)
        if (e.level <= this.verbosity) this.line(e.host ? `<${e.host}> ${e.text}` : e.text);
        return;
      case 'host_result': {
        const r = e.result;
        if (r.status === 'skipped' && this.verbosity === 0 && !r.msg) return this.line(`skipping: [${r.host}]`);
        this.line(this.paint(resultStyle(r), resultLine(r)));
        for (const l of itemLines(r)) this.line(l);
        const diff = renderDiffs(r.diff);
        if (diff) this.line(diff);
        if (this.verbosity > 1) this.line(JSON.stringify(r.result, null, 2));
        return;
      }
      case 'warning':
        return this.line(`[WARNING]: ${e.message}`);
      case 'recap':
        return this.line(renderRecap(e.stats, e.durationMs, this.tally, this.paint, this.verbosity));
      case 'task_end':
        return;
    }
  }

  private line(text: string): void {
    this.write(`${text}\n`);
  }

  async close(): Promise<void> {}
}
