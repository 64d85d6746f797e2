// The inventory: parsing INI/YAML/directories/host lists, variable precedence, host patterns and the
// ansible-inventory style views. Other layers import from here only.
export type { Group, Host, Inventory, LoadOptions } from './types';
export { loadInventory } from './load';
export { selectHosts, splitPattern } from './patterns';
export { groupsMap, inventoryGraph, inventoryHost, inventoryList } from './output';
