import { describe, expect, it } from 'vitest';
import { HostModel } from '../../../src/predict/model';
import { overlayService } from '../../../src/predict/system';
import { Unpredictable } from '../../../src/predict/unknown';
import { service } from '../../../src/modules/service';
import { systemd } from '../../../src/modules/systemd';
import { serviceCommands } from '../../../src/modules/sys/service-run';
import { planService, type ServiceWant } from '../../../src/modules/sys/service-plan';
import { parseServiceState, type ServiceState } from '../../../src/modules/sys/service-state';
import { runModule } from './sys-context';

describe('parseServiceState', () => {
  const cases: [string, string, Partial<ServiceState>][] = [
    ['running, enabled unit', 'init=systemd\nload=loaded\nactive=active\nenabled=enabled\n', { init: 'systemd', exists: true, running: true, enabled: true, masked: false }],
    ['failed, disabled unit', 'init=systemd\nload=loaded\nactive=failed\nenabled=disabled\n', { exists: true, running: false, enabled: false }],
    ['masked unit', 'init=systemd\nload=masked\nactive=inactive\nenabled=masked\n', { exists: true, masked: true, enabled: false }],
    ['static unit counts as enabled', 'init=systemd\nload=loaded\nactive=inactive\nenabled=static\n', { enabled: true, enabledWord: 'static' }],
    ['unit not installed yet', 'init=systemd\nload=not-found\nactive=inactive\nenabled=\n', { exists: false, running: false, enabledWord: 'not-found' }],
    ['sysv script, boot links by update-rc.d', 'init=sysv\nload=loaded\nactive=active\nenabled=enabled\nboot=update-rc.d\n', { init: 'sysv', exists: true, running: true, enabled: true, bootTool: 'update-rc.d' }],
    ['sysv without boot tool', 'init=sysv\nload=not-found\nactive=inactive\nenabled=disabled\n', { init: 'sysv', exists: false, bootTool: undefined }],
  ];
  it.each(cases)('%s', (_t, out, want) => expect(parseServiceState(out)).toMatchObject(want));
});

const st = (over: Partial<ServiceState>): ServiceState => ({
  init: 'systemd', exists: true, running: false, enabled: false, masked: false, enabledWord: 'disabled', activeWord: 'inactive', ...over,
});
const plans: { title: string; s: ServiceState; w: Omit<ServiceWant, 'name'>; changed: boolean; ops?: string[]; diff?: string[]; msg?: RegExp; impossible?: RegExp; missing?: boolean }[] = [
  { title: 'start and enable a stopped, disabled unit', s: st({}), w: { state: 'started', enabled: true }, changed: true, ops: ['enable', 'start'], diff: ['service docker: stopped -> started', 'enabled: no -> yes'] },
  { title: 'already running and enabled', s: st({ running: true, enabled: true }), w: { state: 'started', enabled: true }, changed: false, msg: /already in the wanted state/ },
  { title: 'stop a running unit', s: st({ running: true }), w: { state: 'stopped' }, changed: true, ops: ['stop'], diff: ['service docker: started -> stopped'] },
  { title: 'restarted always changes', s: st({ running: true }), w: { state: 'restarted' }, changed: true, ops: ['restart'] },
  { title: 'reloaded starts a stopped unit', s: st({}), w: { state: 'reloaded' }, changed: true, ops: ['start'] },
  { title: 'unmask before starting', s: st({ masked: true, enabledWord: 'masked' }), w: { masked: false, state: 'started' }, changed: true, ops: ['unmask', 'start'], diff: ['service docker: stopped -> started', 'masked: yes -> no'] },
  { title: 'a static unit cannot be disabled', s: st({ enabled: true, enabledWord: 'static' }), w: { enabled: false }, changed: true, impossible: /is static: systemctl cannot disable it/ },
  { title: 'sysv without update-rc.d cannot enable', s: st({ init: 'sysv' }), w: { enabled: true }, changed: true, impossible: /neither systemd, update-rc.d nor chkconfig/ },
  { title: 'a unit not installed yet is predicted, honestly', s: st({ exists: false, enabledWord: 'not-found' }), w: { state: 'started', enabled: true }, changed: true, missing: true, msg: /not present on the host yet; assuming an earlier task/, diff: ['service docker: absent -> started', 'enabled: no -> yes'] },
  { title: 'a masked unit cannot be started: the task fails, in --check too', s: st({ masked: true, enabledWord: 'masked' }), w: { state: 'started' }, changed: true, impossible: /docker is masked: systemctl cannot start it/ },
  { title: 'nor enabled', s: st({ masked: true, enabledWord: 'masked' }), w: { enabled: true }, changed: true, impossible: /masked: systemctl cannot enable it/ },
  { title: 'a masked unit can be stopped', s: st({ masked: true, enabledWord: 'masked', running: true }), w: { state: 'stopped' }, changed: true, ops: ['stop'] },
  { title: 'stopping a service that does not exist changes nothing', s: st({ exists: false }), w: { state: 'stopped', enabled: false }, changed: false, missing: false, msg: /does not exist on the host/ },
];

