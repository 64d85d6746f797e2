import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { labDown, labUp, type LabInfo } from '../../../src/lab/index';
import { labSsh } from '../lab-helpers';

/** The tsrun command line, run from source as users run it. */
export const BIN = resolve(__dirname, '../../../bin/tsrun.js');

/** The shipped playbooks. */
export const PLAYBOOKS = resolve(__dirname, '../../../playbooks');

/** Per-host counters of a recap event. */
export interface HostStats {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

/** One JSON event printed by `tsrun playbook --json`. */
export interface RunEvent {
  type: string;
  task?: string;
  host?: string;
  status?: string;
  msg?: string;
  result?: Record<string, unknown>;
  stats?: Record<string, HostStats>;
}

/** What a playbook run printed and returned. */
export interface PlaybookRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The JSON events (only with --json). */
  events: RunEvent[];
  /** Stats per host from the recap event (only with --json). */
  stats: Record<string, HostStats>;
  seconds: number;
}

/** Runs `tsrun playbook` and parses its JSON events when --json is among the arguments. */
export async function playbook(file: string, inventory: string, ...args: string[]): Promise<PlaybookRun> {
  const started = performance.now();
  const r = await execa('node', [BIN, 'playbook', file, '-i', inventory, ...args], { reject: false, timeout: 600_000 });
  const events = args.includes('--json')
    ? r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent)
    : [];
  const stats = events.find((e) => e.type === 'recap')?.stats ?? {};
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, events, stats, seconds: (performance.now() - started) / 1000 };
}

/** host -> changed count of a run. */
export function changedByHost(run: PlaybookRun): Record<string, number> {
  return Object.fromEntries(Object.entries(run.stats).map(([h, s]) => [h, s.changed]));
}

/** host -> failed + unreachable count of a run (all zero when the run was green). */
export function failuresByHost(run: PlaybookRun): Record<string, number> {
  return Object.fromEntries(Object.entries(run.stats).map(([h, s]) => [h, s.failed + s.unreachable]));
}

/** The names of the tasks that reported changed on a host, for readable failures. */
export function changedTasks(run: PlaybookRun, host: string): string[] {
  return run.events.filter((e) => e.type === 'host_result' && e.host === host && e.status === 'changed').map((e) => e.task ?? '');
}

/**
 * Runs a command on a lab host as root and fails with its output unless it exits 0. ssh's own failure (255: no
 * connection within its 5 s timeout, as happens on a machine loaded far beyond its cores) is retried twice.
 */
export async function sh(lab: LabInfo, host: string, command: string, input = ''): Promise<string> {
  let r = await labSsh(lab, host, command, 'root', input);
  for (let i = 0; i < 2 && r.exitCode === 255; i++) r = await labSsh(lab, host, command, 'root', input);
  if (r.exitCode !== 0) throw new Error(`${host}: ${command} -> rc ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A lab name unique to this run of the suite, so that sessions side by side do not collide. */
export function labName(suffix: string): string {
  return `${process.env.TSRUN_TEST_LAB ?? 'test'}-${suffix}`.slice(0, 20);
}

/**
 * Brings up a fresh lab of 3 nodes and 1 lb (after removing any leftover of the same name). On a loaded machine a
 * host's sshd can miss the lab's 60 s deadline: such a lab is taken down and brought up once more.
 */
export async function freshLab(name: string): Promise<LabInfo> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  await labDown(name, log);
  try {
    return await labUp({ name, nodes: 3, lb: 1, log });
  } catch (e) {
    log(`lab ${name}: ${(e as Error).message}; once more`);
    await labDown(name, log);
    return labUp({ name, nodes: 3, lb: 1, log });
  }
}

/** Takes a lab down; quiet. */
export async function dropLab(name: string): Promise<void> {
  await labDown(name, () => undefined);
}

/** The nodes' addresses, in inventory order. */
export function nodeAddresses(lab: LabInfo): string[] {
  return lab.hosts.filter((h) => h.group === 'nodes').map((h) => h.address);
}

/** The balancer's address. */
export function lbAddress(lab: LabInfo): string {
  const lb = lab.hosts.find((h) => h.group === 'lb');
  if (!lb) throw new Error(`lab ${lab.name} has no balancer`);
  return lb.address;
}

/**
 * Starts the stand-in ingress (backend.pl) on every node where its port is not taken yet, one transient systemd unit
 * per start (a stopped transient unit may stay loaded under its name): tsrun-backend-PORT-TIME.
 */
export async function startBackends(lab: LabInfo, ports: number[]): Promise<void> {
  const script = readFileSync(resolve(__dirname, 'backend.pl'), 'utf8');
  const free = (p: number) => `! ss -Hltn "sport = :${p}" | grep -q .`;
  const units = ports.map(
    (p) => `if ${free(p)}; then systemd-run -q --collect --unit=tsrun-backend-${p}-$(date +%s%N) perl /usr/local/lib/tsrun-backend.pl ${p}; fi`,
  );
  const wait = ports.map((p) => `i=0; while ${free(p)}; do i=$((i+1)); [ $i -lt 50 ] || exit 1; sleep 0.1; done`);
  await Promise.all(
    lab.hosts
      .filter((h) => h.group === 'nodes')
      .map((h) => sh(lab, h.name, ['cat > /usr/local/lib/tsrun-backend.pl', ...units, ...wait].join('\n'), script)),
  );
}

/** Stops the stand-in ingress on one node: its connections are refused until startBackends runs again. */
export async function stopBackend(lab: LabInfo, host: string, ports: number[]): Promise<void> {
  await sh(lab, host, `systemctl stop ${ports.map((p) => `'tsrun-backend-${p}-*'`).join(' ')}`);
}

/** Listing (kind, path, mode, size) and sha256 of every file and directory under the paths on a host, minus pruned paths. */
export async function snapshot(lab: LabInfo, host: string, paths: string[], prune: string[] = []): Promise<string> {
  const skip = prune.map((p) => `-path '${p}' -prune -o `).join('');
  const script = paths
    .map((p) => `if [ -e '${p}' ]; then find '${p}' -xdev ${skip}-printf '%y %p %m %s\\n'; find '${p}' -xdev ${skip}-type f -print0 | xargs -0 -r sha256sum; else echo 'absent ${p}'; fi`)
    .join('\n');
  const out = await sh(lab, host, `{\n${script}\n} | sort`);
  // a directory's size changes when an entry came and went; its entries are listed anyway
  return out.replace(/^d (\S+) (\d+) \d+$/gm, 'd $1 $2');
}
