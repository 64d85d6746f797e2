import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from 'listr2';
import type { HostResult, Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';
import { itemLines, resultLine } from './format';
import { painter, renderRecap, resultStyle, RunTally, type Paint } from './recap';

type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface TaskView {
  name: string;
  hosts: string[];
  started: number;
  results: HostResult[];
  finish: () => void;
  wrapper?: Wrapper;
}

/**
 * A terminal view: listr2 shows the running task with live per-host counts; finished tasks leave one line
 * and their failures and diffs. Results are batched into the task's output, so 100 hosts cost one redraw each.
 */
export class TtyReporter implements Reporter {
  private chain: Promise<unknown> = Promise.resolve();
  private current?: TaskView;
  private readonly tally = new RunTally();
  private readonly paint: Paint;
  /** Redraws the running task's elapsed time while no result arrives. */
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly verbosity = 0,
    colour = process.env.NO_COLOR === undefined,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.paint = painter(colour);
  }

  event(e: RunEvent): void {
    this.tally.see(e);
    switch (e.type) {
      case 'play_start':
        return this.print(`\nPLAY [${e.name}] (${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'})`);
      case 'task_start':
        // facts are gathered on the first connection to each host: say so, since at scale it takes seconds
        return this.startTask(e.handler ? `handler: ${e.name}` : e.name === 'Gathering Facts' ? 'Gathering Facts (connecting)' : e.name, e.hosts);
      case 'host_result':
        return this.result(e.result);
      case 'task_end':
        return this.current?.finish();
      case 'warning':
        return this.print(`[WARNING]: ${e.message}`);
      case 'log':
        // printed under the task's block once it is drawn, so the live view does not flicker
        if (e.level <= this.verbosity) this.print(e.host ? `<${e.host}> ${e.text}` : e.text);
        return;
      case 'recap':
        return this.print(renderRecap(e.stats, e.durationMs, this.tally, this.paint, this.verbosity));
    }
  }

  /** Ctrl-C: stop drawing, then the counts so far. */
  interrupted(): void {
    clearInterval(this.ticker);
    this.out.write(`\x1b[?25h\n${renderRecap(Object.fromEntries(this.tally.stats), this.tally.elapsed(), this.tally, this.paint, this.verbosity)}\n`);
  }

  private startTask(name: string, hosts: string[]): void {
    let finish!: () => void;
    const done = new Promise<void>((res) => (finish = res));
    const state: TaskView = { results: [], hosts, finish, name, started: performance.now() };
    this.current = state;
    const listr = new Listr(
      [{
        title: name,
        task: async (_ctx, wrapper) => {
          state.wrapper = wrapper as Wrapper;
          state.started = performance.now();
          this.refresh();
          this.ticker = setInterval(() => this.refresh(), 1000);
          this.ticker.unref();
          await done;
          clearInterval(this.ticker);
          wrapper.title = `${name}  ${summary(state.results)}  ${elapsed(state.started)}`;
          if (state.results.some((r) => r.status === 'failed' && !r.ignored)) throw new Error(`${name}  ${summary(state.results)}`);
        },
      }],
      // tsrun handles Ctrl-C itself (recap, exit 130), not listr2
      { exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: true, showErrorMessage: true }, silentRendererCondition: false },
    );
    this.chain = this.chain.then(() => listr.run().catch(() => undefined)).then(() => this.afterTask(state.results));
  }

  private result(r: HostResult): void {
    this.current?.results.push(r);
    this.refresh();
  }

  private refresh(): void {
    const c = this.current;
    if (!c?.wrapper) return;
    const finished = new Set(c.results.map((r) => r.host));
    const running = c.hosts.filter((h) => !finished.has(h));
    const head = `${c.results.length}/${c.hosts.length} hosts  ${elapsed(c.started)}  ${summary(c.results)}`.trimEnd();
    const width = Math.max(20, (this.out.columns ?? 80) - 6);
    // the names of the hosts still running, on a terminal wide enough for them; their count always
    const names = running.length && width >= 94 ? `  running (${running.length}): ${fit(running, width - head.length - 16)}` : running.length ? `  ${running.length} running` : '';
    c.wrapper.output = (head + names).slice(0, width);
  }

  /** Failures, debug output and diffs stay on screen once the task is done. */
  private afterTask(results: HostResult[]): void {
    const lines: string[] = [];
    for (const r of results) {
      const notable = r.status === 'failed' || r.status === 'unreachable' || r.debug !== undefined || (r.diff?.length ?? 0) > 0 || this.verbosity > 0;
      if (!notable) continue;
      lines.push(`    ${this.paint(resultStyle(r), resultLine(r))}`, ...itemLines(r).map((l) => `    ${l}`));
      const diff = renderDiffs(r.diff);
      if (diff) lines.push(diff);
    }
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
  }

  private print(text: string): void {
    this.chain = this.chain.then(() => this.out.write(`${text}\n`));
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

/** As many names as fit in `room` columns, whole, then `…` for the rest. */
function fit(names: string[], room: number): string {
  const shown: string[] = [];
  let used = 0;
  for (const n of names) {
    if (used + n.length + 2 > room) return `${shown.join(' ')} …`;
    shown.push(n);
    used += n.length + 1;
  }
  return shown.join(' ');
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}

function summary(results: HostResult[]): string {
  const n = (s: string) => results.filter((r) => r.status === s && !r.ignored).length;
  const parts = [['ok', n('ok')], ['changed', n('changed')], ['skipped', n('skipped')], ['unknown', n('unknown')], ['failed', n('failed')], ['unreachable', n('unreachable')], ['ignored', results.filter((r) => r.ignored).length]];
  return parts.filter(([, v]) => (v as number) > 0).map(([k, v]) => `${k}=${v}`).join(' ');
}
