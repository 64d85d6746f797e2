import { quote } from '../../connection/shell';
import type { ModuleContext, ModuleResult, ReturnSpec } from '../types';
import { hostExec, lines, marker } from './exec';
import { Unpredictable } from '../../predict/unknown';
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

function skipMsg(kind: string, inv: Invocation): string {
  return kind === 'creates' ? `skipped, since ${inv.creates} exists` : `skipped, since ${inv.removes} does not exist`;
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

/** Runs a command with Ansible's command/shell semantics: guard, chdir, stdin, rc, timing, check mode. */
export async function runCommand(ctx: ModuleContext, inv: Invocation): Promise<ModuleResult> {
  const mark = marker();
  const guard = guardScript(inv, mark);
  if (ctx.check) {
    if (!guard && ctx.model) throw new Unpredictable('the command would run, and what it prints or changes cannot be known without running it');
    if (!guard) return { changed: false, skipped: true, msg: 'command would run; its outcome cannot be predicted in check mode' };
    const predicted = ctx.model ? modelGuard(ctx.model, inv) : undefined;
    if (predicted === 'run') return { changed: true, msg: 'command would run (its outcome is not predicted in check mode)', data: { cmd: inv.shown, rc: 0 } };
    if (predicted) return { changed: false, msg: skipMsg(predicted, inv), data: { cmd: inv.shown, rc: 0, stdout: skipMsg(predicted, inv), stdout_lines: [skipMsg(predicted, inv)] } };
    const r = await hostExec(ctx, `${guard}\nexit 0`);
    const kind = r.stdout.startsWith(mark) ? r.stdout.slice(mark.length) : undefined;
    if (kind) return { changed: false, msg: skipMsg(kind, inv), data: { cmd: inv.shown, rc: 0, stdout: skipMsg(kind, inv), stdout_lines: [skipMsg(kind, inv)] } };
    return { changed: true, msg: 'command would run (its outcome is not predicted in check mode)', data: { cmd: inv.shown, rc: 0 } };
  }
  const cd = inv.chdir ? `cd ${quote(inv.chdir)} || { printf '%s' ${quote(`${mark}chdir`)}; exit 1; }` : '';
  const script = [guard, cd, inv.script].filter(Boolean).join('\n');
  const stdin = inv.stdin === undefined ? undefined : inv.stdin + (inv.stdinNewline ? '\n' : '');
  const started = new Date();
  const r = await hostExec(ctx, script, { stdin });
  const ended = new Date();
  const timing = { start: stamp(started), end: stamp(ended), delta: delta(ended.getTime() - started.getTime()) };
  if (r.stdout.startsWith(mark)) {
    const kind = r.stdout.slice(mark.length);
    if (kind === 'chdir') return { changed: false, failed: true, msg: `Unable to change directory before execution: ${inv.chdir}`, data: { cmd: inv.shown, rc: 1 } };
    const msg = skipMsg(kind, inv);
    return { changed: false, msg, data: { cmd: inv.shown, rc: 0, stdout: msg, stdout_lines: [msg], stderr: '', stderr_lines: [] } };
  }
  const strip = (s: string) => (inv.strip ? s.replace(/[\r\n]+$/, '') : s);
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const data = { cmd: inv.shown, rc: r.rc, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), ...timing };
  if (r.timedOut) {
    return { changed: true, failed: true, msg: `command timed out after ${+((ctx.timeoutMs ?? 0) / 1000).toFixed(1)} s`, data };
  }
  return r.rc === 0 ? { changed: true, msg: '', data } : { changed: true, failed: true, msg: 'non-zero return code', data };
}

/** creates/removes decided by the model when an earlier task would create or remove that (plain) path. */
function modelGuard(model: HostModel, inv: Invocation): 'creates' | 'removes' | 'run' | undefined {
  const known = (p: string | undefined) => (p === undefined || /[*?[]/.test(p) ? undefined : model.lookup(p));
  const c = known(inv.creates);
  const r = known(inv.removes);
  if (c && c.type !== 'absent') return 'creates';
  if (r && r.type === 'absent') return 'removes';
  if ((inv.creates === undefined || c) && (inv.removes === undefined || r)) return 'run';
  return undefined;
}
