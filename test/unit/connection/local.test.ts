import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../../src/connection/local';

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
