/** The lab: throwaway Debian hosts on this machine for trying playbooks and for tsrun's own end-to-end tests. */
export { labUp, type LabUpOptions } from './up';
export { labDown } from './down';
export { labStatus, type LabStatus } from './status';
export { registerLabCommands } from './cli';
export type { LabInfo } from './state';
