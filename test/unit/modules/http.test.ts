import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get_url } from '../../../src/modules/get_url';
import { uri } from '../../../src/modules/uri';
import { wait_for } from '../../../src/modules/wait_for';
import { runModule } from './sys-context';

const FILE = 'hello from tsrun\n';
const sha256 = createHash('sha256').update(FILE).digest('hex');
let server: Server;
let base = '';
let hits = 0;
const dir = mkdtempSync(join(tmpdir(), 'tsrun-http-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/file.txt') return void res.end(FILE);
      if (req.url === '/redirect') return void res.writeHead(302, { Location: '/file.txt' }).end();
      if (req.url === '/json') return void res.writeHead(200, { 'Content-Type': 'application/json', 'X-Custom-Thing': 'yes' }).end('{"ok":true,"n":[1,2]}');
      if (req.url === '/echo') {
        const echoed = { method: req.method, type: req.headers['content-type'], auth: req.headers.authorization, body };
        return void res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(echoed));
      }
      res.writeHead(404).end('not here');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

describe('get_url', () => {
  it('downloads atomically, then is idempotent, and predicts in check mode', async () => {
    const dest = join(dir, 'a.txt');
    const check = await runModule(get_url, { url: `${base}/file.txt`, dest }, { check: true });
    expect(check).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: [`file ${dest}: absent -> downloaded from ${base}/file.txt`] }] });
    expect(existsSync(dest)).toBe(false);
    const first = await runModule(get_url, { url: `${base}/file.txt`, dest, mode: 0o600, checksum: `sha256:${sha256}` });
    expect(first).toMatchObject({ changed: true, data: { dest, checksum_dest: sha256, status_code: 200, size: FILE.length } });
    expect(readFileSync(dest, 'utf8')).toBe(FILE);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    const before = hits;
    const again = await runModule(get_url, { url: `${base}/file.txt`, dest, mode: '0600', checksum: `sha256:${sha256}` });
    expect(again).toMatchObject({ changed: false });
    expect(hits).toBe(before);
    const forced = await runModule(get_url, { url: `${base}/redirect`, dest, force: true });
    expect(forced).toMatchObject({ changed: false, msg: expect.stringMatching(/up to date/) });
    expect(readdirSync(dir).filter((f) => f.includes('tsrun'))).toEqual([]);
  });

  it('fixes the mode of an existing file without downloading', async () => {
    const dest = join(dir, 'b.txt');
    writeFileSync(dest, 'old', { mode: 0o644 });
    const r = await runModule(get_url, { url: `${base}/file.txt`, dest, mode: '0640' });
    expect(r).toMatchObject({ changed: true, diff: [{ kind: 'lines', lines: ['mode: 0644 -> 0640'] }] });
    expect(readFileSync(dest, 'utf8')).toBe('old');
    expect(statSync(dest).mode & 0o777).toBe(0o640);
  });

  it('names the file after the URL when dest is a directory', async () => {
    const sub = mkdtempSync(join(dir, 'd-'));
    const r = await runModule(get_url, { url: `${base}/file.txt`, dest: sub });
    expect(r).toMatchObject({ changed: true, data: { dest: join(sub, 'file.txt') } });
  });

  it('fails on a checksum mismatch and leaves no file', async () => {
    const dest = join(dir, 'bad.txt');
    const r = await runModule(get_url, { url: `${base}/file.txt`, dest, checksum: `sha256:${'0'.repeat(64)}` });
    expect(r).toMatchObject({ failed: true, msg: expect.stringMatching(/did not match/) });
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('tsrun'))).toEqual([]);
  });

  it('fails with the HTTP status on a missing URL', async () => {
    const r = await runModule(get_url, { url: `${base}/nope`, dest: join(dir, 'nope') });
    expect(r).toMatchObject({ failed: true, msg: `Request failed: HTTP Error 404 for ${base}/nope`, data: { status_code: 404 } });
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});

describe('uri', () => {
  it('GETs JSON with lowercased headers, unchanged', async () => {
    const r = await runModule(uri, { url: `${base}/json`, return_content: true });
    expect(r).toMatchObject({ changed: false, data: { status: 200, json: { ok: true, n: [1, 2] }, redirected: false, x_custom_thing: 'yes' } });
    expect((r.data?.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('follows redirects for GET and reports them', async () => {
    const r = await runModule(uri, { url: `${base}/redirect`, return_content: true });
    expect(r).toMatchObject({ data: { status: 200, content: FILE, redirected: true, url: `${base}/file.txt` } });
  });

  it('POSTs a JSON body with credentials that never show up in the result', async () => {
    const r = await runModule(uri, { url: `${base}/echo`, method: 'POST', body: { a: 'x "y"' }, body_format: 'json', status_code: 201, return_content: true, user: 'me', password: 's3cret', force_basic_auth: true });
    expect(r.failed).toBeFalsy();
    expect(r.data?.json).toEqual({ method: 'POST', type: 'application/json', auth: `Basic ${Buffer.from('me:s3cret').toString('base64')}`, body: '{"a":"x \\"y\\""}' });
    expect(JSON.stringify({ ...r, data: { ...r.data, json: undefined, content: undefined } })).not.toContain('s3cret');
  });

  it('fails on an unexpected status, naming it; in check mode sends nothing, GET included, as Ansible', async () => {
    const r = await runModule(uri, { url: `${base}/gone` });
    expect(r).toMatchObject({ failed: true, msg: 'Status code was 404 and not [200]: HTTP Error 404', data: { status: 404 } });
    const before = hits;
    for (const method of ['DELETE', 'GET']) {
      expect(await runModule(uri, { url: `${base}/file.txt`, method }, { check: true })).toEqual({ skipped: true, changed: false, msg: 'remote module (uri) does not support check mode' });
    }
    expect(hits).toBe(before);
  });

  it('reports a connection failure as status -1', async () => {
    const r = await runModule(uri, { url: 'http://127.0.0.1:1/' });
    expect(r).toMatchObject({ failed: true, data: { status: -1 }, msg: expect.stringMatching(/^Status code was -1 and not \[200\]: Request failed/) });
  });
});

describe('wait_for', () => {
  it('returns at once for an open port and a present file; times out naming what it waited for', async () => {
    const port = Number(new URL(base).port);
    const open = await runModule(wait_for, { port, timeout: 5 });
    expect(open).toMatchObject({ changed: false });
    expect(open.failed).toBeFalsy();
    expect(typeof open.data?.elapsed).toBe('number');
    expect(await runModule(wait_for, { path: dir, timeout: 2 })).toMatchObject({ changed: false });
    const t = await runModule(wait_for, { port: 1, timeout: 1, sleep: 1 });
    expect(t).toMatchObject({ failed: true, msg: 'Timeout when waiting for 127.0.0.1:1' });
    expect(await runModule(wait_for, { port: 1, state: 'stopped', timeout: 2 })).toMatchObject({ changed: false });
  });

  it('waits for a string to appear in a file', async () => {
    const log = join(dir, 'app.log');
    writeFileSync(log, 'booting\n');
    setTimeout(() => writeFileSync(log, 'booting\nstarted in 12 ms\n'), 600);
    const r = await runModule(wait_for, { path: log, search_regex: 'started in [0-9]+ ms', timeout: 10 });
    expect(r).toMatchObject({ changed: false });
    const miss = await runModule(wait_for, { path: log, search_regex: 'never', timeout: 1 });
    expect(miss).toMatchObject({ failed: true, msg: `Timeout when waiting for search string never in ${log}` });
  });
});
