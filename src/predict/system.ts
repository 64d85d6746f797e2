import type { AptState } from '../modules/sys/apt-state';
import type { AptChange } from '../modules/sys/apt-plan';
import type { ServiceState } from '../modules/sys/service-state';
import type { ServiceWant } from '../modules/sys/service-plan';
import type { HostModel } from './model';
import { Unpredictable } from './unknown';

/** The host's package state with the model's predictions laid over it (a package an earlier task installs is installed). */
export function overlayPackages(model: HostModel, st: AptState): AptState {
  const pkgs = { ...st.pkgs };
  for (const [name, info] of Object.entries(pkgs)) {
    const m = model.packages.get(name);
    if (m) pkgs[name] = m.present ? { ...info, status: 'installed', version: info.version ?? info.candidate } : { ...info, status: 'absent', version: undefined };
  }
  return { ...st, pkgs };
}

/** Records the packages an apt change would install or remove. */
export function predictPackages(model: HostModel, change: AptChange): void {
  for (const spec of change.install) model.packages.set(spec.split('=')[0], { present: true, by: model.task });
  for (const name of change.remove) model.packages.set(name.split('=')[0], { present: false, by: model.task });
}

/**
 * The service's state with the model laid over it. A unit the host does not have yet is explained by a package an
 * earlier task installs; without one, the outcome cannot be predicted (the real run would fail unless something the
 * model cannot see installs it).
 */
export function overlayService(model: HostModel, st: ServiceState, want: ServiceWant): ServiceState {
  const m = model.services.get(want.name);
  const base = m && !st.exists ? { ...st, exists: true, running: false, enabled: false, enabledWord: 'disabled', activeWord: 'inactive' } : st;
  if (m) return { ...base, running: m.running ?? base.running, enabled: m.enabled ?? base.enabled, activeWord: m.running === undefined ? base.activeWord : m.running ? 'active' : 'inactive' };
  if (st.exists) return st;
  const pkgs = model.installed();
  if (pkgs.length === 0) throw new Unpredictable(`service ${want.name} is not on the host and no earlier task is predicted to install a package that could provide it`);
  // A restart or reload changes the unit whatever state the install left it in; every other outcome rests on that state.
  if ((want.state === 'restarted' || want.state === 'reloaded') && want.enabled === undefined && want.masked === undefined) {
    return { ...st, exists: true, running: true, masked: false, activeWord: 'active' };
  }
  // Debian's default (dh_installsystemd) enables and starts a package's unit, but a package may opt out (--no-enable,
  // --no-start), ship or leave its unit masked, or a policy-rc.d may forbid starting it: which one only the install shows.
  const by = [...new Set(pkgs.map((p) => model.packages.get(p)!.by))].map((t) => `"${t}"`).join(', ');
  throw new Unpredictable(`service ${want.name} is not on the host yet; package ${pkgs.join(', ')} (task ${by}) may bring it, but whether the package's maintainer scripts enable and start it (Debian's default) or leave it stopped, disabled or masked is known only after the install`);
}

/** Records what a service change would leave: running and enabled as wanted. */
export function predictService(model: HostModel, want: ServiceWant, st: ServiceState): void {
  const running = want.state === 'stopped' ? false : want.state ? true : undefined;
  model.services.set(want.name, { running: running ?? st.running, enabled: want.enabled ?? st.enabled, by: model.task });
}
