import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copy } from '../../../src/modules/copy';
import { file } from '../../../src/modules/file';
import { lineinfile } from '../../../src/modules/lineinfile';
import { shell } from '../../../src/modules/shell';
import { stat } from '../../../src/modules/stat';
import type { Module } from '../../../src/modules/types';
import { HostModel } from '../../../src/predict/model';
import { Unpredictable } from '../../../src/predict/unknown';
import { runModule, tempDir, testContext } from '../modules/context';

const { dir, cleanup } = tempDir('tsrun-predict-');
afterAll(cleanup);

/** A play's steps: each a module and its arguments, run in order. */
const steps = (root: string): [Module<never>, Record<string, unknown>][] => [
  [file as Module<never>, { path: `${root}/etc`, state: 'directory', mode: '0750' }],
  [copy as Module<never>, { content: 'port 1\n', dest: `${root}/etc/app.conf`, mode: '0640' }],
  [file as Module<never>, { path: `${root}/rel/v1`, state: 'directory' }],
  [copy as Module<never>, { content: 'v1\n', dest: `${root}/rel/v1/app.txt` }],
  [file as Module<never>, { src: `${root}/rel/v1`, path: `${root}/current`, state: 'link' }],
  [lineinfile as Module<never>, { path: `${root}/current/app.txt`, line: 'patched' }],
  [lineinfile as Module<never>, { path: `${root}/current/app.txt`, line: 'patched' }],
  [file as Module<never>, { src: `${root}/etc/app.conf`, path: `${root}/app.conf`, state: 'link' }],
  [file as Module<never>, { path: `${root}/etc/app.conf`, mode: '0600' }],
  [copy as Module<never>, { content: 'port 1\n', dest: `${root}/app.conf` }],
  [file as Module<never>, { path: `${root}/rel`, state: 'absent' }],
  [file as Module<never>, { path: `${root}/rel/v1`, state: 'directory' }],
];

describe('the check model: later steps predict against what earlier ones would change', () => {
  it('predicts every step as the real run then goes, and never touches the host', async () => {
    const root = join(dir, 'a');
    const model = new HostModel();
    const predicted: boolean[] = [];
    for (const [mod, args] of steps(root)) predicted.push((await runModule(mod, { ...testContext({ check: true }), model }, args)).changed);
    expect(existsSync(root)).toBe(false);
    const real: boolean[] = [];
    for (const [mod, args] of steps(root)) real.push((await runModule(mod, testContext(), args)).changed);
    expect(predicted).toEqual(real);
    expect(real).toEqual([true, true, true, true, true, true, false, true, true, false, true, true]);
  }, 60_000);

  it('follows the host\'s own links into what the model predicts', async () => {
    const root = join(dir, 'c');
    mkdirSync(join(root, 'v1'), { recursive: true });
    writeFileSync(join(root, 'v1', 'app.txt'), 'v1\npatched\n');
    symlinkSync(join(root, 'v1'), join(root, 'current'));
    const seq: [Module<never>, Record<string, unknown>][] = [
      [copy as Module<never>, { content: 'v1\n', dest: `${root}/v1/app.txt` }],
      [lineinfile as Module<never>, { path: `${root}/current/app.txt`, line: 'patched' }],
    ];
    const ctx = { ...testContext({ check: true }), model: new HostModel() };
    const predicted: boolean[] = [];
    for (const [mod, args] of seq) predicted.push((await runModule(mod, ctx, args)).changed);
    expect(predicted).toEqual([true, true]);
  });

  it('stat reads the predicted file: checksum and mode as the real run would register them', async () => {
    const root = join(dir, 'b');
    const model = new HostModel();
    const ctx = { ...testContext({ check: true }), model };
    await runModule(file as Module<never>, ctx, { path: root, state: 'directory' });
    await runModule(copy as Module<never>, ctx, { content: 'x\n', dest: `${root}/f`, mode: '0600' });
    const st = await runModule(stat as Module<never>, ctx, { path: `${root}/f` });
    expect(st.data?.stat).toMatchObject({ exists: true, isreg: true, mode: '0600', checksum: createHash('sha1').update('x\n').digest('hex') });
  });

  it('a command without creates, or a write into a directory nothing creates, is unpredictable', async () => {
    const ctx = { ...testContext({ check: true }), model: new HostModel() };
    await expect(runModule(shell as Module<never>, ctx, { cmd: 'echo hi' })).rejects.toBeInstanceOf(Unpredictable);
    await expect(runModule(copy as Module<never>, ctx, { content: 'x', dest: join(dir, 'none', 'f') })).rejects.toThrow(/does not exist on the host and no earlier task is predicted to create it/);
    // a command whose creates an earlier task would make is predicted skipped
    await runModule(file as Module<never>, ctx, { path: join(dir, 'made'), state: 'touch' });
    const r = await runModule(shell as Module<never>, ctx, { cmd: 'echo hi', creates: join(dir, 'made') });
    // Ansible's command module words it so, the path quoted
    expect(r).toMatchObject({ changed: false, msg: `Did not run command since '${join(dir, 'made')}' exists` });
  });
});
