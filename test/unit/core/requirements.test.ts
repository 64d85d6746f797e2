import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGES_FILE, packagesFor, parseRequirements } from '../../../src/core/requirements';
import { PACKAGE_ROOT } from '../../../src/core/paths';

const list = parseRequirements(readFileSync(PACKAGES_FILE, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'tsrun-req-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the preflight on a list of our own making. */
function preflight(lines: string[]) {
  const file = join(dir, `list-${lines.length}-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, `# a comment\n${lines.join('\n')}\n`);
  return spawnSync('sh', [join(PACKAGE_ROOT, 'bin/setup.sh'), '--check', '--list', file], { encoding: 'utf8' });
}

describe('bin/packages.txt, the one list of what the controller needs', () => {
  it('has a package, what it brings, what it is for and why on every line', () => {
    expect(list.length).toBeGreaterThan(10);
    for (const r of list) {
      expect(r.pkg).toMatch(/^[a-z0-9][a-z0-9.+-]+$/);
      expect(r.provides.length).toBeGreaterThan(0);
      for (const u of r.uses) expect(['lab', 'test', 'bench']).toContain(u);
      expect(r.why.length, r.pkg).toBeGreaterThan(5);
    }
  });

  it('holds what the tests were seen to need on a fresh machine', () => {
    const pkgs = list.map((r) => r.pkg);
    for (const p of ['libnginx-mod-stream', 'sudo', 'openssh-server', 'curl', 'openssl', 'ansible-core']) expect(pkgs).toContain(p);
    expect(packagesFor('lab')).toEqual(expect.arrayContaining(['debootstrap', 'systemd-container', 'tinyproxy', 'docker-registry']));
  });

  it('is the table that the README shows', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- packages:begin -->'), readme.indexOf('<!-- packages:end -->'));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((l) => l.split('|')[1].trim().replaceAll('`', ''))).toEqual(list.map((r) => r.pkg));
    for (const [i, r] of list.entries()) {
      const cells = rows[i].split('|').map((c) => c.trim());
      expect(cells[2].replaceAll('`', '').split(', ')).toEqual(r.provides);
      expect(cells[3].split(', ')).toEqual(r.uses);
      expect(cells[4]).toBe(r.why);
    }
  });
});

describe('bin/setup.sh --check, the preflight', () => {
  it('passes when every package and command is there', () => {
    const r = preflight(['coreutils ls,cat test  always there', 'dpkg /usr/bin/dpkg test  always there']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('names a package that is not installed, and a command and a file that are missing, and exits 1', () => {
    const r = preflight([
      'coreutils ls test  always there',
      'tsrun-no-such-package tsrun-no-such-command test  made up',
      'dpkg /usr/lib/tsrun/no-such-module.so test  made up',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Debian packages not installed: tsrun-no-such-package');
    expect(r.stderr).toContain('tsrun-no-such-command(tsrun-no-such-package)');
    expect(r.stderr).toContain('/usr/lib/tsrun/no-such-module.so(dpkg)');
    expect(r.stderr).not.toContain('coreutils');
  });
});
