import { createInterface } from 'node:readline/promises';
import picomatch from 'picomatch';
import { TsrunError } from '../core/errors';
import { didYouMean } from '../modules/args';
import type { Play } from '../playbook/types';
import { playTasks } from './listing';

/** Whether a task's display name (`role : name`) is the one --start-at-task names: whole, bare, or as a glob. */
export function matchesTask(title: string, wanted: string): boolean {
  const bare = title.includes(' : ') ? title.slice(title.indexOf(' : ') + 3) : title;
  const glob = picomatch(wanted, { dot: true, bash: true });
  return title === wanted || bare === wanted || glob(title) || glob(bare);
}

/** --start-at-task: checked against the loaded plays before any host is touched. */
export function checkStartAt(plays: Play[], wanted: string): void {
  const names = plays.flatMap(playTasks).map((t) => t.name);
  if (!names.some((n) => matchesTask(n, wanted))) {
    throw new TsrunError('USAGE', `--start-at-task: no task named "${wanted}"${didYouMean(wanted, names)} (only tasks known when the playbook is loaded count, as in Ansible: not those of include_tasks)`);
  }
}

/** Builds the gate that decides, task by task, what runs under --start-at-task and --step. */
export function taskGate(opts: { startAt?: string; step?: boolean }): ((task: { name: string }) => Promise<boolean>) | undefined {
  if (!opts.startAt && !opts.step) return undefined;
  let started = !opts.startAt;
  let stepping = Boolean(opts.step);
  return async ({ name }) => {
    if (!started) started = matchesTask(name, opts.startAt!);
    if (!started) return false;
    if (!stepping) return true;
    const answer = await ask(`Perform task: TASK: ${name} (N)o/(y)es/(c)ontinue: `);
    if (answer === 'c' || answer === 'continue') stepping = false;
    return answer === 'y' || answer === 'yes' || answer === 'c' || answer === 'continue';
  };
}

/** One reader for the whole run, so answers typed ahead are kept for the next question. */
let lines: { next(): Promise<IteratorResult<string>> } | undefined;

async function ask(question: string): Promise<string> {
  if (!lines) {
    const rl = createInterface({ input: process.stdin, terminal: false });
    rl.on('close', () => process.stdin.unref?.());
    lines = rl[Symbol.asyncIterator]();
  }
  process.stderr.write(question);
  const answer = await lines.next();
  // end of input (Ctrl-D) answers no
  return answer.done ? '' : answer.value.trim().toLowerCase();
}

/** --step needs a person at a terminal: refuse up front otherwise. */
export function checkStepTerminal(step: boolean | undefined, json: boolean | undefined): void {
  if (!step) return;
  if (!process.stdin.isTTY) throw new TsrunError('USAGE', '--step asks before each task and needs a terminal on stdin; none here');
  if (json) throw new TsrunError('USAGE', '--step cannot be combined with --json');
}
