import { EXIT } from '../cli/exit-codes';
import { PACKAGE_VERSION } from '../cli/version';
import { TsrunError } from '../core/errors';
import type { Reporter } from '../executor/events';
import type { RunOptions } from '../executor/options';
import { runPlaybook } from '../executor/playbook';
import { compareHost, readPlan } from './file';
import { fingerprint, fingerprintChanges } from './fingerprint';
import { PlanRecorder } from './recorder';

/** What `tsrun apply` needs besides the plan: the run's settings that a plan does not store. */
export type ApplySettings = Pick<RunOptions, 'forks' | 'extraVars' | 'verbosity' | 'connection' | 'diff'> & { reporter: Reporter; write: (text: string) => void };

const silent: Reporter = { event() {}, close: async () => {} };

/**
 * Applies a saved plan: refuses it whole when its inputs changed; checks every host again and refuses those whose
 * predicted tasks or state differ from the plan; runs the others for real, re-reading the state before each change
 * (a host whose state moved since is refused at that task). Returns the exit code.
 */
export async function applyPlan(file: string, s: ApplySettings): Promise<number> {
  const plan = readPlan(file);
  s.reporter.event({ type: 'run_start', command: 'apply', playbooks: plan.playbooks, check: false, diff: s.diff, verbosity: s.verbosity, version: PACKAGE_VERSION });
  const f = plan.fingerprint;
  const base = { inventory: plan.inventory, limit: f.limit, tags: f.tags, skipTags: f.skipTags, ...s };
  const now = fingerprint({ playbooks: plan.playbooks, inventory: plan.inventory, extraVars: s.extraVars, limit: f.limit, tags: f.tags, skipTags: f.skipTags, exclude: [file] });
  if (now.digest !== f.digest) {
    s.write(`REFUSED: the plan ${file} no longer matches its inputs; nothing was applied:\n${fingerprintChanges(f, now).map((l) => `  - ${l}\n`).join('')}`);
    await s.reporter.close();
    return EXIT.PLAN_STALE;
  }
  const again = new PlanRecorder(silent);
  for (const pb of plan.playbooks) await runPlaybook(pb, { ...base, check: true, reporter: again, observe: (h, k, v) => again.observe(h, k, v) });
  const refused = new Map<string, string[]>();
  for (const [host, tasks] of Object.entries(plan.hosts)) {
    const diffs = compareHost(tasks, again.hosts.get(host) ?? []);
    if (diffs.length) refused.set(host, diffs);
  }
  for (const [host, diffs] of refused) s.write(`REFUSED ${host}: its state no longer matches the plan; nothing applied there:\n${diffs.map((l) => `  - ${l}\n`).join('')}`);
  const accepted = Object.keys(plan.hosts).filter((h) => !refused.has(h));
  if (accepted.length === 0) {
    await s.reporter.close();
    return EXIT.PLAN_DRIFT;
  }
  const live = new PlanRecorder(s.reporter);
  const moved = new Set<string>();
  const verify = (host: string, key: string, value: string) => {
    const planned = plan.hosts[host]?.[live.index(host)]?.basis[key];
    live.observe(host, key, value);
    if (planned !== undefined && planned !== value) {
      moved.add(host);
      throw new TsrunError('TASK', `refused: ${key} changed since the plan was checked (planned on "${planned}", now "${value}")`);
    }
  };
  let failed = false;
  try {
    for (const pb of plan.playbooks) {
      const r = await runPlaybook(pb, { ...base, check: false, limit: accepted.join(','), reporter: live, observe: verify });
      failed ||= r.failed || r.unreachable;
    }
  } finally {
    await live.close();
  }
  if (refused.size || moved.size) return EXIT.PLAN_DRIFT;
  return failed ? EXIT.FAILED_HOSTS : EXIT.OK;
}
