import { execa } from 'execa';
import { packagesFor } from '../core/requirements';
import { aptInstall } from '../lab/python';
import type { Log } from '../lab/sys';

async function installed(pkg: string): Promise<boolean> {
  const r = await execa('dpkg-query', ['-W', '-f=${Status}', pkg], { reject: false });
  return r.exitCode === 0 && r.stdout.includes('install ok installed');
}

/** Installs the controller's side of the comparison when missing: the `bench` lines of bin/packages.txt. */
export async function ensureAnsible(log: Log): Promise<void> {
  const need: string[] = [];
  for (const pkg of packagesFor('bench')) if (!(await installed(pkg))) need.push(pkg);
  if (need.length) await aptInstall(log, undefined, need);
}
