import { hostScope, hostTaskVars, varLocator } from './lazy';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { ConnectionPool } from '../connection/factory';
import { UnreachableError } from '../connection/types';
import { TsrunError } from '../core/errors';
import { groupsMap, loadInventory, selectHosts, type Inventory } from '../inventory/index';
import { validateArgs } from '../modules/args';
import { loadPlaybook } from '../playbook/plays';
import type { Play } from '../playbook/types';
import { exactValueLocation, locateLike } from '../yaml/load';
import { hostVarsFiles, playVarsFiles, type PlayVarsFiles } from './vars-files';
import type { PlayContext } from './context';
import type { HostStats } from './events';
import { flushHandlers } from './handlers';
import { HostRun } from './host';
import type { RunOptions } from './options';
import { expand } from './render';
import { runTasks } from './run-tasks';
import { ROOT, type Inherited } from './scope';
import { hostsOfShard } from '../shard/split';
import { hostvarsOf, type PlayVars } from './vars';
import { registerArgSecrets } from './secrets';
import { runSecrets } from '../core/secrets';

/** How a run ended, for the exit code. */
export interface RunSummary {
  stats: Record<string, HostStats>;
  failed: boolean;
  unreachable: boolean;
  /** A SIGINT/SIGTERM stopped the run. */
  interrupted: boolean;
}

/** Loads a playbook and its inventory, then runs every play. Input errors throw before any host is touched. */
export async function runPlaybook(file: string, opts: RunOptions): Promise<RunSummary> {
  return runPlays(loadPlaybook(file), resolve(file, '..'), opts);
}

/** Runs plays already loaded (a playbook's, or the one play of an ad-hoc command). */
export async function runPlays(plays: Play[], playbookDir: string, opts: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const inv = await loadInventory(opts.inventory, { playbookDir });
  // every inventory host is in hostvars, whatever the play's pattern or --limit
  const hosts = new Map<string, HostRun>([...inv.hosts.values()].map((h) => [h.name, new HostRun(h.name, { ...opts.hostDefaults, ...h.vars })]));
  const played = new Set<string>();
  const conns = new ConnectionPool(opts.connection);
  // the first signal: running commands are killed and this run's temporary files removed on every reachable host
  let stopping: Promise<void> | undefined;
  const onAbort = () => (stopping = conns.interruptAll());
  opts.abort?.addEventListener('abort', onAbort, { once: true });
  try {
    // every play's vars_files that can be named without a host are read before the first host is touched
    const files = plays.map((p) => playVarsFiles(p, { ...p.vars, ...opts.extraVars }));
    for (const [i, play] of plays.entries()) {
      if (opts.abort?.aborted) break;
      const selected = selectHosts(inv, play.hosts, opts.limit);
      const names = opts.shard ? hostsOfShard(selected, (n) => inv.hosts.get(n) ?? { name: n, groups: [], vars: {} }, opts.shard, play.shardGroups) : selected;
      for (const n of names) played.add(n);
      await runPlay(play, files[i], names, inv, hosts, conns, opts);
    }
  } finally {
    opts.abort?.removeEventListener('abort', onAbort);
    await stopping;
    await conns.closeAll();
  }
  const interrupted = !!opts.abort?.aborted;
  if (interrupted) opts.reporter.event({ type: 'warning', message: 'interrupted: no new task was started; commands still running were stopped and this run\'s temporary files removed on every reachable host' });
  const stats = Object.fromEntries([...played].map((n) => [n, hosts.get(n)!.stats]));
  opts.reporter.event({ type: 'recap', stats, durationMs: performance.now() - started, shard: opts.shard });
  return {
    stats,
    failed: Object.values(stats).some((s) => s.failed > 0),
    unreachable: Object.values(stats).some((s) => s.unreachable > 0),
    interrupted,
  };
}

async function runPlay(play: Play, files: PlayVarsFiles, names: string[], inv: Inventory, all: Map<string, HostRun>, conns: ConnectionPool, opts: RunOptions): Promise<void> {
  for (const name of names) {
    // the implicit localhost is not among the inventory's hosts until a pattern names it
    if (!all.has(name)) all.set(name, new HostRun(name, inv.hosts.get(name)?.vars ?? { inventory_hostname: name }));
  }
  const started = performance.now();
  opts.reporter.event({ type: 'play_start', name: play.name, hosts: names });
  if (opts.verbosity >= 2) opts.reporter.event({ type: 'log', level: 2, text: `play path: ${play.loc.file}:${play.loc.line}` });
  const pv: PlayVars = {
    play,
    playVars: {},
    hostPlayVars: new Map(),
    roleDefaults: Object.assign({}, ...play.roles.map((u) => u.role.defaults)),
    extraVars: opts.extraVars,
    magic: {
      groups: groupsMap(inv),
      hostvars: hostvarsOf(all, (h) => hostScope(pv, h)),
      play_hosts: names,
      ansible_play_hosts: names,
      ansible_play_hosts_all: names,
      ansible_play_name: play.name,
      ansible_check_mode: opts.check,
      ansible_verbosity: opts.verbosity,
      ansible_diff_mode: opts.diff,
      playbook_dir: play.dir,
    },
  };
  pv.playVars = { ...play.vars, ...files.vars };
  locateLike(pv.playVars, [files.vars, play.vars]);
  const pc: PlayContext = { opts, pv, hosts: all, conns };
  const root = opts.become === undefined && opts.becomeUser === undefined ? ROOT : { ...ROOT, become: opts.become, become_user: opts.becomeUser };
  await runBatches(pc, files, names, all, root);
  opts.reporter.event({ type: 'play_end', name: play.name, durationMs: performance.now() - started });
}

