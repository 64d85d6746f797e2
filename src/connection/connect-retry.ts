import pLimit from 'p-limit';

/**
 * SSH handshakes in flight at once, whatever the forks: key exchange is CPU work on the controller, and a
 * thousand at once on two cores would time out; sshd also drops unauthenticated connections beyond its
 * MaxStartups (10:30:100 by default) when many controllers or a jump host funnel into one server.
 */
export const CONNECT_CONCURRENCY = 32;
/** Attempts for a connection refused in a way that a moment later may succeed. */
export const CONNECT_ATTEMPTS = 4;

const handshakes = pLimit(CONNECT_CONCURRENCY);

/**
 * When a failed connection is tried again, and when never:
 * - again: the server reset or closed the connection before or during the banner exchange or key exchange
 *   (sshd's MaxStartups refusal, or a server too busy to answer): ECONNRESET, "Connection lost before handshake",
 *   "kex_exchange_identification", "banner exchange", EPIPE.
 * - never: authentication failures, host key mismatches, refused ports (ECONNREFUSED: nothing listens),
 *   unknown hosts, timeouts (a retry would multiply the wait for a host that is down).
 */
export function transientConnectError(message: string): boolean {
  return /ECONNRESET|EPIPE|Connection lost before handshake|kex_exchange_identification|banner exchange|socket hang up/i.test(message);
}

/** The pause before attempt `n` (2, 3, ...): growing, with jitter so refused clients do not return in step. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(100 * 2 ** (attempt - 2) * (0.5 + random()));
}

/** Opens a connection within the shared handshake limit, trying again after transient refusals. */
export async function connectWithRetry<T>(open: () => Promise<T>, isTransient: (err: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handshakes(open);
    } catch (err) {
      if (attempt >= CONNECT_ATTEMPTS || !isTransient(err)) throw err;
      await new Promise((r) => setTimeout(r, backoffMs(attempt + 1)));
    }
  }
}
