import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const FIXTURE = resolve(__dirname, 'fixtures/features');

describe('playbook features through the CLI (connection: local)', () => {
  let dir: string;
  const run = (playbook: string, ...args: string[]) =>
    execa('node', [BIN, 'playbook', join(dir, playbook), '-i', join(dir, 'inventory.yml'), ...args], { reject: false });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-features-'));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, 'inventory.yml'), readFileSync(join(dir, 'inventory.yml'), 'utf8').replaceAll('ROOT', join(dir, 'hosts')));
    for (const h of ['h1', 'h2', 'h3']) cpSync(join(dir, 'site.yml'), join(dir, 'hosts', h, '.keep'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs includes, run_once, delegation, until, block vars, environment and precedence; hides secrets', async () => {
    const r = await run('site.yml', '--diff', '-v', '-v');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'hosts/h1/seen'), 'utf8')).toBe('host_vars play once 3 from-env included\n');
    expect(readFileSync(join(dir, 'hosts/h2/seen'), 'utf8')).toBe('inventory-group play once 3 from-env included\n');
    expect(readFileSync(join(dir, 'hosts/h1/token'), 'utf8')).toBe('s3cr3t-value\n');
    expect(r.stdout).not.toContain('s3cr3t');
    expect(r.stdout).toContain("no_log: true");
    expect(r.stdout).toMatch(/\(item=a\)/);
    expect(r.stdout).toContain('svc port 9000');
    // run_once: one result line for the task
    const once = r.stdout.split('TASK [run once and delegate to the controller]')[1].split('TASK [')[0];
    expect(once.match(/^ok: /gm)).toHaveLength(1);

    const json = await run('site.yml', '--json', '--diff');
    expect(json.stdout).not.toContain('s3cr3t');
    const recap = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'recap');
    for (const h of ['h1', 'h2', 'h3']) expect(recap.stats[h].changed).toBe(0);
  });

  it('validates role arguments for every host before touching any host', async () => {
    const r = await run('argspec.yml');
    expect(r.exitCode).toBe(4);
    // located at the value given, naming the option of the spec it breaks
    expect(r.stderr).toMatch(/argspec\.yml:5:17: role svc: argument "svc_port" must be an integer, got string "not-a-number" \(option "svc_port" of \S+argument_specs\.yml:4:7\) \(host h1\)/);
    for (const h of ['h1', 'h2', 'h3']) expect(existsSync(join(dir, 'hosts', h, 'touched'))).toBe(false);
  });

  it('names an undefined variable, the task and the file:line', async () => {
    const r = await run('undefined.yml');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/undefined\.yml:\d+:\d+: .*undefined_thing/);
    expect(r.stdout).toContain('in task: uses a typo');
  });

  it('any_errors_fatal ends the play on every host', async () => {
    const r = await run('fatal.yml');
    expect(r.exitCode).toBe(2);
    for (const h of ['h1', 'h2', 'h3']) expect(existsSync(join(dir, 'hosts', h, 'after-fatal'))).toBe(false);
  });
});
