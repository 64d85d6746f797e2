import { existsSync, lstatSync, mkdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { file } from '../../../src/modules/file';
import { stat } from '../../../src/modules/stat';
import type { Module } from '../../../src/modules/types';
import { runModule, tempDir, testContext } from './context';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
const fm = file as Module<never>;
const run = (args: Record<string, unknown>, check = false) => runModule(fm, testContext({ check }), args);

describe('file against a local host', () => {
  it('creates a directory with its mode, then changes nothing; check mode creates nothing', async () => {
    const path = join(dir, 'a', 'b');
    const checked = await run({ path, state: 'directory', mode: '0750' }, true);
    expect(checked).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: [`${path}: absent -> directory`] }] });
    expect(existsSync(path)).toBe(false);
    expect((await run({ path, state: 'directory', mode: '0750' })).changed).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o750);
    expect((await run({ path, state: 'directory', mode: '0750' })).changed).toBe(false);
  });

  it('recurse sets owner below a directory and is idempotent', async () => {
    const top = join(dir, 'tree');
    mkdirSync(join(top, 'sub'), { recursive: true });
    writeFileSync(join(top, 'sub', 'f'), 'x');
    const args = { path: top, state: 'directory', owner: 'nobody', mode: 'u+rwX,go-rwx', recurse: true };
    const first = await run(args);
    expect(first.changed).toBe(true);
    expect(statSync(join(top, 'sub', 'f')).uid).toBe(65534);
    expect(statSync(join(top, 'sub', 'f')).mode & 0o777).toBe(0o600);
    expect(statSync(join(top, 'sub')).mode & 0o777).toBe(0o700);
    expect((await run(args)).changed).toBe(false);
  });

  it('touches, changes mode, and removes', async () => {
    const path = join(dir, 'touched');
    expect((await run({ path, state: 'touch', mode: '0600' })).changed).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const r = await run({ path, mode: '0640' });
    expect(r).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: ['mode: 0600 -> 0640'] }], data: { state: 'file' } });
    expect((await run({ path, state: 'absent' }, true)).changed).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect((await run({ path, state: 'absent' })).changed).toBe(true);
    expect(existsSync(path)).toBe(false);
    expect((await run({ path, state: 'absent' })).changed).toBe(false);
    await expect(run({ path, state: 'file' })).rejects.toThrow(/is absent, cannot continue/);
  });

  it('makes and repoints symbolic links, and hard links', async () => {
    const target = join(dir, 'target');
    writeFileSync(target, 't');
    const link = join(dir, 'link');
    expect((await run({ path: link, src: 'target', state: 'link' })).changed).toBe(true);
    expect(readlinkSync(link)).toBe('target');
    expect((await run({ path: link, src: 'target', state: 'link' })).changed).toBe(false);
    writeFileSync(join(dir, 'other'), 'o');
    expect((await run({ path: link, src: join(dir, 'other'), state: 'link' })).changed).toBe(true);
    expect(readlinkSync(link)).toBe(join(dir, 'other'));
    await expect(run({ path: target, src: 'other', state: 'link' })).rejects.toThrow(/refusing to convert from file to symlink/);
    const hard = join(dir, 'hard');
    expect((await run({ path: hard, src: target, state: 'hard' })).changed).toBe(true);
    expect(statSync(hard).ino).toBe(statSync(target).ino);
    expect((await run({ path: hard, src: target, state: 'hard' })).changed).toBe(false);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});

describe('stat against a local host', () => {
  it('reports a file, a link and a missing path, and never changes anything', async () => {
    const path = join(dir, 'statme');
    writeFileSync(path, 'hello\n', { mode: 0o640 });
    const r = await runModule(stat as Module<never>, testContext(), { path });
    expect(r.changed).toBe(false);
    expect(r.data?.stat).toMatchObject({
      exists: true, isreg: true, isdir: false, islnk: false, mode: '0640', uid: 0, gid: 0, pw_name: 'root', gr_name: 'root',
      size: 6, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f',
    });
    const ln = join(dir, 'statlink');
    await run({ path: ln, src: path, state: 'link' });
    expect((await runModule(stat as Module<never>, testContext(), { path: ln })).data?.stat).toMatchObject({ islnk: true, lnk_source: path, lnk_target: path });
    expect((await runModule(stat as Module<never>, testContext(), { path: ln, follow: true })).data?.stat).toMatchObject({ isreg: true, islnk: false });
    expect((await runModule(stat as Module<never>, testContext(), { path: join(dir, 'nope') })).data).toEqual({ stat: { exists: false } });
  });
});
