import { quote } from '../../connection/shell';
import type { Applied, ModuleContext, ModuleResult, Plan } from '../types';
import type { HostModel } from '../../predict/model';
import { hostExec, reason } from './exec';
import { planService, type ServiceChange, type ServiceOp, type ServiceWant } from './service-plan';
import { parseServiceState, serviceReadScript, type ServiceState } from './service-state';
import { overlayService, predictService } from '../../predict/system';

/** systemd-only options of the systemd module. */
export interface SystemdOptions {
  daemonReload?: boolean;
  daemonReexec?: boolean;
  userScope?: boolean;
  noBlock?: boolean;
}

/** The shell commands for the steps, for systemd or sysvinit. Pure, for tests. */
export function serviceCommands(s: ServiceState, name: string, ops: ServiceOp[], opt: SystemdOptions = {}): string[] {
  const n = quote(name);
  if (s.init === 'systemd') {
    const sc = `systemctl${opt.userScope ? ' --user' : ''}`;
    return ops.map((op) => `${sc}${opt.noBlock && !op.endsWith('able') && !op.endsWith('mask') ? ' --no-block' : ''} ${op} -- ${n}`);
  }
  return ops.map((op) => {
    if (op === 'enable') return s.bootTool === 'chkconfig' ? `chkconfig ${n} on` : `update-rc.d ${n} defaults && update-rc.d ${n} enable`;
    if (op === 'disable') return s.bootTool === 'chkconfig' ? `chkconfig ${n} off` : `update-rc.d ${n} disable`;
    return `if command -v service >/dev/null 2>&1; then service ${n} ${op}; else /etc/init.d/${n} ${op}; fi`;
  });
}

async function readUnit(ctx: ModuleContext, name: string, opt: SystemdOptions): Promise<ServiceState | string> {
  const r = await hostExec(ctx, serviceReadScript(name, opt.userScope));
  if (!r.stdout.includes('init=')) return `could not read the state of service ${name}: ${reason(r)}`;
  return parseServiceState(r.stdout);
}

/** What the service modules read: the unit's state (with what earlier tasks of a --check would leave), or why not. */
export interface ServiceRead {
  want: ServiceWant;
  opt: SystemdOptions;
  st?: ServiceState;
  error?: string;
}

/** Reads the unit; nothing on the host changes (a daemon-reload is apply's work). */
export async function readService(ctx: ModuleContext, want: ServiceWant, opt: SystemdOptions = {}): Promise<ServiceRead> {
  if (!want.name) return { want, opt };
  const read0 = await readUnit(ctx, want.name, opt);
  if (typeof read0 === 'string') return { want, opt, error: read0 };
  // a unit an earlier package of the run provides was predicted, not read: the plan does not rest on its absence
  const fromHost = !ctx.model || (!ctx.model.services.has(want.name) && (read0.exists || ctx.model.installed().length === 0));
  if (ctx.observe && fromHost) ctx.observe(`unit:${want.name}`, `${read0.exists ? 'loaded' : 'not-found'} ${read0.activeWord} ${read0.enabledWord}`);
  return { want, opt, st: ctx.model ? overlayService(ctx.model, read0, want) : read0 };
}

/** Plans the service change from what was read. Pure. */
export function planServiceRead(r: ServiceRead, notes: string[] = []): Plan<ServiceChange> {
  const reload = !!(r.opt.daemonReload || r.opt.daemonReexec);
  if (r.error) return { changed: false, failed: true, diff: [], msg: r.error };
  if (!r.st) return { changed: false, diff: [], msg: notes.join('; ') || 'daemon-reload would run', pending: reload };
  const st = r.st;
  if (r.opt.userScope && st.init !== 'systemd') return { changed: false, failed: true, diff: [], msg: 'scope=user needs systemd, which is not running on this host' };
  const plan = planService(st, r.want);
  const status = { LoadState: st.exists ? (st.masked ? 'masked' : 'loaded') : 'not-found', ActiveState: st.activeWord, UnitFileState: st.enabledWord };
  return {
    ...plan, msg: [plan.msg, ...notes].join('; '), data: { ...plan.data, status },
    failed: !!plan.change!.impossible,
    // a unit the host does not have fails only when acted on for real; in --check it may come from an earlier task
    pending: reload || !!plan.change!.missing,
  };
}

/** Applies the plan: the daemon-reload first (then the unit is read and planned again, as it now is), then the steps. */
export async function applyService(ctx: ModuleContext, plan: Plan<ServiceChange>, r: ServiceRead): Promise<Applied> {
  const { want, opt } = r;
  const notes: string[] = [];
  if (opt.daemonReload || opt.daemonReexec) {
    const verb = opt.daemonReexec ? 'daemon-reexec' : 'daemon-reload';
    const x = await hostExec(ctx, `if [ -d /run/systemd/system ]; then systemctl${opt.userScope ? ' --user' : ''} ${verb}; else echo nosystemd; fi`);
    if (x.rc !== 0) return { result: { changed: false, failed: true, msg: `systemctl ${verb} failed: ${reason(x)}` } };
    if (x.stdout.includes('nosystemd')) notes.push(`${verb} skipped: systemd is not running on this host`);
    if (!want.name) return { result: { changed: false, msg: notes.join('; ') || 'daemon reloaded' } };
    const again = await readUnit(ctx, want.name, opt);
    plan = planServiceRead(typeof again === 'string' ? { ...r, st: undefined, error: again } : { ...r, st: again }, notes);
    r = typeof again === 'string' ? r : { ...r, st: again };
  }
  const base: ModuleResult = { changed: plan.changed, diff: plan.diff, msg: plan.msg, data: plan.data };
  if (plan.failed) return { result: { ...base, changed: false, failed: true } };
  const change = plan.change!;
  if (change.missing) return { result: { ...base, changed: false, failed: true, msg: `Could not find the requested service ${want.name}: host ${ctx.conn.host}` } };
  if (!plan.changed) return { result: base };
  const x = await hostExec(ctx, serviceCommands(r.st!, want.name, change.ops, opt).join(' && '));
  if (x.rc !== 0) return { result: { ...base, changed: false, failed: true, msg: `Unable to ${change.ops.join('/')} service ${want.name}: ${reason(x)}` } };
  return { result: base };
}

/** In --check, records what the service change would leave. */
export function predictServiceRead(model: HostModel, _plan: Plan<ServiceChange>, r: ServiceRead): void {
  if (r.st && r.want.name) predictService(model, r.want, r.st);
}
