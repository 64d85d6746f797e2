import type { Plan } from '../types';
import type { AptState, PkgInfo } from './apt-state';

/** The apt arguments the plan depends on. */
export interface AptPlanArgs {
  name: string[];
  state: 'present' | 'absent' | 'latest';
  purge: boolean;
}

/** What apply must do: packages (with `=version` when pinned) to install and to remove. */
export interface AptChange {
  install: string[];
  remove: string[];
  /** Packages no source offers: the task fails unless in check mode before a cache update. */
  unavailable: string[];
}

/** Whether the cache update happens before the packages are considered. */
export type CacheUpdate = 'none' | 'done' | 'would';

/** Splits `nginx=1.2*` into name and version. */
export function splitSpec(spec: string): { name: string; version?: string } {
  const eq = spec.indexOf('=');
  return eq < 0 ? { name: spec } : { name: spec.slice(0, eq), version: spec.slice(eq + 1) };
}

function versionMatches(installed: string | undefined, wanted: string): boolean {
  if (installed === undefined) return false;
  return wanted.endsWith('*') ? installed.startsWith(wanted.slice(0, -1)) : installed === wanted;
}

function shown(p: PkgInfo): string {
  return p.status === 'installed' ? 'present' : p.status === 'config-files' ? 'absent (config files remain)' : p.status;
}

/** Computes which packages change from the state read on the host: a pure function. */
export function planApt(state: AptState, args: AptPlanArgs, cache: CacheUpdate = 'none'): Plan<AptChange> {
  const change: AptChange = { install: [], remove: [], unavailable: [] };
  const diff: string[] = [];
  const assumed: string[] = [];
  for (const spec of args.name) {
    const { name, version } = splitSpec(spec);
    const p = state.pkgs[name] ?? { status: 'absent' };
    const installed = p.status === 'installed';
    if (args.state === 'absent') {
      if (installed || p.status === 'broken' || (p.status === 'config-files' && args.purge)) {
        change.remove.push(name);
        diff.push(`package ${name}: ${shown(p)} -> ${args.purge ? 'purged' : 'absent'}`);
      }
      continue;
    }
    if (!installed && !p.candidate && !version) {
      if (cache !== 'would') {
        change.unavailable.push(name);
        continue;
      }
      assumed.push(name);
    }
    if (version !== undefined) {
      if (versionMatches(installed ? p.version : undefined, version)) continue;
      change.install.push(spec);
      diff.push(`package ${name}: ${installed ? p.version : 'absent'} -> ${version}`);
    } else if (!installed) {
      change.install.push(name);
      diff.push(args.state === 'latest' && p.candidate ? `package ${name}: absent -> ${p.candidate}` : `package ${name}: ${shown(p)} -> present`);
    } else if (args.state === 'latest' && p.candidate && p.candidate !== p.version) {
      change.install.push(name);
      diff.push(`package ${name}: ${p.version} -> ${p.candidate}`);
    }
  }
  const changed = change.install.length + change.remove.length > 0;
  const msg = change.unavailable.length
    ? `No package matching ${change.unavailable.map((n) => `'${n}'`).join(', ')} is available`
    : changed
      ? `${change.install.length ? `install ${change.install.join(' ')}` : ''}${change.install.length && change.remove.length ? '; ' : ''}${change.remove.length ? `${args.purge ? 'purge' : 'remove'} ${change.remove.join(' ')}` : ''}`
      : `all packages are ${args.state === 'absent' ? 'absent' : args.state === 'latest' ? 'at the latest version' : 'present'}`;
  const note = assumed.length ? ` (assuming the cache update makes ${assumed.join(', ')} available)` : '';
  return { changed, diff: diff.length ? [{ kind: 'lines', lines: diff }] : [], msg: msg + note, change };
}
