import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copy } from '../../../src/modules/copy';
import { template } from '../../../src/modules/template';
import type { Module } from '../../../src/modules/types';
import { CountingConnection, runModule, tempDir, testContext } from './context';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const cp = copy as Module<never>;

describe('copy against a local host', () => {
  it('creates, then changes nothing on the second run', async () => {
    const dest = join(dir, 'motd');
    const args = { content: 'hello\n', dest, mode: '0640' };
    const first = await runModule(cp, testContext(), args);
    expect(first).toMatchObject({ changed: true, data: { dest, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f', size: 6, mode: '0640', owner: 'root' } });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o7777).toBe(0o640);
    const second = await runModule(cp, testContext(), args);
    expect(second.changed).toBe(false);
  });

  it('check mode predicts the change and its diff but writes nothing', async () => {
    const dest = join(dir, 'checked');
    writeFileSync(dest, 'old\n');
    const r = await runModule(cp, testContext({ check: true }), { content: 'new\n', dest, mode: '0600' });
    expect(r.changed).toBe(true);
    expect(r.diff).toEqual([
      { kind: 'file', path: dest, before: 'old\n', after: 'new\n' },
      { kind: 'lines', lines: ['mode: 0644 -> 0600'] },
    ]);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(statSync(dest).mode & 0o777).toBe(0o644);
    const missing = await runModule(cp, testContext({ check: true }), { content: 'x', dest: join(dir, 'never') });
    expect(missing.changed).toBe(true);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('keeps a backup of the replaced file, keeping its mode', async () => {
    const dest = join(dir, 'conf');
    writeFileSync(dest, 'v1\n', { mode: 0o600 });
    const r = await runModule(cp, testContext(), { content: 'v2\n', dest, backup: true });
    const backup = r.data?.backup_file as string;
    expect(backup).toMatch(/\/conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readFileSync(backup, 'utf8')).toBe('v1\n');
    expect(readFileSync(dest, 'utf8')).toBe('v2\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
  });

  it('installs nothing when validate fails, and reports the validator output', async () => {
    const sub = join(dir, 'validate');
    mkdirSync(sub);
    const dest = join(sub, 'sudoers');
    writeFileSync(dest, 'good\n');
    const bad = runModule(cp, testContext(), { content: 'bad\n', dest, validate: 'grep -q good %s || { echo "syntax error in %s"; exit 1; }' });
    await expect(bad).rejects.toThrow(/failed to validate .*: syntax error in/);
    expect(readFileSync(dest, 'utf8')).toBe('good\n');
    expect(readdirSync(sub)).toEqual(['sudoers']);
    const ok = await runModule(cp, testContext(), { content: 'good\nmore\n', dest, validate: 'grep -q good %s', backup: true });
    expect(ok.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('good\nmore\n');
    expect(readdirSync(sub).sort()).toEqual(['sudoers', expect.stringMatching(/^sudoers\..*~$/)]);
    await expect(runModule(cp, testContext(), { content: 'x', dest, validate: 'true' })).rejects.toThrow(/must contain %s/);
  });

  it('changes owner and mode only, and reports both', async () => {
    const dest = join(dir, 'owned');
    writeFileSync(dest, 'same\n');
    const r = await runModule(cp, testContext(), { content: 'same\n', dest, owner: 'nobody', group: 'nogroup', mode: 'u=rw,go=' });
    expect(r.changed).toBe(true);
    expect(r.diff).toEqual([{ kind: 'lines', lines: ['mode: 0644 -> 0600', 'owner: root -> nobody', 'group: root -> nogroup'] }]);
    const st = statSync(dest);
    expect([st.mode & 0o777, st.uid]).toEqual([0o600, 65534]);
    expect((await runModule(cp, testContext(), { content: 'same\n', dest, owner: 'nobody', group: 'nogroup', mode: '0600' })).changed).toBe(false);
  });

  it('finds src in files/, and copies into a directory dest or one ending in /', async () => {
    mkdirSync(join(dir, 'role', 'files'), { recursive: true });
    writeFileSync(join(dir, 'role', 'files', 'app.conf'), 'k=v\n');
    mkdirSync(join(dir, 'etc'));
    const ctx = testContext({ baseDir: join(dir, 'role') });
    expect((await runModule(cp, ctx, { src: 'app.conf', dest: join(dir, 'etc') })).data?.dest).toBe(join(dir, 'etc', 'app.conf'));
    expect(readFileSync(join(dir, 'etc', 'app.conf'), 'utf8')).toBe('k=v\n');
    await runModule(cp, ctx, { src: 'app.conf', dest: `${join(dir, 'new', 'deep')}/` });
    expect(readFileSync(join(dir, 'new', 'deep', 'app.conf'), 'utf8')).toBe('k=v\n');
    await expect(runModule(cp, ctx, { src: 'missing.conf', dest: join(dir, 'etc') })).rejects.toThrow(/could not find or read src missing.conf/);
    await expect(runModule(cp, ctx, { content: 'x', dest: join(dir, 'nodir', 'f') })).rejects.toThrow(/Destination directory .*nodir does not exist/);
  });
});

describe('round trips', () => {
  // [what, arguments, whether the file exists first, calls on the connection]
  const table: [string, Record<string, unknown>, boolean, string[]][] = [
    ['a new file: one probe, one put', { content: 'a\n' }, false, ['exec', 'put']],
    ['an unchanged file: one probe only', { content: 'old\n' }, true, ['exec']],
    ['check mode: one probe only', { content: 'new\n', check: true }, true, ['exec']],
    ['with backup: probe, backup, put', { content: 'new\n', backup: true }, true, ['exec', 'exec', 'put']],
    ['only attributes: probe, chmod', { content: 'old\n', mode: '0600' }, true, ['exec', 'exec']],
  ];
  it.each(table)('%s', async (_what, raw, exists, calls) => {
    const dest = join(dir, `rt-${Math.random().toString(36).slice(2)}`);
    if (exists) writeFileSync(dest, 'old\n');
    const conn = new CountingConnection('localhost');
    const { check, ...args } = raw;
    await runModule(cp, testContext({ conn, check: check === true }), { ...args, dest });
    expect(conn.calls).toEqual(calls);
  });
});

describe('template against a local host', () => {
  it('renders from templates/ with the task variables, idempotently', async () => {
    mkdirSync(join(dir, 'tpl', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'tpl', 'templates', 'site.conf.hbs'), 'server_name {{ host }};\n');
    const dest = join(dir, 'site.conf');
    const ctx = () => testContext({ baseDir: join(dir, 'tpl'), vars: { host: 'example.org' } });
    const first = await runModule(template as Module<never>, ctx(), { src: 'site.conf.hbs', dest });
    expect(first.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe('server_name example.org;\n');
    expect((await runModule(template as Module<never>, ctx(), { src: 'site.conf.hbs', dest })).changed).toBe(false);
  });
});