describe('planService', () => {
  it.each(plans)('$title', (c) => {
    const p = planService(c.s, { name: 'docker', ...c.w });
    expect(p.changed).toBe(c.changed);
    if (c.ops) expect(p.change?.ops).toEqual(c.ops);
    if (c.diff) expect(p.diff).toEqual([{ kind: 'lines', lines: c.diff }]);
    if (c.msg) expect(p.msg).toMatch(c.msg);
    if (c.impossible) expect(p.change?.impossible).toMatch(c.impossible);
    else expect(p.change?.impossible).toBeUndefined();
    if (c.missing !== undefined) expect(p.change?.missing).toBe(c.missing);
  });

  it('turns steps into systemctl or sysvinit commands', () => {
    expect(serviceCommands(st({}), 'app', ['enable', 'start'], { noBlock: true })).toEqual(['systemctl enable -- app', 'systemctl --no-block start -- app']);
    const sysv = serviceCommands(st({ init: 'sysv', bootTool: 'update-rc.d' }), 'app', ['enable', 'restart']);
    expect(sysv[0]).toBe('update-rc.d app defaults && update-rc.d app enable');
    expect(sysv[1]).toMatch(/service app restart/);
  });
});

describe('service on the controller (read only)', () => {
  it('in check mode predicts a change for a service that is not installed yet', async () => {
    const r = await runModule(service, { name: 'tsrun-not-installed', state: 'started' }, { check: true });
    expect(r).toMatchObject({ changed: true, msg: expect.stringMatching(/not present on the host yet/) });
  });

  it('outside check mode fails for a service that does not exist, without changing anything', async () => {
    const r = await runModule(systemd, { name: 'tsrun-not-installed', state: 'started', enabled: true });
    expect(r).toMatchObject({ failed: true, changed: false, msg: expect.stringMatching(/Could not find the requested service tsrun-not-installed/) });
  });

  it('systemd requires a name unless reloading the daemon', async () => {
    await expect(runModule(systemd, { state: 'started' })).rejects.toThrow(/name is required/);
  });
});

describe('the check model: a service from a package an earlier task installs', () => {
  const notOnHost = st({ exists: false, enabledWord: 'not-found', activeWord: 'inactive' });
  const model = () => {
    const m = new HostModel();
    m.packages.set('hostapd', { present: true, by: 'install hostapd' });
    return m;
  };

  it('started or enabled is unknown, with the reason: the package may not start it, or leave it masked', () => {
    for (const w of [{ state: 'started' as const }, { enabled: true }, { state: 'stopped' as const }, { state: 'restarted' as const, enabled: true }]) {
      expect(() => overlayService(model(), notOnHost, { name: 'hostapd', ...w })).toThrow(Unpredictable);
    }
    expect(() => overlayService(model(), notOnHost, { name: 'hostapd', state: 'started' })).toThrow(
      /package hostapd \(task "install hostapd"\) may bring it, but whether the package's maintainer scripts enable and start it .* is known only after the install/);
  });

  it('a restart or reload changes it whatever the install left', () => {
    for (const state of ['restarted', 'reloaded'] as const) {
      const p = planService(overlayService(model(), notOnHost, { name: 'hostapd', state }), { name: 'hostapd', state });
      expect(p.changed).toBe(true);
    }
  });

  it('a unit the host has masked already is read from the host: starting it is predicted to fail', () => {
    const masked = st({ masked: true, enabledWord: 'masked' });
    const p = planService(overlayService(model(), masked, { name: 'hostapd', state: 'started' }), { name: 'hostapd', state: 'started' });
    expect(p.change?.impossible).toMatch(/masked/);
  });

  it('with no package installed earlier, a missing unit is unknown too', () => {
    expect(() => overlayService(new HostModel(), notOnHost, { name: 'x', state: 'started' })).toThrow(/no earlier task is predicted to install a package/);
  });
});
