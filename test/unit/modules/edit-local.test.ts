import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockinfile } from '../../../src/modules/blockinfile';
import { lineinfile } from '../../../src/modules/lineinfile';
import type { Module } from '../../../src/modules/types';
import { runModule, tempDir, testContext } from './context';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('lineinfile against a local host', () => {
  const lif = lineinfile as Module<never>;
  it('creates, replaces, is idempotent, keeps backups and leaves the file alone in check mode', async () => {
    const path = join(dir, 'deep', 'sshd_config');
    const created = await runModule(lif, testContext(), { path, line: 'PermitRootLogin yes', create: true, mode: '0600' });
    expect(created).toMatchObject({ changed: true, msg: 'line added' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const args = { path, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no', backup: true };
    const checked = await runModule(lif, testContext({ check: true }), args);
    expect(checked.diff).toEqual([{ kind: 'file', path, before: 'PermitRootLogin yes\n', after: 'PermitRootLogin no\n' }]);
    expect(readFileSync(path, 'utf8')).toBe('PermitRootLogin yes\n');
    const replaced = await runModule(lif, testContext(), args);
    expect(replaced).toMatchObject({ changed: true, msg: 'line replaced' });
    expect(readFileSync(path, 'utf8')).toBe('PermitRootLogin no\n');
    expect(readFileSync(replaced.data?.backup_file as string, 'utf8')).toBe('PermitRootLogin yes\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect((await runModule(lif, testContext(), args)).changed).toBe(false);
    expect(readdirSync(join(dir, 'deep'))).toHaveLength(2);
  });

  it('edits the file a symbolic link points to and keeps the link', async () => {
    writeFileSync(join(dir, 'real.conf'), 'a=1\n');
    symlinkSync('real.conf', join(dir, 'linked.conf'));
    const r = await runModule(lineinfile as Module<never>, testContext(), { path: join(dir, 'linked.conf'), regexp: '^a=', line: 'a=2' });
    expect(r.changed).toBe(true);
    expect(lstatSync(join(dir, 'linked.conf')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real.conf'), 'utf8')).toBe('a=2\n');
  });
});

describe('blockinfile against a local host', () => {
  it('inserts a block, updates it, removes it', async () => {
    const bif = blockinfile as Module<never>;
    const path = join(dir, 'hosts');
    writeFileSync(path, '127.0.0.1 localhost\n');
    expect((await runModule(bif, testContext(), { path, block: '10.0.0.5 db' })).changed).toBe(true);
    expect((await runModule(bif, testContext(), { path, block: '10.0.0.5 db' })).changed).toBe(false);
    await runModule(bif, testContext(), { path, block: '10.0.0.6 db' });
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.6 db\n# END ANSIBLE MANAGED BLOCK\n');
    expect((await runModule(bif, testContext(), { path, state: 'absent' })).msg).toBe('Block removed');
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n');
  });
});
