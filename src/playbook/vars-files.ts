import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { TsrunError, type SourceLocation } from '../core/errors';
import { itemLocation, keyLocation, valueLocation } from '../yaml/load';

/** One `vars_files` entry: a file name, or a list of names of which the first that exists is read (as Ansible). */
export interface VarsFileEntry {
  names: unknown[];
  loc: SourceLocation;
}

function isTemplate(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

/** A play's `vars_files`, each entry with its location. */
export function varsFileEntries(map: Record<string, unknown>, playLoc: SourceLocation): VarsFileEntry[] {
  const v = map.vars_files;
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((item, i) => ({
    names: Array.isArray(item) ? item : [item],
    loc: (Array.isArray(v) ? itemLocation(v, i) : valueLocation(map, 'vars_files')) ?? keyLocation(map, 'vars_files') ?? playLoc,
  }));
}

/**
 * The file an entry names, once its names are rendered: the first that exists. None existing is an error located
 * at the entry (Ansible: "vars file X was not found").
 */
export function resolveVarsFile(entry: VarsFileEntry, names: string[], dir: string): string {
  const paths = names.map((n) => (isAbsolute(n) ? n : resolve(dir, n)));
  const hit = paths.find((p) => existsSync(p));
  if (hit) return hit;
  throw new TsrunError('NOT_FOUND', `vars file ${names.join(', ')} was not found`, {
    location: entry.loc, expected: `a YAML file at ${paths.join(' or ')}`,
  });
}

/** Entries without templates name their files already: a missing one is found when the playbook loads. */
export function checkLiteralVarsFiles(entries: VarsFileEntry[], dir: string): void {
  for (const e of entries) {
    if (e.names.some(isTemplate)) continue;
    resolveVarsFile(e, e.names.map(String), dir);
  }
}
