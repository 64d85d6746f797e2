import { readFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import type { PlannedTask, SavedPlan } from './types';

/** Reads a saved plan, or fails naming what is wrong with it. */
export function readPlan(file: string): SavedPlan {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TsrunError('NOT_FOUND', `could not read the plan ${file}: ${err instanceof Error ? err.message : String(err)}`, { expected: 'a file written by tsrun playbook --check --plan FILE' });
  }
  const p = data as Partial<SavedPlan>;
  if (p.format !== 'tsrun-plan' || p.version !== 1 || !p.hosts || !p.fingerprint || !Array.isArray(p.playbooks)) {
    throw new TsrunError('SCHEMA', `${file} is not a tsrun plan (version 1)`, { expected: 'a file written by tsrun playbook --check --plan FILE' });
  }
  return p as SavedPlan;
}

/** What differs between a host's planned tasks and the same host's tasks predicted now: one line each. */
export function compareHost(planned: PlannedTask[], now: PlannedTask[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(planned.length, now.length); i++) {
    const a = planned[i];
    const b = now[i];
    if (!a || !b || a.task !== b.task) {
      out.push(`task ${i + 1}: the plan has ${a ? `"${a.task}"` : 'no task'}, the playbook now runs ${b ? `"${b.task}"` : 'no task'}`);
      break;
    }
    for (const [key, value] of Object.entries(a.basis)) {
      if (b.basis[key] !== undefined && b.basis[key] !== value) out.push(`task "${a.task}": ${key}: planned on "${value}", now "${b.basis[key]}"`);
    }
    if (a.status !== b.status) out.push(`task "${a.task}": planned ${a.status}, would now be ${b.status}${b.msg ? ` (${b.msg})` : ''}`);
  }
  return out;
}
