import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { TsrunError } from '../core/errors';

/** A progress sink for long lab operations; one line per call. */
export type Log = (line: string) => void;

/** Runs a system command for the lab and returns its stdout; a failure becomes a TsrunError naming the command. */
export async function sh(cmd: string, args: string[], opts: { input?: string; allowFail?: boolean } = {}): Promise<string> {
  const r = await execa(cmd, args, { input: opts.input ?? '', reject: false, encoding: 'utf8' });
  if (r.exitCode !== 0 && !opts.allowFail) {
    const detail = (r.stderr || r.stdout || '').trim().split('\n').slice(-5).join('\n');
    throw new TsrunError('INTERNAL', `lab: \`${cmd} ${args.join(' ')}\` failed (exit ${r.exitCode ?? 'signal'}): ${detail}`);
  }
  return r.stdout;
}

/** True when a process with this id exists and is not a zombie waiting to be reaped. */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Sends a signal to one process by id, ignoring a process that is already gone. */
export function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lazily unmounts everything mounted at or below `path` (deepest first), so removing a directory never descends into a mount. */
export async function unmountUnder(path: string): Promise<void> {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p && (p === path || p.startsWith(`${path}/`)))
    .reverse();
  for (const p of points) await sh('umount', ['-l', p], { allowFail: true });
}
