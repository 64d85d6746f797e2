import type { Reporter } from '../executor/events';

/**
 * The terminal side of a run's end. `tsrun ... | head`: once the reader is gone (EPIPE), output stops quietly
 * and the run goes on to its end rather than leaving hosts half-changed.
 */
export function quietOnBrokenPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    stream.write = (() => true) as typeof stream.write;
  });
}

let current: Reporter | undefined;

/** The output that Ctrl-C reports through, while a run is on. */
export function setInterruptible(reporter: Reporter | undefined): void {
  current = reporter;
}

/** Ctrl-C is tsrun's, not listr2's: the recap so far, then exit 130 (128 + SIGINT), as a shell expects. */
export function handleInterrupts(): void {
  process.once('SIGINT', () => {
    current?.interrupted?.();
    process.stderr.write('\n[ERROR]: User interrupted execution\n');
    // a second Ctrl-C ends at once
    process.once('SIGINT', () => process.exit(130));
    setImmediate(() => process.exit(130));
  });
}
