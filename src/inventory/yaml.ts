import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { didYouMean } from '../modules/args';
import { TsrunError } from '../core/errors';
import type { InventoryBuilder } from './builder';
import { expandHostPattern } from './ranges';
import { isEmpty, kindOf, type YamlFile } from './yamlfile';

const SECTIONS = ['hosts', 'children', 'vars'];

/** Reads a YAML inventory in Ansible's shape (group -> hosts/children/vars, any group at top level). */
export function parseYamlInventory(y: YamlFile, b: InventoryBuilder): void {
  const top = y.resolve(y.doc.contents);
  if (isEmpty(top)) return;
  if (!isMap(top)) {
    throw new TsrunError('SCHEMA', `a YAML inventory must be a mapping of group names, got ${kindOf(top)}`, {
      location: y.loc(top),
      expected: 'all: {hosts: ..., children: ..., vars: ...}',
    });
  }
  const plugin = top.items.find((p) => keyOf(p) === 'plugin' && isScalar(y.resolve(p.value)));
  if (plugin) {
    throw new TsrunError('SCHEMA', 'inventory plugins (a "plugin:" key) are not supported', {
      location: y.loc(plugin.key),
      expected: 'a static YAML inventory',
    });
  }
  for (const pair of top.items) group(y, b, keyOf(pair), pair);
}

function keyOf(pair: Pair): string {
  return String(isScalar(pair.key) ? pair.key.value : pair.key);
}

function group(y: YamlFile, b: InventoryBuilder, name: string, pair: Pair): void {
  b.group(name);
  const body = y.resolve(pair.value);
  if (isEmpty(body)) return;
  if (!isMap(body)) {
    throw new TsrunError('SCHEMA', `group "${name}" must be a mapping of hosts/children/vars, got ${kindOf(body)}`, {
      location: y.loc(body ?? pair.key),
      expected: `${name}: {hosts: {host: {vars}}, children: {group: ...}, vars: {...}}`,
    });
  }
  for (const item of body.items) {
    const key = keyOf(item);
    const value = y.resolve(item.value);
    if (!SECTIONS.includes(key)) {
      throw new TsrunError('SCHEMA', `unexpected key "${key}" in group "${name}"${didYouMean(key, SECTIONS)}`, {
        location: y.loc(item.key),
        expected: 'only hosts, children and vars (a host goes under hosts:, a subgroup under children:)',
      });
    }
    if (isEmpty(value)) continue;
    if (key === 'vars') {
      if (!isMap(value)) mustMap(y, value, `vars of group "${name}"`, 'vars: {name: value}');
      Object.assign(b.group(name).vars, y.value(value));
    } else if (key === 'children') {
      for (const child of entries(y, value, `children of group "${name}"`)) {
        const childName = keyOf(child);
        group(y, b, childName, child);
        b.addChild(name, childName, y.loc(child.key));
      }
    } else {
      for (const entry of entries(y, value, `hosts of group "${name}"`)) hosts(y, b, name, entry);
    }
  }
}

/** A section's pairs; a bare string stands for one key with no value, as Ansible allows. */
function entries(y: YamlFile, node: unknown, what: string): Pair[] {
  if (isScalar(node) && typeof node.value === 'string') return [{ key: node, value: null } as unknown as Pair];
  if (!isMap(node)) mustMap(y, node, what, 'a mapping whose keys are names');
  return (node as YAMLMap).items as Pair[];
}

function hosts(y: YamlFile, b: InventoryBuilder, groupName: string, entry: Pair): void {
  const pattern = keyOf(entry);
  const body = y.resolve(entry.value);
  if (!isEmpty(body) && !isMap(body)) {
    throw new TsrunError('SCHEMA', `host "${pattern}" in group "${groupName}" must be a mapping of variables, got ${kindOf(body)}`, {
      location: y.loc(body),
      expected: `${pattern}: {ansible_host: ..., other_var: ...} or ${pattern}: with nothing after it`,
    });
  }
  const vars = isEmpty(body) ? {} : (y.value(body) as Record<string, unknown>);
  const { hosts: names, port } = expandHostPattern(pattern, y.loc(entry.key));
  for (const n of names) {
    const h = b.addHost(n, groupName, y.file);
    if (port !== undefined) h.vars.ansible_port = port;
    Object.assign(h.vars, vars);
  }
}

function mustMap(y: YamlFile, node: unknown, what: string, expected: string): never {
  throw new TsrunError('SCHEMA', `${what} must be a mapping, got ${kindOf(node)}`, { location: y.loc(node), expected });
}
