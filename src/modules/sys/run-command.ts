import { quote } from '../../connection/shell';
import type { Applied, ModuleContext, Plan, ReturnSpec, StateModuleDef } from '../types';
import { hostExec, lines, marker } from './exec';
import type { HostModel } from '../../predict/model';
import { arg, optional, type PropsOf } from '../schema';

/** Arguments shared by `command` and `shell`, as Ansible names them. */
export const commonArgs = {
  cmd: optional(arg.str('The command to run (the free-form text of the task).')),
  creates: optional(arg.path('A path (glob allowed); when it already exists, the command is not run.')),
  removes: optional(arg.path('A path (glob allowed); when it does not exist, the command is not run.')),
  chdir: optional(arg.path('Change into this directory before running the command.')),
  stdin: optional(arg.str('Text fed to the command on its standard input.')),
  stdin_add_newline: arg.bool('Append a newline to stdin.', { default: true }),
  strip_empty_ends: arg.bool('Strip trailing newlines from stdout and stderr.', { default: true }),
};

/** What `command` and `shell` return, as Ansible's do. */
export const commandReturns: ReturnSpec = {
  cmd: { type: 'raw', returned: 'always', description: 'The command as run (a string for shell, a list of words for command).', sample: ['echo', 'hello'] },
  rc: { type: 'int', returned: 'always', description: "The command's exit status (0 in check mode and when creates/removes skipped it).", sample: 0 },
  stdout: { type: 'str', returned: 'always', description: 'Standard output, trailing newlines stripped.', sample: 'hello' },
  stderr: { type: 'str', returned: 'when the command ran', description: 'Standard error, trailing newlines stripped.', sample: '' },
  stdout_lines: { type: 'list', returned: 'always', description: 'stdout split into lines.', sample: ['hello'] },
  stderr_lines: { type: 'list', returned: 'when the command ran', description: 'stderr split into lines.', sample: [] },
  start: { type: 'str', returned: 'when the command ran', description: 'When the command started (local time of the controller).', sample: '2026-12-01 10:00:00.000000' },
  end: { type: 'str', returned: 'when the command ran', description: 'When the command ended.', sample: '2026-12-01 10:00:00.004000' },
  delta: { type: 'str', returned: 'when the command ran', description: 'How long it ran.', sample: '0:00:00.004213' },
};

/** The arguments `command` and `shell` share, after validation. */
export type CommandArgsBase = PropsOf<typeof commonArgs>;

/** What to run: the script text for `sh -c`, and `cmd` as the result should show it. */
export interface Invocation {
  script: string;
  shown: unknown;
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdinNewline: boolean;
  strip: boolean;
}

/** Quotes a path for sh but leaves `*` and `?` active, so creates/removes accept globs as in Ansible. */
export function quoteGlob(path: string): string {
  return path
    .split(/([*?])/)
    .map((part) => (part === '*' || part === '?' ? part : part === '' ? '' : quote(part)))
    .join('');
}

/** A sh condition that is true when something matches the (glob) path. */
function existsTest(path: string): string {
  return `( for f in ${quoteGlob(path)}; do [ -e "$f" ] || [ -L "$f" ] && exit 0; done; exit 1 )`;
}

