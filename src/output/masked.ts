import type { Reporter, RunEvent } from '../executor/events';
import type { Secrets } from '../core/secrets';

/** Wraps any reporter so that no event reaches it with a secret value in it (diffs, results, errors, recap). */
export class MaskingReporter implements Reporter {
  constructor(
    private readonly inner: Reporter,
    private readonly secrets: Secrets,
  ) {}

  event(e: RunEvent): void {
    this.inner.event(this.secrets.maskDeep(e));
  }

  /** Ctrl-C between runs: the inner reporter's recap so far (built from events already masked). */
  interrupted(): void {
    this.inner.interrupted?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
