import { renameSync, writeFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import type { Reporter } from '../executor/events';
import type { RunOptions } from '../executor/options';
import { fingerprint } from './fingerprint';
import { PlanRecorder } from './recorder';
import { secretValues } from './secrets';
import type { SavedPlan } from './types';

/** `--check --plan FILE`: records the run and, once it ends, writes the plan (atomically, mode 0600). */
export interface PlanSession {
  reporter: Reporter;
  observe: NonNullable<RunOptions['observe']>;
  /** Writes the plan; called once every playbook ran. */
  save(): void;
}

/** Starts recording a --check run into a saved plan. */
export async function startPlan(file: string, playbooks: string[], opts: Omit<RunOptions, 'reporter'> & { reporter: Reporter }, askedSecrets: string[]): Promise<PlanSession> {
  if (!opts.check) throw new TsrunError('USAGE', '--plan needs --check: a plan is what a check predicts', { expected: 'tsrun playbook site.yml --check --plan plan.json' });
  const secrets = await secretValues(opts.inventory, playbooks[0], opts.extraVars, askedSecrets);
  const recorder = new PlanRecorder(opts.reporter, secrets);
  return {
    reporter: recorder,
    observe: (host, key, value) => recorder.observe(host, key, value),
    save() {
      const plan: SavedPlan = {
        format: 'tsrun-plan',
        version: 1,
        created: new Date().toISOString(),
        playbooks,
        inventory: opts.inventory,
        fingerprint: fingerprint({ playbooks, inventory: opts.inventory, extraVars: opts.extraVars, limit: opts.limit, tags: opts.tags, skipTags: opts.skipTags, exclude: [file] }),
        hosts: Object.fromEntries(recorder.hosts),
      };
      const tmp = `${file}.tmp-${process.pid}`;
      writeFileSync(tmp, `${JSON.stringify(plan, null, 1)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}
