import { describe, expect, it } from 'vitest';
import { backoffMs, connectWithRetry, CONNECT_ATTEMPTS, CONNECT_CONCURRENCY, transientConnectError } from '../../../src/connection/connect-retry';

describe('connecting under a connection storm', () => {
  it.each([
    ['node1: cannot connect to root@10.0.0.1:22: read ECONNRESET (credentials: key k)', true],
    ['node1: cannot connect to root@10.0.0.1:22: Connection lost before handshake (credentials: key k)', true],
    ['kex_exchange_identification: read: Connection reset by peer', true],
    ['node1: cannot connect to root@10.0.0.1:22: authentication failed (tried: key k)', false],
    ['node1: cannot connect to root@10.0.0.1:22: connect ECONNREFUSED 10.0.0.1:22', false],
    ['node1: cannot connect to root@10.0.0.1:22: timed out after 10000 ms', false],
    ['WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for 10.0.0.1:22!', false],
  ])('%s: tried again is %s', (message, want) => expect(transientConnectError(message)).toBe(want));

  it('waits longer before each attempt, with jitter', () => {
    expect(backoffMs(2, () => 0.5)).toBe(100);
    expect(backoffMs(3, () => 0.5)).toBe(200);
    expect(backoffMs(4, () => 0)).toBe(200);
  });

  it('tries a reset connection again up to the limit, and a refusal never', async () => {
    let calls = 0;
    const resetTwice = () => (++calls <= 2 ? Promise.reject(new Error('ECONNRESET')) : Promise.resolve('open'));
    await expect(connectWithRetry(resetTwice, (e) => transientConnectError((e as Error).message))).resolves.toBe('open');
    expect(calls).toBe(3);
    calls = 0;
    const alwaysReset = () => (++calls, Promise.reject(new Error('ECONNRESET')));
    await expect(connectWithRetry(alwaysReset, () => true)).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(CONNECT_ATTEMPTS);
    calls = 0;
    await expect(connectWithRetry(() => (++calls, Promise.reject(new Error('ECONNREFUSED'))), () => false)).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('keeps at most CONNECT_CONCURRENCY handshakes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const open = async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return true;
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY * 3 }, () => connectWithRetry(open, () => false)));
    expect(peak).toBe(CONNECT_CONCURRENCY);
  });
});
