import { quote } from '../../connection/shell';
import type { ModuleContext, ModuleResult } from '../types';
import { hostExec, reason } from './exec';
import { planService, type ServiceOp, type ServiceWant } from './service-plan';
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

async function read(ctx: ModuleContext, name: string, opt: SystemdOptions): Promise<ServiceState | string> {
  const r = await hostExec(ctx, serviceReadScript(name, opt.userScope));
  if (!r.stdout.includes('init=')) return `could not read the state of service ${name}: ${reason(r)}`;
  return parseServiceState(r.stdout);
}

/** Reads, plans and applies a service change; the shared body of the service and systemd modules. */
export async function runService(ctx: ModuleContext, want: ServiceWant, opt: SystemdOptions = {}): Promise<ModuleResult> {
  const notes: string[] = [];
  if ((opt.daemonReload || opt.daemonReexec) && !ctx.check) {
    const verb = opt.daemonReexec ? 'daemon-reexec' : 'daemon-reload';
    const r = await hostExec(ctx, `if [ -d /run/systemd/system ]; then systemctl${opt.userScope ? ' --user' : ''} ${verb}; else echo nosystemd; fi`);
    if (r.rc !== 0) return { changed: false, failed: true, msg: `systemctl ${verb} failed: ${reason(r)}` };
    if (r.stdout.includes('nosystemd')) notes.push(`${verb} skipped: systemd is not running on this host`);
  }
  if (!want.name) return { changed: false, msg: notes.join('; ') || (ctx.check ? 'daemon-reload would run' : 'daemon reloaded') };
  const read0 = await read(ctx, want.name, opt);
  if (typeof read0 === 'string') return { changed: false, failed: true, msg: read0 };
  // a unit an earlier package of the run provides was predicted, not read: the plan does not rest on its absence
  const fromHost = !ctx.model || (!ctx.model.services.has(want.name) && (read0.exists || ctx.model.installed().length === 0));
  if (ctx.observe && fromHost) ctx.observe(`unit:${want.name}`, `${read0.exists ? 'loaded' : 'not-found'} ${read0.activeWord} ${read0.enabledWord}`);
  const st = ctx.model ? overlayService(ctx.model, read0, want) : read0;
  if (opt.userScope && st.init !== 'systemd') return { changed: false, failed: true, msg: 'scope=user needs systemd, which is not running on this host' };
  const plan = planService(st, want);
  const change = plan.change!;
  const base: ModuleResult = { changed: plan.changed, diff: plan.diff, msg: [plan.msg, ...notes].join('; '), data: { ...plan.data, status: { LoadState: st.exists ? (st.masked ? 'masked' : 'loaded') : 'not-found', ActiveState: st.activeWord, UnitFileState: st.enabledWord } } };
  if (change.impossible) return { ...base, changed: false, failed: true };
  if (change.missing && !ctx.check) return { ...base, changed: false, failed: true, msg: `Could not find the requested service ${want.name}: host ${ctx.conn.host}` };
  if (ctx.check && plan.changed && ctx.model) predictService(ctx.model, want, st);
  if (!plan.changed || ctx.check) return base;
  const r = await hostExec(ctx, serviceCommands(st, want.name, change.ops, opt).join(' && '));
  if (r.rc !== 0) return { ...base, failed: true, msg: `Unable to ${change.ops.join('/')} service ${want.name}: ${reason(r)}` };
  return base;
}
