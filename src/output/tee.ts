import { closeSync, openSync, writeSync } from 'node:fs';
import type { Reporter, RunEvent } from '../executor/events';
import { JsonReporter } from './json';

/** `--json-file FILE`: the `--json` events also go to a file, written as they happen, beside the usual output. */
export class TeeReporter implements Reporter {
  private readonly fd: number;
  private readonly json: JsonReporter;

  constructor(private readonly inner: Reporter, file: string) {
    this.fd = openSync(file, 'w');
    this.json = new JsonReporter((t) => writeSync(this.fd, t));
  }

  event(e: RunEvent): void {
    this.json.event(e);
    this.inner.event(e);
  }

  async close(): Promise<void> {
    closeSync(this.fd);
    await this.inner.close();
  }
}
