import { existsSync, readFileSync, rmSync } from 'node:fs';
import { deleteNets, labNetns, netnsPids } from './net';
import { requireRootLinux } from './preflight';
import { checkLabName, labDir, readState } from './state';
import { alive, signal, sleep, unmountUnder, type Log } from './sys';

/** True when the process is one the lab started: its command line names the lab's directory. */
function ownedBy(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/`);
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
}

/**
 * Takes a lab down: stops its hosts and services, deletes its namespaces, bridge and directory. Works from the
 * recorded state and from names alone, so it also cleans up after a crash or a killed test run. Returns whether
 * anything of the lab existed.
 */
export async function labDown(name: string, log: Log = () => undefined): Promise<boolean> {
  requireRootLinux();
  checkLabName(name);
  const dir = labDir(name);
  const state = readState(name);
  const netns = [...new Set([...(state?.hosts.map((h) => h.netns) ?? []), ...(await labNetns(name))])];
  if (!state && netns.length === 0 && !existsSync(dir)) return false;
  log(`lab ${name}: taking down ${state?.hosts.length ?? netns.length} hosts`);

  const owned = (p: number | undefined): p is number => p !== undefined && alive(p) && ownedBy(p, dir);
  const hostPids = (state?.hosts.map((h) => h.pid) ?? []).filter(owned);
  const recorded = [...hostPids, ...[state?.proxyPid, state?.registryPid].filter(owned)];
  // Polite first: nspawn turns SIGTERM into a clean poweroff of the host's systemd. A light host's unshare
  // ignores SIGTERM and has nothing to shut down cleanly, so it gets SIGKILL (its child dies with it).
  for (const pid of recorded) signal(pid, state?.light && hostPids.includes(pid) ? 'SIGKILL' : 'SIGTERM');
  await waitGone(recorded, 5000);
  // Whatever still runs in the lab's namespaces (orphans of a killed nspawn included) was started by the lab.
  const stragglers = [...recorded.filter(alive)];
  stragglers.push(...netnsPids(netns));
  for (const pid of stragglers) signal(pid, 'SIGKILL');
  await waitGone(stragglers, 3000);

  // links before the bridge they sit on; an uplink veth takes its peer with it
  await deleteNets(netns, [...(state?.links ?? []), ...(state?.bridge ? [state.bridge] : [])]);
  await unmountUnder(dir);
  rmSync(dir, { recursive: true, force: true });
  return true;
}
