import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { TsrunError } from '../core/errors';
import { aptMirror, ensureBase } from './base';
import { labDown } from './down';
import { prepareHost, startFullHost, startLightHost, type HostSpec } from './host';
import { pushLabImage } from './image';
import { infoOf } from './info';
import { renderEtcHosts, renderInventory, renderKnownHosts } from './inventory';
import { createBridge, createHostNets, indicesInUse, labNetns, netnsName, subnetPrefix } from './net';
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

const MAX_NODES = 180;
const MAX_LB = 50;
const SSH_WAIT_MS = 60_000;

function count(value: number | undefined, dflt: number, max: number, what: string): number {
  const n = value ?? dflt;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new TsrunError('USAGE', `lab: --${what} ${n} is out of range`, { expected: `a whole number from 0 to ${max}` });
  }
  return n;
}

function planHosts(name: string, index: number, nodes: number, lb: number): HostState[] {
  const prefix = subnetPrefix(index);
  const make = (group: HostState['group'], host: string, octet: number): HostState => ({
    name: host,
    group,
    address: `${prefix}.${octet}`,
    netns: netnsName(name, host),
    veth: `tsv${index}h${octet}`,
  });
  return [
    ...Array.from({ length: nodes }, (_, i) => make('nodes', `node${i + 1}`, 10 + i + 1)),
    ...Array.from({ length: lb }, (_, i) => make('lb', `lb${i + 1}`, 200 + i + 1)),
  ];
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
  const nodes = count(opts.nodes, 3, MAX_NODES, 'nodes');
  const lb = count(opts.lb, 1, MAX_LB, 'lb');
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
  if (!light) raiseKernelLimits(log);
  const base = await ensureBase(log);
  const index = allocateIndex(name, await indicesInUse());
  const bridgeAddress = `${subnetPrefix(index)}.1`;
  const state: LabState = { name, index, bridge: `tsrbr${index}`, bridgeAddress, light, nodes, lb, hosts: planHosts(name, index, nodes, lb) };
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
  log(`lab ${state.name}: ${state.nodes} nodes, ${state.lb} lb${state.light ? ' (light)' : ''} on ${state.bridgeAddress}/24`);
  await createBridge(state.bridge, state.bridgeAddress);
  await createHostNets(state.bridge, state.bridgeAddress, state.hosts);
  await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `tsrun-lab-${state.name}`, '-f', info.keyPath]);
  const mirrorHost = new URL(aptMirror()).hostname;
  state.proxyPid = startProxy(info.dir, state.bridgeAddress, `${subnetPrefix(state.index)}.0/24`, [mirrorHost]);
  state.registryPid = startRegistry(info.dir, state.bridgeAddress);
  writeState(state);

  const publicKey = await sh('ssh-keygen', ['-y', '-f', info.keyPath]);
  const hostsFile = renderEtcHosts(state.bridgeAddress, state.hosts);
  const limit = pLimit(8);
  const specs: HostSpec[] = state.hosts.map((h) => ({ ...h, dir: join(info.dir, 'hosts', h.name), authorizedKey: publicKey, hostsFile }));
  const hostKeys = await Promise.all(specs.map((s) => limit(() => prepareHost(s))));
  writeFileSync(info.knownHostsPath, renderKnownHosts(state.hosts.map((h, i) => ({ ...h, publicKey: hostKeys[i] }))));
  state.hosts.forEach((h, i) => {
    h.pid = state.light ? startLightHost(specs[i], base) : startFullHost(specs[i], base);
  });
  writeState(state);

  await waitForPort(state.bridgeAddress, REGISTRY_PORT, 10_000);
  await pushLabImage(info.registry);
  await waitForPort(state.bridgeAddress, PROXY_PORT, 10_000);
  await Promise.all(state.hosts.map((h) => waitForPort(h.address, 22, SSH_WAIT_MS, 'SSH-')));
  if (!state.light) await Promise.all(state.hosts.map((h) => waitForBoot(info, h.name, h.address, log)));
  writeFileSync(info.inventoryPath, renderInventory(info));
  log(`lab ${state.name}: ${state.hosts.length} hosts answer SSH`);
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
