import { describe, expect, it } from 'vitest';
import type { Connection, ExecResult } from '../../../src/connection/types';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apt } from '../../../src/modules/apt';
import { command } from '../../../src/modules/command';
import { shell } from '../../../src/modules/shell';
import { uri } from '../../../src/modules/uri';
import { get_url } from '../../../src/modules/get_url';
import { service } from '../../../src/modules/service';
import { systemd } from '../../../src/modules/systemd';
import { runContract, type Module, type Plan } from '../../../src/modules/types';
import { HostModel } from '../../../src/predict/model';
import { runModule } from './sys-context';

/** A host that answers the module's read with a captured output and records every command after it. */
function recordingHost(readOutput: string): { conn: Connection; commands: string[] } {
  const commands: string[] = [];
  const ok = (stdout: string): ExecResult => ({ rc: 0, stdout, stderr: '', durationMs: 0 });
  const conn: Connection = {
    host: 'fake',
    exec: async (command) => {
      commands.push(command);
      // every read script of these modules prints a marker its parser needs; the apply commands print nothing
      return ok(commands.length === 1 || /init=|@cache|dest=/.test(command) ? readOutput : '');
    },
    put: async () => {
      throw new Error('put is not expected');
    },
    get: async () => undefined,
    close: async () => {},
  };
  return { conn, commands };
}

const aptRead = '@dpkg\n@policy\nsl:\n  Installed: (none)\n  Candidate: 5.02-1+b1\n@cache\n1700000000\n1700003600\n';
const cases: { title: string; mod: Module<never>; args: Record<string, unknown>; read: string }[] = [
  { title: 'apt installing a package', mod: apt as unknown as Module<never>, args: { name: 'sl' }, read: aptRead },
  { title: 'apt with a stale cache', mod: apt as unknown as Module<never>, args: { name: 'sl', update_cache: true }, read: aptRead },
  { title: 'service starting a unit', mod: service as unknown as Module<never>, args: { name: 'app', state: 'started', enabled: true }, read: 'init=systemd\nload=loaded\nactive=inactive\nenabled=disabled\n' },
  { title: 'systemd with daemon_reload', mod: systemd as unknown as Module<never>, args: { name: 'app', state: 'started', daemon_reload: true }, read: 'init=systemd\nload=loaded\nactive=inactive\nenabled=disabled\n' },
  { title: 'systemd daemon_reload alone', mod: systemd as unknown as Module<never>, args: { daemon_reload: true }, read: '' },
  { title: 'get_url downloading', mod: get_url as unknown as Module<never>, args: { url: 'https://example.com/a.tgz', dest: '/opt/a.tgz' }, read: 'dest=/opt/a.tgz\nfetcher=curl\n' },
  { title: 'command without creates/removes', mod: command as unknown as Module<never>, args: { cmd: 'touch /x' }, read: '' },
  { title: 'command whose creates is absent', mod: command as unknown as Module<never>, args: { cmd: 'touch /x', creates: '/x', chdir: '/tmp' }, read: '' },
  { title: 'shell without creates/removes', mod: shell as unknown as Module<never>, args: { cmd: 'rm -rf /x' }, read: '' },
  { title: 'shell whose removes exists', mod: shell as unknown as Module<never>, args: { cmd: 'rm -rf /x', removes: '/x' }, read: '' },
  { title: 'uri GET', mod: uri as unknown as Module<never>, args: { url: 'http://127.0.0.1:9/health' }, read: '' },
  { title: 'uri POST', mod: uri as unknown as Module<never>, args: { url: 'http://127.0.0.1:9/api', method: 'POST', body: { a: 1 }, body_format: 'json' }, read: '' },
];

/** Every module file, and the shared code under it, except the contract runner that alone decides check mode. */
function moduleSources(dir = fileURLToPath(new URL('../../../src/modules', import.meta.url))): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? moduleSources(join(dir, e.name)) : e.name.endsWith('.ts') && e.name !== 'types.ts' ? [join(dir, e.name)] : []);
}

describe('check mode is decided once, by the contract runner', () => {
  it.each(cases)('$title: --check runs only the read; a real run applies', async ({ mod, args, read }) => {
    const checked = recordingHost(read);
    await runModule(mod, args, { conn: checked.conn, check: true });
    const applied = recordingHost(read);
    await runModule(mod, args, { conn: applied.conn, check: false });
    // the read is at most one command; anything after it would have changed the host
    expect(checked.commands.length).toBeLessThanOrEqual(1);
    expect(applied.commands.length).toBeGreaterThan(checked.commands.length);
  });

  it('no module reads check mode itself: runContract alone decides it', () => {
    const offenders = moduleSources().filter((f) => /\bctx\.check\b|\.check\s*[?)&|]|\{[^}]*\bcheck\b[^}]*\}\s*=\s*ctx/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('command/shell in check mode give Ansible 2.14 results: skipped without creates/removes, changed when they would let it run', async () => {
    const plain = await runModule(command as unknown as Module<never>, { cmd: 'touch /x' }, { conn: recordingHost('').conn, check: true });
    expect(plain).toMatchObject({ changed: false, skipped: true, msg: 'Command would have run if not in check mode' });
    const guarded = await runModule(shell as unknown as Module<never>, { cmd: 'touch /x', creates: '/x' }, { conn: recordingHost('').conn, check: true });
    expect(guarded).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode', data: { rc: 0 } });
    const uriCheck = await runModule(uri as unknown as Module<never>, { url: 'http://127.0.0.1:9/' }, { conn: recordingHost('').conn, check: true });
    expect(uriCheck).toEqual({ changed: false, skipped: true, msg: 'remote module (uri) does not support check mode' });
  });

  const plan: Plan<string> = { changed: true, diff: [], msg: 'would change', change: 'x', pending: true };
  const contract = (applied: string[], predicted: string[]) => ({
    read: async () => 'state',
    plan: () => plan,
    apply: async () => {
      applied.push('apply');
      return { data: { done: true } };
    },
    predict: () => {
      predicted.push('predict');
    },
  });

  it('never calls apply in check mode, and records the prediction instead', async () => {
    const applied: string[] = [];
    const predicted: string[] = [];
    const conn = recordingHost('').conn;
    const r = await runContract(contract(applied, predicted), { conn, check: true, diff: true, vars: {}, findFile: (_k, n) => n, render: (t) => t, evaluate: () => undefined, model: new HostModel() }, {});
    expect(applied).toEqual([]);
    expect(predicted).toEqual(['predict']);
    expect(r).toMatchObject({ changed: true, msg: 'would change' });
    const real = await runContract(contract(applied, predicted), { conn, check: false, diff: true, vars: {}, findFile: (_k, n) => n, render: (t) => t, evaluate: () => undefined }, {});
    expect(applied).toEqual(['apply']);
    expect(real.data).toEqual({ done: true });
  });

  it('a failed plan fails in both modes without applying', async () => {
    const applied: string[] = [];
    const failing = { ...contract(applied, []), plan: (): Plan<string> => ({ changed: true, failed: true, diff: [], msg: 'cannot' }) };
    const conn = recordingHost('').conn;
    for (const check of [true, false]) {
      const r = await runContract(failing, { conn, check, diff: true, vars: {}, findFile: (_k, n) => n, render: (t) => t, evaluate: () => undefined }, {});
      expect(r).toMatchObject({ changed: false, failed: true, msg: 'cannot' });
    }
    expect(applied).toEqual([]);
  });
});
