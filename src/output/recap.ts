import { styleText } from 'node:util';
import { emptyStats, tally, type HostResult, type HostStats, type RunEvent } from '../executor/events';
import { commandOutput, seconds } from './format';
import { byHostName } from '../core/host-order';

/** Hosts beyond this many in the recap are grouped by identical counts. */
const GROUP_ABOVE = 10;

type Style = Parameters<typeof styleText>[0];

/** Colours text when colour is on (a terminal, no NO_COLOR, TERM not dumb). */
export type Paint = (style: Style, text: string) => string;

/** Whether a stream should get colour. */
export function colourFor(out: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(out.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** A painter that colours, or leaves text alone. */
export function painter(colour: boolean): Paint {
  return colour ? (style, text) => styleText(style, text) : (_s, text) => text;
}

/** The colour of a host's result line, as Ansible's: ok green, changed yellow, failed red, skipped cyan. */
export function resultStyle(r: HostResult): Style {
  if (r.ignored) return 'cyan';
  return r.status === 'ok' ? 'green' : r.status === 'changed' ? 'yellow' : r.status === 'skipped' ? 'cyan' : 'red';
}

interface Failure {
  host: string;
  task: string;
  location?: string;
  msg: string;
  status: 'failed' | 'unreachable';
}

/** What a run's end shows beyond the counts: failures again, changed hosts, slow tasks; kept from the events. */
export class RunTally {
  readonly failures: Failure[] = [];
  readonly changed = new Set<string>();
  /** Counts seen so far, for a recap on Ctrl-C before the run's own. */
  readonly stats = new Map<string, HostStats>();
  private readonly tasks = new Map<string, { location?: string; started: number; ms: number }>();
  private readonly started = performance.now();

  /** Feeds one event. */
  see(e: RunEvent): void {
    if (e.type === 'task_start') this.tasks.set(e.name, { location: e.location, started: performance.now(), ms: 0 });
    if (e.type === 'task_end') {
      const t = this.tasks.get(e.name);
      if (t) t.ms += performance.now() - t.started;
    }
    if (e.type === 'host_result') this.result(e.task, e.result);
  }

  private result(task: string, r: HostResult): void {
    const s = this.stats.get(r.host) ?? emptyStats();
    this.stats.set(r.host, s);
    tally(s, r);
    if (r.status === 'changed') this.changed.add(r.host);
    if ((r.status === 'failed' && !r.ignored) || r.status === 'unreachable') {
      this.failures.push({ host: r.host, task, location: this.tasks.get(task)?.location, msg: `${r.msg ?? 'failed'}${r.status === 'failed' ? commandOutput(r.result) : ''}`, status: r.status });
    }
  }

  /** The slowest tasks by wall time, as profile_tasks shows them. */
  slowest(n: number): { name: string; ms: number }[] {
    return [...this.tasks.entries()].map(([name, t]) => ({ name, ms: t.ms })).sort((a, b) => b.ms - a.ms).slice(0, n);
  }

  /** Milliseconds since the tally started. */
  elapsed(): number {
    return performance.now() - this.started;
  }
}

const COUNTS: (keyof HostStats)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];
const STYLE: Record<keyof HostStats, Style> = { ok: 'green', changed: 'yellow', unreachable: 'red', failed: 'red', skipped: 'cyan', rescued: 'magenta', ignored: 'magenta', unknown: 'blue' };

function hostStyle(s: HostStats): Style {
  if (s.failed || s.unreachable) return 'red';
  return s.changed ? 'yellow' : 'green';
}

function counts(s: HostStats, paint: Paint): string {
  // unknown (a check's unpredictable outcomes) is shown only when there are some, as format.ts does
  const shown = s.unknown ? [...COUNTS, 'unknown' as const] : COUNTS;
  return shown.map((k) => (s[k] > 0 ? paint(STYLE[k], `${k}=${s[k]}`) : `${k}=${s[k]}`)).join(' ');
}

/**
 * The end of a run: the recap (hosts with the same counts grouped when there are many), then every failure
 * again with host, task, message and file:line, the changed hosts, the run time and, with -v, the slowest tasks.
 */
export function renderRecap(stats: Record<string, HostStats>, durationMs: number, tally: RunTally, paint: Paint, verbosity: number): string {
  const lines = ['', `PLAY RECAP ${'*'.repeat(60)}`];
  const hosts = Object.entries(stats);
  const width = Math.max(0, ...hosts.map(([h]) => h.length));
  if (hosts.length <= GROUP_ABOVE) {
    for (const [h, s] of hosts) lines.push(`${paint(hostStyle(s), h.padEnd(width))} : ${counts(s, paint)}`);
  } else {
    const groups = new Map<string, string[]>();
    for (const [h, s] of hosts) {
      // a host that failed is always named on its own line
      const key = s.failed || s.unreachable ? `host:${h}` : counts(s, (_st, t) => t);
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    for (const names of groups.values()) {
      const s = stats[names[0]];
      const label = names.length === 1 ? names[0].padEnd(width) : `${names.length} hosts`.padEnd(width);
      lines.push(`${paint(hostStyle(s), label)} : ${counts(s, paint)}${names.length > 1 ? `  (${abbreviate(names)})` : ''}`);
    }
  }
  if (tally.failures.length) {
    lines.push('', paint('red', `FAILURES (${tally.failures.length}) ${'*'.repeat(40)}`));
    for (const f of tally.failures) {
      lines.push(`${paint('red', `${f.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED'}: [${f.host}]`)} TASK [${f.task}]${f.location ? ` at ${f.location}` : ''}`);
      lines.push(...f.msg.split('\n').slice(0, 12).map((l) => `    ${l}`));
    }
  }
  if (tally.changed.size) lines.push('', `changed (${tally.changed.size}): ${abbreviate([...tally.changed].sort(byHostName), 20)}`);
  lines.push('', `finished in ${seconds(durationMs)}`);
  if (verbosity > 0) {
    const slow = tally.slowest(5);
    if (slow.length) lines.push('', 'slowest tasks:', ...slow.map((t) => `  ${seconds(t.ms).padStart(9)}  ${t.name}`));
  }
  return lines.join('\n');
}

/** A list of names, the first `max` of them and a count of the rest. */
function abbreviate(names: string[], max = 6): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
