import { infoOf } from './info';
import { requireRootLinux } from './preflight';
import { checkLabName, readState, type HostGroup, type LabInfo } from './state';
import { alive } from './sys';

/** A lab's hosts and services, each with whether its process still runs. */
export interface LabStatus {
  info: LabInfo;
  light: boolean;
  proxyRunning: boolean;
  registryRunning: boolean;
  hosts: { name: string; address: string; group: HostGroup; running: boolean }[];
}

/** Reports on a lab from its recorded state, or undefined when no lab of that name exists. */
export async function labStatus(name: string): Promise<LabStatus | undefined> {
  requireRootLinux();
  checkLabName(name);
  const state = readState(name);
  if (!state) return undefined;
  return {
    info: infoOf(state),
    light: state.light,
    proxyRunning: alive(state.proxyPid),
    registryRunning: alive(state.registryPid),
    hosts: state.hosts.map((h) => ({ name: h.name, address: h.address, group: h.group, running: alive(h.pid) })),
  };
}
