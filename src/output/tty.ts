import { Listr, type ListrTaskWrapper, type DefaultRenderer, type SimpleRenderer } from 'listr2';
import type { HostResult, Reporter, RunEvent } from '../executor/events';
import { renderDiffs } from './diff';
import { itemLines, recapLine, resultLine, seconds } from './format';

type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof SimpleRenderer>;

interface TaskView {
  name: string;
  hosts: number;
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

  constructor(private readonly verbosity = 0) {}

  event(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        return this.print(`\nPLAY [${e.name}] (${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'})`);
      case 'task_start':
        return this.startTask(e.handler ? `handler: ${e.name}` : e.name, e.hosts.length);
      case 'host_result':
        return this.result(e.result);
      case 'task_end':
        return this.current?.finish();
      case 'warning':
        return this.print(`[WARNING]: ${e.message}`);
      case 'recap': {
        const width = Math.max(0, ...Object.keys(e.stats).map((h) => h.length));
        const lines = Object.entries(e.stats).map(([h, s]) => recapLine(h, s, width));
        return this.print(`\nPLAY RECAP\n${lines.join('\n')}\n\nfinished in ${seconds(e.durationMs)}`);
      }
    }
  }

  private startTask(name: string, hosts: number): void {
    let finish!: () => void;
    const done = new Promise<void>((res) => (finish = res));
    const state: TaskView = { results: [], hosts, finish, name };
    this.current = state;
    const listr = new Listr(
      [{
        title: name,
        task: async (_ctx, wrapper) => {
          state.wrapper = wrapper as Wrapper;
          this.refresh();
          await done;
          wrapper.title = `${name}  ${summary(state.results)}`;
          if (state.results.some((r) => r.status === 'failed' && !r.ignored)) throw new Error(`${name}  ${summary(state.results)}`);
        },
      }],
      { exitOnError: false, rendererOptions: { collapseErrors: true, showErrorMessage: true }, silentRendererCondition: false },
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
    c.wrapper.output = `${c.results.length}/${c.hosts} hosts  ${summary(c.results)}`;
  }

  /** Failures, debug output and diffs stay on screen once the task is done. */
  private afterTask(results: HostResult[]): void {
    const lines: string[] = [];
    for (const r of results) {
      const notable = r.status === 'failed' || r.status === 'unreachable' || r.debug !== undefined || (r.diff?.length ?? 0) > 0 || this.verbosity > 0;
      if (!notable) continue;
      lines.push(`    ${resultLine(r)}`, ...itemLines(r).map((l) => `    ${l}`));
      const diff = renderDiffs(r.diff);
      if (diff) lines.push(diff);
    }
    if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
  }

  private print(text: string): void {
    this.chain = this.chain.then(() => process.stdout.write(`${text}\n`));
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

function summary(results: HostResult[]): string {
  const n = (s: string) => results.filter((r) => r.status === s && !r.ignored).length;
  const parts = [['ok', n('ok')], ['changed', n('changed')], ['skipped', n('skipped')], ['unknown', n('unknown')], ['failed', n('failed')], ['unreachable', n('unreachable')], ['ignored', results.filter((r) => r.ignored).length]];
  return parts.filter(([, v]) => (v as number) > 0).map(([k, v]) => `${k}=${v}`).join(' ');
}