/** The guard that skips the command: prints the marker and why, then exits. Pure, for tests. */
export function guardScript(inv: Pick<Invocation, 'creates' | 'removes'>, mark: string): string {
  const parts: string[] = [];
  if (inv.creates) parts.push(`if ${existsTest(inv.creates)}; then printf '%s' ${quote(`${mark}creates`)}; exit 0; fi`);
  if (inv.removes) parts.push(`if ! ${existsTest(inv.removes)}; then printf '%s' ${quote(`${mark}removes`)}; exit 0; fi`);
  return parts.join('\n');
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function delta(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${String(Math.round((ms % 1000) * 1000)).padStart(6, '0')}`;
}

/** The invocation for a script, with the guard, directory and stdin the task's arguments ask for. */
export function invocation(args: CommandArgsBase, script: string, shown: unknown): Invocation {
  return {
    script, shown, creates: args.creates, removes: args.removes, chdir: args.chdir,
    stdin: args.stdin, stdinNewline: args.stdin_add_newline, strip: args.strip_empty_ends,
  };
}

/** What the read found: the guard that stops the command, a missing chdir, or nothing that stops it. */
export type GuardState = 'creates' | 'removes' | 'chdir' | 'run';

/** The read/plan/apply state of command and shell: what to run and what the read found. */
export interface CommandState {
  inv: Invocation;
  guard: GuardState;
}

/**
 * Reads whether creates/removes stop the command, after changing into chdir as Ansible does (so a relative path is
 * found there). Without creates/removes nothing is read; in a --check run an earlier task's predicted path decides.
 */
export async function readGuard(ctx: ModuleContext, inv: Invocation): Promise<CommandState> {
  if (!inv.creates && !inv.removes) return { inv, guard: 'run' };
  const predicted = ctx.model ? modelGuard(ctx.model, inv) : undefined;
  if (predicted) return { inv, guard: predicted };
  const mark = marker();
  const r = await hostExec(ctx, [chdirScript(inv, mark), guardScript(inv, mark), 'exit 0'].filter(Boolean).join('\n'));
  const kind = r.stdout.startsWith(mark) ? r.stdout.slice(mark.length) : 'run';
  return { inv, guard: kind === 'creates' || kind === 'removes' || kind === 'chdir' ? kind : 'run' };
}

function chdirScript(inv: Invocation, mark: string): string {
  return inv.chdir ? `cd ${quote(inv.chdir)} || { printf '%s' ${quote(`${mark}chdir`)}; exit 1; }` : '';
}

const WOULD_RUN = 'Command would have run if not in check mode';

/** Ansible's outcome of command/shell before running it: stopped by creates/removes, failed chdir, or it runs. Pure. */
export function planCommand({ inv, guard }: CommandState): Plan<Invocation> {
  const base = { cmd: inv.shown, rc: 0 };
  if (guard === 'chdir') return { changed: false, failed: true, diff: [], msg: `Unable to change directory before execution: ${inv.chdir}`, data: { ...base, rc: 1 } };
  if (guard !== 'run') {
    const [why, stdout] = guard === 'creates'
      ? [`'${inv.creates}' exists`, `skipped, since ${inv.creates} exists`]
      : [`'${inv.removes}' does not exist`, `skipped, since ${inv.removes} does not exist`];
    return { changed: false, diff: [], msg: `Did not run command since ${why}`, data: { ...base, stdout, stdout_lines: [stdout], stderr: '', stderr_lines: [] } };
  }
  // without creates/removes nothing tells what the command would do: check mode skips it (Ansible's partial support)
  const unchecked = inv.creates || inv.removes ? undefined : 'the command would run, and what it prints or changes cannot be known without running it';
  return { changed: true, diff: [], msg: WOULD_RUN, change: inv, data: { ...base, stdout: '', stdout_lines: [] }, ...(unchecked ? { unchecked } : {}) };
}

/** Runs the command (the plan said it runs): chdir, stdin, rc, timing, Ansible's result. */
export async function applyCommand(ctx: ModuleContext, inv: Invocation): Promise<Applied> {
  const mark = marker();
  const script = [chdirScript(inv, mark), inv.script].filter(Boolean).join('\n');
  const stdin = inv.stdin === undefined ? undefined : inv.stdin + (inv.stdinNewline ? '\n' : '');
  const started = new Date();
  const r = await hostExec(ctx, script, { stdin });
  const ended = new Date();
  const timing = { start: stamp(started), end: stamp(ended), delta: delta(ended.getTime() - started.getTime()) };
  if (r.stdout.startsWith(`${mark}chdir`)) return { result: { changed: false, failed: true, msg: `Unable to change directory before execution: ${inv.chdir}`, data: { cmd: inv.shown, rc: 1 } } };
  const strip = (s: string) => (inv.strip ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const data = { cmd: inv.shown, rc: r.rc, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), ...timing };
  if (r.timedOut) {
    return { result: { changed: false, failed: true, msg: `command timed out after ${+((ctx.timeoutMs ?? 0) / 1000).toFixed(1)} s`, data } };
  }
  return { result: r.rc === 0 ? { changed: true, msg: '', data } : { changed: true, failed: true, msg: 'non-zero return code', data } };
}

/** command and shell on the one contract: each gives only how its arguments become the script to run. */
export function commandContract<A extends CommandArgsBase>(build: (args: A) => Invocation): Pick<StateModuleDef<A, CommandState, Invocation>, 'read' | 'plan' | 'apply'> {
  return {
    read: (ctx, args) => readGuard(ctx, build(args)),
    plan: (state) => planCommand(state),
    apply: (ctx, _args, _plan, state) => applyCommand(ctx, state.inv),
  };
}

/** creates/removes decided by the model when an earlier task would create or remove that (plain) path. */
function modelGuard(model: HostModel, inv: Invocation): GuardState | undefined {
  const known = (p: string | undefined) => (p === undefined || /[*?[]/.test(p) ? undefined : model.lookup(p));
  const c = known(inv.creates);
  const r = known(inv.removes);
  if (c && c.type !== 'absent') return 'creates';
  if (r && r.type === 'absent') return 'removes';
  if ((inv.creates === undefined || c) && (inv.removes === undefined || r)) return 'run';
  return undefined;
}
