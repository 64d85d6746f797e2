import { setMaxListeners } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { TsrunError } from '../core/errors';
import { aptMirror, ensureBase } from './base';
import { labDown } from './down';
import { makeHostKeys, prepareHost, startFullHost, startLightHosts, type HostSpec } from './host';
import { pushLabImage } from './image';
import { infoOf } from './info';
import { renderEtcHosts, renderInventory, renderKnownHosts } from './inventory';
import { addressAt, bridgeName, bridgeOf, chainedBridge, hostOffset, needsWide, subnetCidr, vethName, WIDE_MAX, type LabNet } from './addressing';
import { createBridges, createHostNets, indicesInUse, labNetns, netnsName } from './net';
import { ensurePackages, raiseKernelLimits, requireRootLinux } from './preflight';
import { PROXY_PORT, REGISTRY_PORT, startProxy, startRegistry, waitForPort } from './services';
import { allocateIndex, checkLabName, labDir, readState, writeState, type HostState, type LabInfo, type LabState } from './state';
import { alive, sh, type Log } from './sys';

/** Options of `tsrun lab up`. */
export interface LabUpOptions {
  name?: string;
  nodes?: number;
  lb?: number;
  light?: boolean;
  log?: Log;
}

const SSH_WAIT_MS = 60_000;
const SSH_WAITERS = 32;

function count(value: number | undefined, dflt: number, max: number, what: string): number {
  const n = value ?? dflt;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new TsrunError('USAGE', `lab: --${what} ${n} is out of range`, { expected: `a whole number from 0 to ${max}` });
  }
  return n;
}

function planHosts(name: string, net: LabNet, nodes: number, lb: number): HostState[] {
  const make = (group: HostState['group'], ordinal: number): HostState => {
    const offset = hostOffset(net, group, ordinal);
    const host = `${group === 'nodes' ? 'node' : 'lb'}${ordinal}`;
    return { name: host, group, address: addressAt(net, offset), netns: netnsName(name, host), veth: vethName(net, offset) };
  };
  return [
    ...Array.from({ length: nodes }, (_, i) => make('nodes', i + 1)),
    ...Array.from({ length: lb }, (_, i) => make('lb', i + 1)),
  ];
}

/** A wide lab's further bridges, enough that none takes more than HOSTS_PER_BRIDGE hosts. */
function planChain(net: LabNet, hosts: number): { bridge: string; uplink: string }[] {
  const extra = bridgeOf(Math.max(hosts - 1, 0));
  return Array.from({ length: extra }, (_, i) => chainedBridge(net, i + 1) as { bridge: string; uplink: string });
}

/** True when a recorded lab has the wanted shape and all its processes still run. */
function healthy(s: LabState, nodes: number, lb: number, light: boolean): boolean {
  const same = s.nodes === nodes && s.lb === lb && s.light === light;
  const running = [...s.hosts.map((h) => h.pid), s.proxyPid, s.registryPid].every(alive);
  return same && running && existsSync(join(labDir(s.name), 'inventory.yml'));
}

/**
 * Brings a lab up: hosts in their own network namespaces on a private bridge, sshd with the lab key, an HTTP proxy
 * to Debian's mirror and a registry holding one image. Harmless when the same lab already runs; a broken or
 * differently shaped lab of that name is replaced.
 */
export async function labUp(opts: LabUpOptions = {}): Promise<LabInfo> {
  const log = opts.log ?? (() => undefined);
  const name = opts.name ?? 'lab';
  checkLabName(name);
  const nodes = count(opts.nodes, 3, WIDE_MAX.nodes, 'nodes');
  const lb = count(opts.lb, 1, WIDE_MAX.lb, 'lb');
  if (nodes + lb === 0) throw new TsrunError('USAGE', 'lab: a lab needs at least one host', { expected: '--nodes or --lb above 0' });
  const light = opts.light ?? false;
  requireRootLinux();

  const existing = readState(name);
  if (existing && healthy(existing, nodes, lb, light)) {
    log(`lab ${name} is already up`);
    return infoOf(existing);
  }
  if (existing || (await labNetns(name)).length > 0) await labDown(name, log);

  await ensurePackages(log);
  raiseKernelLimits(nodes + lb, light, log);
  const base = await ensureBase(log);
  const wide = needsWide(nodes, lb);
  const net: LabNet = { wide, index: allocateIndex(name, await indicesInUse(wide), wide) };
  const chain = planChain(net, nodes + lb);
  const state: LabState = {
    name,
    ...net,
    bridge: bridgeName(net),
    links: chain.flatMap((c) => [c.uplink, c.bridge]),
    bridgeAddress: addressAt(net, 1),
    light,
    nodes,
    lb,
    hosts: planHosts(name, net, nodes, lb),
  };
  writeState(state);
  try {
    await startLab(state, base, log);
  } catch (err) {
    await labDown(name).catch(() => undefined);
    throw err;
  }
  return infoOf(state);
}

