import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local';
import { atomicWriteScript, invocation, sent, STDIN_RUNNER } from '../../../src/connection/shell';
import { tempPath } from '../../../src/connection/temp';

describe('LocalConnection', () => {
  const conn = new LocalConnection('localhost');
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('runs commands through sh and reports rc, stdout and stderr', async () => {
    const r = await conn.exec('echo out; echo err >&2; exit 3');
    expect(r).toMatchObject({ rc: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('feeds stdin and kills a command at its timeout', async () => {
    expect((await conn.exec('tr a-z A-Z', { stdin: 'abc' })).stdout).toBe('ABC');
    const r = await conn.exec('sleep 5', { timeoutMs: 200 });
    expect(r.timedOut).toBe(true);
    expect(r.rc).not.toBe(0);
  });

  it('writes files atomically with the requested mode and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsrun-local-'));
    dirs.push(dir);
    const dest = join(dir, "it's a file");
    await conn.put(dest, 'hello\n', { mode: '0600' });
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["it's a file"]);
    expect((await conn.get(dest))?.toString()).toBe('hello\n');
    expect(await conn.get(join(dir, 'missing'))).toBeUndefined();
  });

  it('leaves the destination untouched when the write fails', async () => {
    await expect(conn.put('/nonexistent-dir/x', 'data')).rejects.toThrow(/could not write/);
  });
});

describe('whole-or-nothing writes', () => {
  const conn = new LocalConnection('localhost');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-whole-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never renames a transfer shorter than what was sent, and removes its temporary file', async () => {
    const dest = join(dir, 'target');
    await conn.put(dest, 'old\n');
    const full = Buffer.alloc(100_000, 'x');
    const r = await conn.exec(atomicWriteScript(dest, tempPath(dest), sent(full)), { stdin: full.subarray(0, 40_000) });
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toMatch(/incomplete transfer: 40000 of 100000 bytes/);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('never renames content whose checksum differs from what was sent', async () => {
    const dest = join(dir, 'target');
    const r = await conn.exec(atomicWriteScript(dest, tempPath(dest), sent('new\n')), { stdin: 'bad\n' });
    expect(r.stderr).toMatch(/checksum mismatch/);
    expect(readFileSync(dest, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it("removes other runs' stale temporary files beside the file it writes, not fresh ones", async () => {
    const dest = join(dir, 'target');
    const stale = join(dir, '.target.tsrun-tmp.dead0000.1111');
    const fresh = join(dir, '.target.tsrun-tmp.live0000.2222');
    writeFileSync(stale, 'partial');
    writeFileSync(fresh, 'partial');
    utimesSync(stale, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    await conn.put(dest, 'new\n');
    expect(readdirSync(dir).sort()).toEqual(['.target.tsrun-tmp.live0000.2222', 'target']);
    rmSync(fresh);
  });

  it('starts every script under one fixed command line: the script travels on stdin', () => {
    const inv = invocation('echo SECRET-VALUE', { enabled: true, user: 'root', password: 'PW-VALUE' }, 'someone');
    expect(inv.command).not.toMatch(/SECRET-VALUE|PW-VALUE/);
    expect(inv.command).toContain(STDIN_RUNNER.split(' ')[0]);
    expect(inv.stdin.toString()).toBe('PW-VALUE\n18\necho SECRET-VALUE\n');
  });
});
