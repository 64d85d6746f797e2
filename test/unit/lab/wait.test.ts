import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForPort } from '../../../src/lab/services';

// A host that never answers fails the lab; the other hosts' waits must end with it, their sockets closed, or the
// process lingers for minutes against hosts already taken down.
describe('lab: waiting for a port', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A TCP server on loopback that accepts and never says anything (an sshd that never sends its banner). */
  async function silent(): Promise<{ port: number; open: Set<Socket> }> {
    const open = new Set<Socket>();
    server = createServer((s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { port: (server.address() as { port: number }).port, open };
  }

  it('stops at once when aborted, closing the probe it has open', async () => {
    const { port, open } = await silent();
    const stop = new AbortController();
    const waiting = waitForPort('127.0.0.1', port, 120_000, 'SSH-', stop.signal);
    while (open.size === 0) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await expect(waiting).rejects.toThrow(`lab: stopped waiting for 127.0.0.1:${port}`);
    // the server sees the probe's connection closed
    while (open.size > 0) await new Promise((r) => setTimeout(r, 20));
    expect(open.size).toBe(0);
  });

  it('resolves on the banner it waits for', async () => {
    server = createServer((s) => s.end('SSH-2.0-test\r\n'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    await expect(waitForPort('127.0.0.1', (server.address() as { port: number }).port, 10_000, 'SSH-')).resolves.toBeUndefined();
  });
});
