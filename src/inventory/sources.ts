import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { isMap } from 'yaml';
import { TsrunError } from '../core/errors';
import type { InventoryBuilder } from './builder';
import { parseIni } from './ini';
import { parseYamlInventory } from './yaml';
import { YamlFile } from './yamlfile';

const YAML_EXTS = new Set(['.yml', '.yaml', '.json']);
// Ansible's default INVENTORY_IGNORE_EXTS: docs, backups, editor and packaging leftovers, config.
const IGNORED_EXTS = new Set(['.md', '.txt', '.rst', '.orig', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '.rpm']);

/**
 * Parses every `-i` source into the builder, in order, and returns the directories whose group_vars/ and
 * host_vars/ apply (a file's directory, or the directory itself). A source that is not a path but
 * contains a comma is a host list (`host1,host2,`), as Ansible's host_list plugin reads it.
 */
export async function readSources(sources: string[], b: InventoryBuilder): Promise<string[]> {
  const basedirs: string[] = [];
  for (const source of sources) {
    const path = resolve(source);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      await readDir(path, b);
      basedirs.push(path);
    } else if (info) {
      await readFileSource(path, b);
      basedirs.push(dirname(path));
    } else if (source.includes(',')) {
      hostList(source, b);
    } else {
      throw new TsrunError('NOT_FOUND', `inventory source "${source}" is neither a file, a directory nor a host list`, {
        expected: 'a path, or hosts separated by commas such as "host1,host2," (a single host needs the trailing comma)',
      });
    }
  }
  return [...new Set(basedirs)];
}

async function readDir(dir: string, b: InventoryBuilder): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~') || name === 'group_vars' || name === 'host_vars') continue;
    if (IGNORED_EXTS.has(extname(name).toLowerCase())) continue;
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) await readDir(path, b);
    else await readFileSource(path, b);
  }
}

/** `.yml/.yaml/.json` are YAML, `.ini` is INI; without an extension, a YAML mapping wins, else INI (as Ansible's plugin order). */
async function readFileSource(path: string, b: InventoryBuilder): Promise<void> {
  const text = await readFile(path, 'utf8');
  const ext = extname(path).toLowerCase();
  if (YAML_EXTS.has(ext)) return parseYamlInventory(new YamlFile(text, path), b);
  if (ext === '') {
    const y = tryYaml(text, path);
    if (y) return parseYamlInventory(y, b);
  }
  parseIni(text, path, b);
}

function tryYaml(text: string, path: string): YamlFile | undefined {
  try {
    const y = new YamlFile(text, path);
    return isMap(y.doc.contents) ? y : undefined;
  } catch {
    return undefined;
  }
}

function hostList(source: string, b: InventoryBuilder): void {
  for (const item of source.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(item);
    const h = b.addHost(m ? (m[1] ?? m[2]) : item, 'ungrouped', undefined);
    if (m) h.vars.ansible_port = Number(m[3]);
  }
}
