import type { ExecOptions, ExecResult } from '../../connection/types';
import type { ModuleContext } from '../types';

/** Runs a script on the task's host with the task's become, environment and timeout unless overridden. */
export function hostExec(ctx: ModuleContext, script: string, opts: ExecOptions = {}): Promise<ExecResult> {
  const env = ctx.environment || opts.env ? { ...ctx.environment, ...opts.env } : undefined;
  return ctx.conn.exec(script, { become: ctx.become, timeoutMs: ctx.timeoutMs, ...opts, env });
}

/** Splits output into lines as Ansible's `*_lines` do: no trailing empty line. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** Parses `key=value` lines (the shape our state-reading scripts print) into a map; later keys win. */
export function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}

/** A random marker that a command's own output will not contain, to tell our messages apart from its output. */
export function marker(): string {
  return `__tsrun_${Math.random().toString(36).slice(2, 10)}__`;
}

/** Why a command failed, from its stderr or, failing that, its exit code. */
export function reason(r: ExecResult): string {
  return r.stderr.trim() || r.stdout.trim() || `exit code ${r.rc}`;
}
