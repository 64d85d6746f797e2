import type { Connection } from '../connection/types';
import { emptyStats, type HostStats } from './events';
import { HostModel } from '../predict/model';

/** One host's state through a run: its variables, facts, failures and notified handlers. */
export class HostRun {
  /** Gathered facts, as `ansible_*` names. */
  facts: Record<string, unknown> = {};
  /** Variables from set_fact and register, which outlive the task. */
  readonly hostFacts: Record<string, unknown> = {};
  failed = false;
  /** The task that failed this host last and its result: a rescue sees them as ansible_failed_task/_result. */
  lastFailure?: { task: Record<string, unknown>; result: Record<string, unknown> };
  unreachable = false;
  /** meta: end_host, or end_play for everyone. */
  ended = false;
  readonly notified = new Set<string>();
  readonly stats: HostStats = emptyStats();
  conn?: Connection;
  /** --check: what the earlier tasks would have changed on this host. */
  readonly model = new HostModel();

  constructor(
    readonly name: string,
    /** Inventory variables, already merged by precedence (groups, then the host). */
    readonly inventoryVars: Record<string, unknown>,
  ) {}

  /** Whether the host still takes tasks. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  /** The gathered facts without their `ansible_` prefix, as `ansible_facts` shows them. */
  ansibleFacts(): Record<string, unknown> {
    return stripPrefix(this.facts);
  }

  /** What `hostvars[name]` shows other hosts: inventory variables, facts, set_fact and registered results. */
  visibleVars(): Record<string, unknown> {
    return { ...this.inventoryVars, ...this.facts, ansible_facts: this.ansibleFacts(), ...this.hostFacts };
  }
}

function stripPrefix(facts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v]));
}