async function runBatches(pc: PlayContext, files: PlayVarsFiles, names: string[], all: Map<string, HostRun>, root: Inherited): Promise<void> {
  const { opts, pv } = pc;
  const { play } = pv;
  for (const batch of batches(names, play, { ...play.vars, ...opts.extraVars })) {
    if (pc.aborted || opts.abort?.aborted) break;
    const hosts = batch.map((n) => all.get(n)!).filter((h) => h.active);
    if (hosts.length === 0) continue;
    for (const h of hosts) h.ended = false;
    if (play.gatherFacts) await gather(pc, hosts);
    for (const h of files.deferred.length ? hosts : []) pv.hostPlayVars.set(h.name, hostVarsFiles(play, files.deferred, hostTaskVars(pv, h, undefined, {})));
    validateRoleArguments(pc, hosts.filter((h) => h.active));
    for (const section of play.sections) {
      if (opts.abort?.aborted) break;
      await runTasks(pc, section, hosts, root);
      await flushHandlers(pc, hosts);
    }
  }
}

/** `serial`: a number, a percentage, or a list of them (the last repeats), rendered with the play's variables; 0 is every host. */
function batches(names: string[], play: Play, vars: Record<string, unknown>): string[][] {
  if (play.serial === undefined || play.serial === null) return [names];
  const location = exactValueLocation(play.source, 'serial') ?? play.loc;
  const serial = expand(play.serial, vars, { location });
  const sizes = [serial].flat().map((s) => {
    const text = String(s).trim();
    if (!/^\d+(\.\d+)?%?$/.test(text)) {
      throw new TsrunError('SCHEMA', `"serial" must be a number, a percentage or a list of them, got ${JSON.stringify(s)}`, { location, expected: 'serial: 2, serial: "30%" or serial: [1, "50%"]' });
    }
    const n = text.endsWith('%') ? Math.max(1, Math.floor((names.length * parseFloat(text)) / 100)) : Number(text);
    return n <= 0 ? names.length : n;
  });
  const out: string[][] = [];
  for (let i = 0, k = 0; i < names.length; k++) {
    const size = sizes[Math.min(k, sizes.length - 1)];
    out.push(names.slice(i, i + size));
    i += size;
  }
  return out;
}

async function gather(pc: PlayContext, hosts: HostRun[]): Promise<void> {
  const title = 'Gathering Facts';
  const taskStarted = performance.now();
  pc.opts.reporter.event({ type: 'task_start', name: title, hosts: hosts.map((h) => h.name), action: 'gather_facts' });
  const { gatherFacts } = await import('../facts/gather');
  const limit = pLimit(pc.opts.forks);
  await Promise.all(hosts.map((h) => limit(async () => {
    const started = performance.now();
    try {
      const conn = pc.conns.get(h.name, hostTaskVars(pc.pv, h, undefined, {}));
      h.facts = await gatherFacts(conn);
      h.stats.ok++;
      pc.opts.reporter.event({ type: 'host_result', task: title, result: { host: h.name, status: 'ok', result: { changed: false }, durationMs: performance.now() - started } });
    } catch (err) {
      const unreachable = err instanceof UnreachableError;
      const msg = err instanceof Error ? err.message : String(err);
      if (unreachable) { h.unreachable = true; h.stats.unreachable++; } else { h.failed = true; h.stats.failed++; }
      pc.opts.reporter.event({ type: 'host_result', task: title, result: { host: h.name, status: unreachable ? 'unreachable' : 'failed', msg, result: { failed: true, msg }, durationMs: performance.now() - started } });
    }
  })));
  pc.opts.reporter.event({ type: 'task_end', name: title, durationMs: performance.now() - taskStarted });
}

/** Role argument specs are checked for every host before any task runs, so bad input touches nothing. */
function validateRoleArguments(pc: PlayContext, hosts: HostRun[]): void {
  for (const use of pc.pv.play.roles) {
    const spec = use.role.argSpec;
    if (!spec) continue;
    for (const h of hosts) {
      const vars = hostTaskVars(pc.pv, h, use, {});
      const locate = varLocator(pc.pv, h, use, {});
      const given = Object.fromEntries(Object.keys(spec).filter((k) => vars[k] !== undefined).map((k) => [k, vars[k]]));
      registerArgSecrets(pc.opts.secrets ?? runSecrets, spec, given, false);
      try {
        // a wrong value is shown where it is written (the role entry, vars, defaults), naming the option it breaks
        validateArgs(spec, given, {
          module: `role ${use.role.name}`, location: use.loc, locate, declared: (option) => use.role.argSpecLocations?.[option],
        });
      } catch (err) {
        if (err instanceof TsrunError) throw new TsrunError(err.code, `${err.message} (host ${h.name})`, { location: err.location, expected: err.expected });
        throw err;
      }
    }
  }
}
