import { connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { Client, ServerHostKeyAlgorithm } from 'ssh2';
import { authPlan } from './auth';
import { addHostKey, blobType, checkHostKey, fingerprint, knownKeyTypes, type HostKeyVerdict } from './known-hosts';
import { describeTarget, type SshParams } from './params';
import { connectWithRetry, transientConnectError } from './connect-retry';
import { UnreachableError } from './types';

/** An authenticated ssh2 client, the stream it speaks over, and the bastion clients it tunnels through (innermost last). */
export interface OpenedClient {
  client: Client;
  sock: Duplex;
  hops: Client[];
}

const HOST_KEY_ALGOS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host key algorithms with those already known for the host first, so a known key is what the server shows. */
function hostKeyOrder(p: SshParams): ServerHostKeyAlgorithm[] {
  const known = knownKeyTypes(p.knownHostsFiles, p.host, p.port);
  const preferred = HOST_KEY_ALGOS.filter((a) => known.includes(a.startsWith('rsa-sha2') ? 'ssh-rsa' : a));
  return [...preferred, ...HOST_KEY_ALGOS.filter((a) => !preferred.includes(a))];
}

function tcpSocket(p: SshParams): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: p.host, port: p.port });
    // Nagle plus delayed ACK costs ~40 ms per channel round trip; the SSH stream is latency-bound.
    sock.setNoDelay(true);
    sock.setTimeout(p.connectTimeoutMs, () => sock.destroy(new Error(`timed out after ${p.connectTimeoutMs} ms`)));
    sock.once('connect', () => {
      sock.setTimeout(0);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

function hostKeyMessage(p: SshParams, verdict: Exclude<HostKeyVerdict, { status: 'known' }>, blob: Buffer): string {
  const key = `${blobType(blob)} key ${fingerprint(blob)}`;
  const files = p.knownHostsFiles.join(', ');
  switch (verdict.status) {
    case 'unknown':
      return `host key of ${p.host}:${p.port} is not known (${key}); add it to ${files}, or use host key checking accept-new`;
    case 'changed':
      return (
        `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${p.host}:${p.port}! It now offers ${key}, ` +
        `which differs from the key recorded at ${verdict.file}:${verdict.line}. Someone could be intercepting ` +
        `the connection, or the host was reinstalled; refusing to connect. Remove the old entry if the change is expected.`
      );
    case 'revoked':
      return `host key of ${p.host}:${p.port} (${key}) is marked @revoked at ${verdict.file}:${verdict.line}; refusing to connect`;
  }
}

/** The credentials a connection would offer, without reading any key, for messages about failures before authentication. */
function credentials(p: SshParams): string {
  const list = [...(p.agent ? ['agent'] : []), ...(p.identityExplicit ? p.identityFiles.map((f) => `key ${f}`) : ['default keys'])];
  return [...list, ...(p.password !== undefined ? ['password'] : [])].join(', ');
}

async function tunnel(p: SshParams, hops: Client[]): Promise<Duplex> {
  if (!p.jump) return tcpSocket(p);
  const bastion = await openClient(p.jump);
  hops.push(...bastion.hops, bastion.client);
  return new Promise((resolve, reject) =>
    bastion.client.forwardOut('127.0.0.1', 0, p.host, p.port, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
}

/**
 * Opens and authenticates one SSH connection (through its bastions when it has a jump host),
 * checking the server's key against known_hosts. Every failure is an UnreachableError naming
 * the address, port, user and credentials tried.
 */
export async function openClient(p: SshParams): Promise<OpenedClient> {
  const hops: Client[] = [];
  const where = `${p.name}: cannot connect to ${describeTarget(p)}`;
  const fail = (reason: string, cause?: unknown) => {
    hops.forEach((h) => h.end());
    return new UnreachableError(`${where}: ${reason}`, { cause });
  };
  const started = performance.now();
  p.trace?.(3, `ESTABLISH SSH CONNECTION FOR USER: ${p.user} to ${describeTarget(p)} (timeout ${p.connectTimeoutMs / 1000} s, host key checking ${p.hostKeyChecking})`);
  let sock: Duplex;
  try {
    sock = await tunnel(p, hops);
  } catch (err) {
    throw fail(`${(err as Error).message} (credentials: ${credentials(p)})`, err);
  }
  const plan = await authPlan(p);
  p.trace?.(4, `authentication methods to offer, in order: ${plan.tried.join(', ') || 'none'}`);
  let refusal: string | undefined;
  let noPassword = false;
  const hostVerifier = (blob: Buffer): boolean => {
    const verdict = checkHostKey(p.knownHostsFiles, p.host, p.port, blob);
    if (verdict.status === 'known') return true;
    if (p.hostKeyChecking === 'off') {
      // as OpenSSH: go on, say so, and never send a password to a host whose key changed
      noPassword = verdict.status !== 'unknown';
      const key = `${blobType(blob)} key ${fingerprint(blob)}`;
      p.onHostKeyWarning?.(verdict.status === 'unknown'
        ? `${p.name}: host key of ${p.host}:${p.port} is not known (${key}); accepted because host key checking is off`
        : `${p.name}: REMOTE HOST IDENTIFICATION HAS CHANGED for ${p.host}:${p.port} (now ${key}; recorded at ${verdict.file}:${verdict.line}); connecting because host key checking is off, with password authentication disabled`);
      return true;
    }
    if (verdict.status === 'unknown' && p.hostKeyChecking === 'accept-new') {
      addHostKey(p.knownHostsFiles[0], p.host, p.port, blob);
      return true;
    }
    refusal = hostKeyMessage(p, verdict, blob);
    return false;
  };
  let next = 0;
  const authHandler = () => {
    const usable = noPassword ? plan.methods.filter((m) => m.type !== 'password' && m.type !== 'keyboard-interactive') : plan.methods;
    const method = usable[next++];
    if (method) p.trace?.(4, `trying authentication: ${method.type}`);
    lastMethod = method?.type;
    return method ?? false;
  };
  let lastMethod: string | undefined;
  // -vvvv: ssh2's own account of the handshake and authentication (algorithms, packets), up to the session;
  // after it, every data packet would be logged
  let handshaking = true;
  const debug = p.trace ? (text: string) => handshaking && p.trace!(4, `ssh2: ${text}`) : undefined;
  const ssh = new NodeSSH();
  try {
    await ssh.connect({
      sock,
      username: p.user,
      authHandler: authHandler as never,
      hostVerifier,
      algorithms: { serverHostKey: hostKeyOrder(p) },
      readyTimeout: p.connectTimeoutMs,
      keepaliveInterval: p.keepaliveIntervalMs,
      keepaliveCountMax: p.keepaliveCountMax,
      debug,
    });
    handshaking = false;
  } catch (err) {
    handshaking = false;
    sock.destroy();
    if (refusal) throw fail(refusal, err);
    const level = (err as { level?: string }).level;
    const tried = plan.tried.length ? plan.tried.join(', ') : 'no key, agent or password available';
    if (level === 'client-authentication') throw fail(`authentication failed (tried: ${tried}${noPassword ? '; password authentication disabled because the host key changed' : ''})`, err);
    throw fail(`${(err as Error).message} (credentials: ${tried})`, err);
  }
  const client = ssh.connection as Client;
  p.trace?.(3, `connection established to ${describeTarget(p)} in ${Math.round(performance.now() - started)} ms (authenticated by ${lastMethod ?? 'none'})`);
  // A transport error is followed by 'close', which the connection handles; unlistened, it would crash the run.
  for (const c of [client, ...hops]) c.on('error', () => {});
  return { client, sock, hops };
}

/**
 * openClient within the shared limit of handshakes in flight, tried again (up to CONNECT_ATTEMPTS) when the
 * server reset the connection before authentication: what sshd's MaxStartups does under a connection storm.
 */
export function openClientRetrying(p: SshParams): Promise<OpenedClient> {
  const cause = (err: unknown) => (err as { cause?: unknown }).cause;
  return connectWithRetry(
    () => openClient(p),
    (err) => transientConnectError(`${(err as Error).message} ${String((cause(err) as { code?: string } | undefined)?.code ?? '')}`),
  );
}
