import { spawn } from 'node:child_process';
import { openSync, closeSync, writeFileSync, mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
import { sleep } from './sys';

/** Port of the lab's HTTP proxy on the bridge address. */
export const PROXY_PORT = 3128;
/** Port of the lab's registry on the bridge address. */
export const REGISTRY_PORT = 5000;

/** Starts a long-lived lab process in its own session, output to a log file in the lab dir; returns its pid. */
export function spawnDetached(cmd: string, args: string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    // Node's own spawn rather than execa: the process must outlive tsrun, writing straight to the log file's fd.
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    child.on('error', () => undefined);
    if (!child.pid) throw new TsrunError('INTERNAL', `lab: could not start ${cmd}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/**
 * How long one probe waits for the connection and the banner. sshd forks and re-executes itself for every
 * connection, which takes seconds on a loaded machine: a shorter wait gives up on every try, and the retries
 * themselves become the storm that keeps the machine loaded.
 */
const PROBE_MS = 5000;

/**
 * Resolves once something accepts TCP connections on host:port (and, with `banner`, sends data starting with it).
 * `signal` stops the wait and its open probe at once (another host already failed the lab).
 */
export async function waitForPort(host: string, port: number, timeoutMs: number, banner?: string, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await probe(host, port, banner, signal)) return;
    await sleep(250);
  }
  if (signal?.aborted) throw new TsrunError('UNREACHABLE', `lab: stopped waiting for ${host}:${port}`);
  throw new TsrunError('UNREACHABLE', `lab: nothing answered on ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`);
}

function probe(host: string, port: number, banner: string | undefined, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host, port, timeout: PROBE_MS });
    const stop = () => done(false);
    const done = (ok: boolean) => {
      signal?.removeEventListener('abort', stop);
      sock.destroy();
      resolve(ok);
    };
    signal?.addEventListener('abort', stop, { once: true });
    sock.on('connect', () => {
      if (!banner) done(true);
    });
    sock.on('data', (d) => done(d.toString().startsWith(banner ?? '')));
    sock.on('timeout', () => done(false));
    sock.on('error', () => done(false));
  });
}

/** Starts tinyproxy on the bridge: only the lab's hosts may use it, and only to reach the given mirror hosts. */
export function startProxy(dir: string, bridgeAddress: string, subnet: string, allowedHosts: string[]): number {
  const filter = join(dir, 'tinyproxy.filter');
  writeFileSync(filter, allowedHosts.join('\n') + '\n');
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(
    conf,
    [
      `Port ${PROXY_PORT}`,
      `Listen ${bridgeAddress}`,
      `Allow ${subnet}`,
      'Timeout 600',
      'MaxClients 200',
      'LogLevel Warning',
      `Filter "${filter}"`,
      'FilterType fnmatch',
      'FilterDefaultDeny Yes',
      'ConnectPort 443',
      '',
    ].join('\n'),
  );
  return spawnDetached('tinyproxy', ['-d', '-c', conf], join(dir, 'tinyproxy.log'));
}

/** Starts Debian's docker-registry on the bridge with its storage in the lab dir. */
export function startRegistry(dir: string, bridgeAddress: string): number {
  const storage = join(dir, 'registry');
  mkdirSync(storage, { recursive: true });
  const conf = join(dir, 'registry.yml');
  writeFileSync(
    conf,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${bridgeAddress}:${REGISTRY_PORT}`,
      '',
    ].join('\n'),
  );
  return spawnDetached('docker-registry', ['serve', conf], join(dir, 'registry.log'));
}
