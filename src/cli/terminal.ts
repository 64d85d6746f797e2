import type { Reporter } from '../executor/events';
import { EXIT } from './exit-codes';

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
let running: AbortController | undefined;
let installed = false;

/** The output that an interrupt reports through, while a run is on. */
export function setInterruptible(reporter: Reporter | undefined): void {
  current = reporter;
}

/** A run's abort signal: the first SIGINT/SIGTERM aborts it, and the run stops, cleans its hosts and reports. */
export function interruptSignal(): AbortSignal {
  running = new AbortController();
  return running.signal;
}

/**
 * Interrupts are tsrun's, not listr2's. The first SIGINT/SIGTERM aborts a run that is on (it starts nothing new,
 * stops the hosts' commands, removes its temporary files, prints the recap and exits 130); with no run on, it
 * prints the recap so far and exits 130 (128 + SIGINT, as a shell expects). A second signal exits at once.
 */
export function handleInterrupts(): void {
  // installed by the commands that run plays, once; `tsrun bench` and `tsrun lab` handle their own signals
  if (installed) return;
  installed = true;
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(EXIT.INTERRUPTED);
    signalled = true;
    process.stderr.write(`\n[ERROR]: User interrupted execution (${signal})\n`);
    if (running) {
      process.stderr.write('stopping the running commands and cleaning up; interrupt again to stop right away\n');
      running.abort();
      return;
    }
    current?.interrupted?.();
    setImmediate(() => process.exit(EXIT.INTERRUPTED));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
