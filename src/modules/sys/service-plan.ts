import type { Plan } from '../types';
import type { ServiceState } from './service-state';

/** The desired state, as the service and systemd modules share it. */
export interface ServiceWant {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  masked?: boolean;
}

/** One step of the change, in the order it runs. */
export type ServiceOp = 'unmask' | 'mask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

/** What apply must do; `impossible` says why the host cannot do it (the task then fails). */
export interface ServiceChange {
  ops: ServiceOp[];
  missing: boolean;
  impossible?: string;
}

const yn = (b: boolean) => (b ? 'yes' : 'no');

function planOps(s: ServiceState, w: ServiceWant, diff: string[]): ServiceOp[] {
  const ops: ServiceOp[] = [];
  const running = s.exists && s.running;
  if (w.masked === false && s.masked) ops.push('unmask');
  if (w.masked !== undefined && w.masked !== s.masked) diff.push(`masked: ${yn(s.masked)} -> ${yn(w.masked)}`);
  const enabled = s.exists && s.enabled;
  if (w.enabled !== undefined && w.enabled !== enabled) {
    ops.push(w.enabled ? 'enable' : 'disable');
    diff.push(`enabled: ${yn(enabled)} -> ${yn(w.enabled)}`);
  }
  if (w.masked === true && !s.masked) ops.push('mask');
  const was = running ? 'started' : 'stopped';
  if (w.state === 'started' && !running) ops.push('start');
  if (w.state === 'stopped' && running) ops.push('stop');
  if (w.state === 'restarted') ops.push(running ? 'restart' : 'start');
  if (w.state === 'reloaded') ops.push(running ? 'reload' : 'start');
  if (w.state && (w.state !== 'started' || !running) && (w.state !== 'stopped' || running)) {
    diff.unshift(`service ${w.name}: ${s.exists ? was : 'absent'} -> ${w.state}`);
  }
  return ops;
}

function impossibility(s: ServiceState, w: ServiceWant, ops: ServiceOp[]): string | undefined {
  // systemctl refuses to start or enable a masked unit: the task fails, in --check as in the real run
  const blocked = ops.filter((op) => op === 'start' || op === 'restart' || op === 'reload' || op === 'enable');
  if (s.masked && !ops.includes('unmask') && blocked.length) {
    return `unit ${w.name} is masked: systemctl cannot ${blocked.join(' or ')} it (unmask it first: systemd module, masked: no)`;
  }
  if (ops.includes('disable') && s.init === 'systemd' && ['static', 'indirect', 'generated', 'transient'].includes(s.enabledWord)) {
    return `unit ${w.name} is ${s.enabledWord}: systemctl cannot disable it (it starts only when another unit needs it)`;
  }
  if ((ops.includes('mask') || ops.includes('unmask')) && s.init !== 'systemd') return `masked needs systemd, which is not running on this host`;
  if ((ops.includes('enable') || ops.includes('disable')) && s.init === 'sysv' && !s.bootTool) {
    return `cannot change whether ${w.name} starts at boot: the host has neither systemd, update-rc.d nor chkconfig`;
  }
  return undefined;
}

/** Computes the steps from the service's current state to the wanted one: a pure function. */
export function planService(s: ServiceState, w: ServiceWant): Plan<ServiceChange> {
  const diff: string[] = [];
  const ops = planOps(s, w, diff);
  const missing = !s.exists && !(ops.length === 1 && ops[0] === 'mask');
  const impossible = missing ? undefined : impossibility(s, w, ops);
  const changed = ops.length > 0;
  let msg: string;
  if (missing && changed) msg = `service ${w.name} is not present on the host yet; assuming an earlier task (skipped in check mode) installs it, so this would ${ops.join(', ')} it`;
  else if (impossible) msg = impossible;
  else if (!s.exists) msg = `service ${w.name} does not exist on the host, so it is neither running nor enabled`;
  else msg = changed ? `${ops.join(', ')} ${w.name}` : `service ${w.name} is already in the wanted state`;
  return {
    changed,
    diff: diff.length ? [{ kind: 'lines', lines: diff }] : [],
    msg,
    change: { ops, missing: missing && changed, impossible },
    data: { name: w.name, state: w.state ?? (s.running ? 'started' : 'stopped'), enabled: w.enabled ?? s.enabled },
  };
}
