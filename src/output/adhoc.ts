import type { Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';

/** Ad-hoc output as `ansible` prints it: `node1 | CHANGED | rc=0 >>` and the output, or `node1 | SUCCESS => {...}`. */
export class AdhocReporter implements Reporter {
  constructor(
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
    private readonly verbosity = 0,
  ) {}

  event(e: RunEvent): void {
    if (e.type === 'warning') return this.write(`[WARNING]: ${e.message}\n`);
    if (e.type === 'log' && e.level <= this.verbosity) return this.write(`${e.host ? `<${e.host}> ` : ''}${e.text}\n`);
    if (e.type !== 'host_result') return;
    const r = e.result;
    const word = r.status === 'failed' ? 'FAILED' : r.status === 'unreachable' ? 'UNREACHABLE!' : r.status === 'changed' ? 'CHANGED' : r.status === 'skipped' ? 'SKIPPED' : 'SUCCESS';
    const diff = renderDiffs(r.diff);
    const res = r.result;
    const text = typeof res.stdout === 'string' && typeof res.rc === 'number' && r.status !== 'unreachable'
      ? `${r.host} | ${word} | rc=${res.rc} >>\n${[res.stdout, res.stderr].filter((s) => typeof s === 'string' && s).join('\n')}`
      : `${r.host} | ${word} => ${JSON.stringify(r.debug === undefined ? res : typeof r.debug === 'string' ? { msg: r.debug } : r.debug, null, 4)}`;
    this.write(`${text}${diff ? `\n${diff}` : ''}\n`);
    if (this.verbosity > 2) this.write(`${JSON.stringify(res, null, 2)}\n`);
  }

  async close(): Promise<void> {}
}
