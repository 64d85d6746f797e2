import { TsrunError } from '../core/errors';
import type { Play } from '../playbook/types';
import { resolveVarsFile, type VarsFileEntry } from '../playbook/vars-files';
import { loadYaml, locateLike } from '../yaml/load';
import { expand } from './render';

/** What a play's vars_files give before any host runs, and the entries that need each host's variables. */
export interface PlayVarsFiles {
  vars: Record<string, unknown>;
  /** Entries whose names use host variables (`{{ ansible_os_family }}.yml`): read per host, as Ansible does. */
  deferred: VarsFileEntry[];
}

function read(play: Play, entry: VarsFileEntry, names: unknown[]): Record<string, unknown> {
  const data = loadYaml(resolveVarsFile(entry, names.map(String), play.dir), entry.loc);
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/**
 * Reads the vars_files whose names render with the play's and the extra variables, for every play before the
 * first host is touched: a missing file is one located error, exit 4.
 */
export function playVarsFiles(play: Play, vars: Record<string, unknown>): PlayVarsFiles {
  const out: Record<string, unknown>[] = [];
  const deferred: VarsFileEntry[] = [];
  for (const entry of play.varsFiles) {
    let names: unknown[];
    try {
      names = entry.names.map((n) => expand(n, vars, { location: entry.loc }));
    } catch (err) {
      if (err instanceof TsrunError && err.code === 'UNDEFINED') { deferred.push(entry); continue; }
      throw err;
    }
    out.push(read(play, entry, names));
  }
  return { vars: merged(out), deferred };
}

/**
 * The deferred vars_files of one host, their names rendered with its variables. A name whose variable the host does
 * not have is skipped when the play gathered no facts (the variable may be a fact), and an error when it did: Ansible's
 * rule for vars_files.
 */
export function hostVarsFiles(play: Play, deferred: VarsFileEntry[], vars: Record<string, unknown>): Record<string, unknown> {
  const files: Record<string, unknown>[] = [];
  for (const entry of deferred) {
    let names: unknown[];
    try {
      names = entry.names.map((n) => expand(n, vars, { location: entry.loc }));
    } catch (err) {
      if (err instanceof TsrunError && err.code === 'UNDEFINED' && !play.gatherFacts) continue;
      throw err;
    }
    files.push(read(play, entry, names));
  }
  return merged(files);
}

/** Later files win; each variable keeps the location of the file that gives it. */
function merged(files: Record<string, unknown>[]): Record<string, unknown> {
  const out = Object.assign({}, ...files) as Record<string, unknown>;
  locateLike(out, [...files].reverse());
  return out;
}
