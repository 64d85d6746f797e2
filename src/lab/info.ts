import { join } from 'node:path';
import { LAB_IMAGE } from './image';
import { PROXY_PORT, REGISTRY_PORT } from './services';
import { labDir, type LabInfo, type LabState } from './state';

/** What users and tests see of a lab, derived from its recorded state. */
export function infoOf(state: LabState): LabInfo {
  const dir = labDir(state.name);
  const registry = `${state.bridgeAddress}:${REGISTRY_PORT}`;
  return {
    name: state.name,
    dir,
    inventoryPath: join(dir, 'inventory.yml'),
    knownHostsPath: join(dir, 'known_hosts'),
    keyPath: join(dir, 'id_ed25519'),
    bridgeAddress: state.bridgeAddress,
    proxyUrl: `http://${state.bridgeAddress}:${PROXY_PORT}`,
    registry,
    image: `${registry}/${LAB_IMAGE.repo}:${LAB_IMAGE.tag}`,
    hosts: state.hosts.map((h) => ({ name: h.name, address: h.address, group: h.group })),
  };
}
