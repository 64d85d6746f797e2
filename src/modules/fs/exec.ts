import { TsrunError } from '../../core/errors';
import type { ExecResult } from '../../connection/types';
import type { ModuleContext } from '../types';

/** Runs a script on the host with the task's become, environment and timeout; a non-zero exit is a task failure. */
export async function sh(ctx: ModuleContext, script: string, what: string, stdin?: string | Buffer): Promise<ExecResult> {
  const r = await ctx.conn.exec(script, { become: ctx.become, env: ctx.environment, timeoutMs: ctx.timeoutMs, stdin });
  if (r.rc !== 0) {
    const detail = r.timedOut ? 'timed out' : (r.stderr.trim() || r.stdout.trim() || `exit ${r.rc}`);
    throw new TsrunError('TASK', `${what}: ${detail}`);
  }
  return r;
}
