import { describe, expect, it } from 'vitest';
import { apt, aptCommand } from '../../../src/modules/apt';
import { pkg } from '../../../src/modules/package';
import { planApt, type AptPlanArgs, type CacheUpdate } from '../../../src/modules/sys/apt-plan';
import { parseAptState, type AptState } from '../../../src/modules/sys/apt-state';
import { runModule } from './sys-context';

// Captured from a Debian 12 host: bash installed with a newer candidate, sl not installed, nginx removed with config files.
const captured = `@dpkg
bash\tii \t5.2.15-2+b8
nginx\trc \t1.22.1-9
@policy
bash:
  Installed: 5.2.15-2+b8
  Candidate: 5.2.15-2+b13
  Version table:
     5.2.15-2+b13 500
 *** 5.2.15-2+b8 100
sl:
  Installed: (none)
  Candidate: 5.02-1+b1
nginx:
  Installed: (none)
  Candidate: 1.22.1-9
@cache
1700000000
1700003600
`;

describe('parseAptState', () => {
  it('reads dpkg status, candidates and cache age', () => {
    expect(parseAptState(['bash', 'sl', 'nginx', 'nope'], captured)).toEqual({
      pkgs: {
        bash: { status: 'installed', version: '5.2.15-2+b8', candidate: '5.2.15-2+b13' },
        sl: { status: 'absent', candidate: '5.02-1+b1' },
        nginx: { status: 'config-files', candidate: '1.22.1-9' },
        nope: { status: 'absent' },
      },
      cacheAge: 3600,
    });
  });
});

const state: AptState = parseAptState(['bash', 'sl', 'nginx', 'nope'], captured);
const cases: { title: string; args: AptPlanArgs; cache?: CacheUpdate; changed: boolean; diff?: string[]; install?: string[]; remove?: string[]; msg?: RegExp }[] = [
  { title: 'present and installed: no change', args: { name: ['bash'], state: 'present', purge: false }, changed: false, msg: /all packages are present/ },
  { title: 'present and absent: install', args: { name: ['bash', 'sl'], state: 'present', purge: false }, changed: true, install: ['sl'], diff: ['package sl: absent -> present'] },
  { title: 'latest upgrades to the candidate', args: { name: ['bash'], state: 'latest', purge: false }, changed: true, install: ['bash'], diff: ['package bash: 5.2.15-2+b8 -> 5.2.15-2+b13'] },
  { title: 'a pinned version that differs', args: { name: ['bash=5.2.15-2+b13'], state: 'present', purge: false }, changed: true, install: ['bash=5.2.15-2+b13'], diff: ['package bash: 5.2.15-2+b8 -> 5.2.15-2+b13'] },
  { title: 'a pinned version prefix that matches', args: { name: ['bash=5.2.15*'], state: 'present', purge: false }, changed: false },
  { title: 'absent removes installed packages only', args: { name: ['bash', 'sl'], state: 'absent', purge: false }, changed: true, remove: ['bash'], diff: ['package bash: present -> absent'] },
  { title: 'absent leaves config files without purge', args: { name: ['nginx'], state: 'absent', purge: false }, changed: false },
  { title: 'purge removes config files', args: { name: ['nginx'], state: 'absent', purge: true }, changed: true, remove: ['nginx'], diff: ['package nginx: absent (config files remain) -> purged'] },
  { title: 'an unknown package is unavailable', args: { name: ['nope'], state: 'present', purge: false }, changed: false, msg: /No package matching 'nope' is available/ },
  { title: 'an unknown package is assumed available after a pending cache update', args: { name: ['nope'], state: 'present', purge: false }, cache: 'would', changed: true, msg: /assuming the cache update makes nope available/ },
];

describe('planApt', () => {
  it.each(cases)('$title', (c) => {
    const p = planApt(state, c.args, c.cache);
    expect(p.changed).toBe(c.changed);
    if (c.install) expect(p.change?.install).toEqual(c.install);
    if (c.remove) expect(p.change?.remove).toEqual(c.remove);
    if (c.diff) expect(p.diff).toEqual([{ kind: 'lines', lines: c.diff }]);
    if (c.msg) expect(p.msg).toMatch(c.msg);
  });

  it('builds a non-interactive apt-get command line', () => {
    const cmd = aptCommand({ install: ['sl'], remove: [], unavailable: [] }, { purge: false, autoremove: false, install_recommends: false });
    expect(cmd).toMatch(/^apt-get -y .*--force-confdef.*--force-confold.* --no-install-recommends install sl$/);
    expect(aptCommand({ install: [], remove: ['sl'], unavailable: [] }, { purge: true, autoremove: true })).toMatch(/--auto-remove purge sl$/);
  });
});

describe('apt in check mode against this machine', () => {
  it('predicts installing a missing package and no change for an installed one', async () => {
    const r = await runModule(apt, { name: ['bash', 'sl'] }, { check: true });
    expect(r).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: ['package sl: absent -> present'] }] });
    expect(await runModule(apt, { name: 'bash', state: 'present' }, { check: true })).toMatchObject({ changed: false });
  });

  it('fails for a package no source offers, naming it', async () => {
    const r = await runModule(apt, { name: 'no-such-package-tsrun' }, { check: true });
    expect(r).toMatchObject({ failed: true, msg: "No package matching 'no-such-package-tsrun' is available" });
  });

  it('rejects names that are not Debian package names', async () => {
    await expect(runModule(apt, { name: ['sl; rm -rf /'] }, { check: true })).rejects.toThrow(/invalid package name/);
  });
});

describe('package', () => {
  it('dispatches to apt on this Debian machine, detected or from the fact', async () => {
    expect(await runModule(pkg, { name: 'sl' }, { check: true })).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: ['package sl: absent -> present'] }] });
    expect(await runModule(pkg, { name: 'bash' }, { check: true, vars: { ansible_pkg_mgr: 'apt' } })).toMatchObject({ changed: false });
  });

  it('fails clearly for a package manager it does not support', async () => {
    const r = await runModule(pkg, { name: 'bash' }, { check: true, vars: { ansible_pkg_mgr: 'dnf' } });
    expect(r).toMatchObject({ failed: true, msg: expect.stringMatching(/package manager "dnf", which tsrun does not support yet/) });
  });
});
