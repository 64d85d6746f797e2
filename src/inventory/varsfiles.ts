import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isMap } from 'yaml';
import { TsrunError } from '../core/errors';
import { isEmpty, kindOf, YamlFile } from './yamlfile';

const EXTS = ['.yml', '.yaml', '.json', ''];

/**
 * Reads `group_vars/` or `host_vars/` directories the way Ansible's host_group_vars plugin does: for a
 * name, the first of NAME.yml, NAME.yaml, NAME.json, NAME; a directory NAME/ contributes all its
 * files (recursively, sorted, skipping hidden and backup~ files), merged in order. Results are cached.
 */
export class VarsDir {
  private entries?: Set<string>;
  private cache = new Map<string, Record<string, unknown>>();

  constructor(readonly dir: string) {}

  /** The merged variables for one group or host name; {} when there is no file for it. */
  async varsFor(name: string): Promise<Record<string, unknown>> {
    const hit = this.cache.get(name);
    if (hit) return hit;
    this.entries ??= new Set(await readdir(this.dir).catch(() => []));
    const out: Record<string, unknown> = {};
    for (const ext of EXTS) {
      if (!this.entries.has(name + ext)) continue;
      for (const file of await filesOf(join(this.dir, name + ext))) Object.assign(out, await loadVarsFile(file));
      break;
    }
    this.cache.set(name, out);
    return out;
  }
}

async function filesOf(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const out: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(path, name);
    const isDir = (await stat(full)).isDirectory();
    if (isDir && !extname(name)) out.push(...(await filesOf(full)));
    else if (!isDir && EXTS.includes(extname(name))) out.push(full);
  }
  return out;
}

/** Loads one vars file (YAML 1.1; JSON is YAML): a mapping, or nothing. */
export async function loadVarsFile(file: string): Promise<Record<string, unknown>> {
  const y = new YamlFile(await readFile(file, 'utf8'), file);
  const top = y.resolve(y.doc.contents);
  if (isEmpty(top)) return {};
  if (!isMap(top)) {
    throw new TsrunError('SCHEMA', `a vars file must be a mapping of variable names, got ${kindOf(top)}`, {
      location: y.loc(top),
      expected: 'name: value lines',
    });
  }
  return y.value(top) as Record<string, unknown>;
}