async function startLab(state: LabState, base: string, log: Log): Promise<void> {
  const info = infoOf(state);
  const net: LabNet = { wide: !!state.wide, index: state.index };
  const cidr = subnetCidr(net);
  const prefixLen = Number(cidr.split('/')[1]);
  log(`lab ${state.name}: ${state.nodes} nodes, ${state.lb} lb${state.light ? ' (light)' : ''} on ${cidr}`);
  const chain = planChain(net, state.hosts.length);
  await createBridges(state.bridge, `${state.bridgeAddress}/${prefixLen}`, chain);
  const bridges = [state.bridge, ...chain.map((c) => c.bridge)];
  const started = performance.now();
  const since = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  // light hosts set their own address when they start (one process fewer per host from here)
  await createHostNets(state.bridgeAddress, prefixLen, state.hosts.map((h, i) => ({ ...h, bridge: bridges[bridgeOf(i)] })), !state.light);
  log(`lab ${state.name}: ${state.hosts.length} network namespaces on ${bridges.length} bridge${bridges.length > 1 ? 's' : ''} (${since()})`);
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `tsrun-lab-${state.name}`, '-f', info.keyPath]);
  const mirrorHost = new URL(aptMirror()).hostname;
  state.proxyPid = startProxy(info.dir, state.bridgeAddress, cidr, [mirrorHost]);
  state.registryPid = startRegistry(info.dir, state.bridgeAddress);
  writeState(state);

  const publicKey = await sh('ssh-keygen', ['-y', '-f', info.keyPath]);
  const hostsFile = renderEtcHosts(state.bridgeAddress, state.hosts);
  const specs: HostSpec[] = state.hosts.map((h) => ({ ...h, dir: join(info.dir, 'hosts', h.name), authorizedKey: publicKey, hostsFile }));
  specs.forEach(prepareHost);
  const hostKeys = await makeHostKeys(specs);
  writeFileSync(info.knownHostsPath, renderKnownHosts(state.hosts.map((h, i) => ({ ...h, publicKey: hostKeys[i] }))));
  log(`lab ${state.name}: host keys made (${since()})`);
  const pids = state.light ? await startLightHosts(specs, base, { gateway: state.bridgeAddress, prefixLen }) : specs.map((s) => startFullHost(s, base));
  state.hosts.forEach((h, i) => (h.pid = pids[i]));
  writeState(state);

  await waitForPort(state.bridgeAddress, REGISTRY_PORT, 10_000);
  await pushLabImage(info.registry);
  await waitForPort(state.bridgeAddress, PROXY_PORT, 10_000);
  log(`lab ${state.name}: hosts started, waiting for sshd (${since()})`);
  // A bounded number of hosts probed at once, each with its own deadline from when its turn comes: a thousand
  // probes at once are a connection storm of their own (every one makes an sshd fork and re-execute).
  const waiting = pLimit(SSH_WAITERS);
  // the first host that never answers fails the lab: the rest are not waited for (their probes kept the process
  // alive for minutes after the error, against hosts already taken down)
  const failed = new AbortController();
  // each waiting probe listens on it: up to SSH_WAITERS at once, over Node's warning threshold of 10
  setMaxListeners(SSH_WAITERS, failed.signal);
  await Promise.all(state.hosts.map((h, i) => waiting(() => waitForPort(h.address, 22, SSH_WAIT_MS, 'SSH-', failed.signal).catch((err: unknown) => {
    waiting.clearQueue();
    failed.abort();
    throw hostProblem(err, h, specs[i].dir);
  }))));
  if (!state.light) await Promise.all(state.hosts.map((h) => waitForBoot(info, h.name, h.address, log)));
  writeFileSync(info.inventoryPath, renderInventory(info));
  log(`lab ${state.name}: ${state.hosts.length} hosts answer SSH (${since()})`);
}

/** A host that never answered: the error with what its console said and whether its process still runs. */
function hostProblem(err: unknown, h: HostState, dir: string): unknown {
  if (!(err instanceof TsrunError)) return err;
  let console = '';
  try {
    console = readFileSync(join(dir, 'console.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    // no log written yet
  }
  const proc = alive(h.pid) ? `its process ${h.pid} runs` : `its process ${h.pid ?? '?'} has exited`;
  return new TsrunError(err.code, `${err.message}; ${h.name}: ${proc}; console: ${console || '(empty)'}`);
}

/**
 * sshd answers before systemd has finished booting, and until then pam_nologin refuses every user but root.
 * Waits for the boot to finish. On a loaded machine a boot unit sometimes fails once (seen: journal flush,
 * user sessions, utmp); those are started again once, since a host without systemd-user-sessions refuses
 * every non-root login. A host still "degraded" after that is usable, and its failed units are logged.
 */
async function waitForBoot(info: LabInfo, name: string, address: string, log: Log): Promise<void> {
  const ssh = ['-q', '-i', info.keyPath, '-o', `UserKnownHostsFile=${info.knownHostsPath}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${address}`];
  const settle = async () => (await sh('timeout', ['120', 'ssh', ...ssh, 'systemctl is-system-running --wait'], { allowFail: true })).trim();
  if ((await settle()) === 'running') return;
  await sh('ssh', [...ssh, 'failed=$(systemctl --failed --no-legend --plain | cut -d" " -f1); systemctl reset-failed; [ -z "$failed" ] || systemctl restart $failed'], { allowFail: true });
  const state = await settle();
  if (state === 'running') return;
  const failed = (await sh('ssh', [...ssh, 'systemctl --failed --no-legend --plain'], { allowFail: true })).trim();
  log(`lab: ${name} booted ${state || 'without answering'}${failed ? `; failed units: ${failed.replace(/\s+/g, ' ')}` : ''}`);
}
