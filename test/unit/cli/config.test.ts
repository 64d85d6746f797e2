import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findConfigFile, loadSettings } from '../../../src/cli/config';

describe('configuration file and environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-cfg-'));
  const home = mkdtempSync(join(tmpdir(), 'tsrun-home-'));
  afterAll(() => [dir, home].forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is found as Ansible finds ansible.cfg: variable, current directory (tsrun.cfg first), home', () => {
    expect(findConfigFile({}, dir, home)).toBeUndefined();
    writeFileSync(join(home, '.ansible.cfg'), '[defaults]\nforks = 3\n');
    expect(findConfigFile({}, dir, home)).toBe(join(home, '.ansible.cfg'));
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nforks = 4\n');
    expect(findConfigFile({}, dir, home)).toBe(join(dir, 'ansible.cfg'));
    writeFileSync(join(dir, 'tsrun.cfg'), '[defaults]\nforks = 5\n');
    expect(findConfigFile({}, dir, home)).toBe(join(dir, 'tsrun.cfg'));
    expect(findConfigFile({ ANSIBLE_CONFIG: join(home, '.ansible.cfg') }, dir, home)).toBe(join(home, '.ansible.cfg'));
    expect(() => findConfigFile({ TSRUN_CONFIG: join(dir, 'none.cfg') }, dir, home)).toThrow(/TSRUN_CONFIG names .*none\.cfg, which does not exist/);
  });

  it('reads the keys with a meaning here; the environment beats the file, TSRUN_ beats ANSIBLE_', () => {
    const file = join(dir, 'full.cfg');
    writeFileSync(file, '[defaults]\ninventory = a.yml, b.ini\nremote_user = admin\nforks = 7\nhost_key_checking = False\ntimeout = 30\n[privilege_escalation]\nbecome = yes\nbecome_user = app\n');
    expect(loadSettings({}, file)).toMatchObject({ inventory: ['a.yml', 'b.ini'], remoteUser: 'admin', forks: 7, hostKeyChecking: 'False', timeout: 30, become: true, becomeUser: 'app' });
    const env = { ANSIBLE_REMOTE_USER: 'ops', ANSIBLE_FORKS: '9', TSRUN_FORKS: '11', ANSIBLE_BECOME: 'false' };
    expect(loadSettings(env, file)).toMatchObject({ remoteUser: 'ops', forks: 11, become: false });
    expect(() => loadSettings({ ANSIBLE_TIMEOUT: 'soon' }, file)).toThrow('environment variable ANSIBLE_TIMEOUT is "soon", not a positive whole number');
  });
});
