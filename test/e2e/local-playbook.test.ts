import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const FIXTURE = resolve(__dirname, 'fixtures/local');

interface Recap { [host: string]: { ok: number; changed: number; failed: number; skipped: number; rescued: number } }

/** Runs the CLI with --json and returns its exit code, events and recap. */
async function tsrun(dir: string, ...args: string[]) {
  const r = await execa('node', [BIN, 'playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), '--json', ...args], { reject: false });
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const recap = events.find((e) => e.type === 'recap')?.stats as Recap;
  return { code: r.exitCode, events, recap, stderr: r.stderr };
}

/** Every file under a folder with its content, to compare trees. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('a playbook on the controller (connection: local) through the CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-e2e-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const inv = readFileSync(join(dir, 'inventory.ini'), 'utf8').replaceAll('ROOT', join(dir, 'hosts'));
    writeFileSync(join(dir, 'inventory.ini'), inv);
  });

  it('--check predicts the real run exactly and changes nothing; the re-run changes nothing', async () => {
    const check = await tsrun(dir, '--check', '--diff');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(snapshot(join(dir, 'hosts'))).toEqual({});

    const real = await tsrun(dir);
    expect(real.code).toBe(0);
    expect(real.recap.alpha).toMatchObject({ changed: 9, failed: 0, rescued: 1 });
    expect(real.recap.beta).toMatchObject({ changed: 8, failed: 0, rescued: 1 });
    expect(check.recap.alpha.changed).toBe(real.recap.alpha.changed);
    expect(check.recap.beta.changed).toBe(real.recap.beta.changed);

    const files = snapshot(join(dir, 'hosts', 'alpha'));
    expect(files['/etc/app.conf']).toBe('# demo on alpha\nlisten 8080\nuses nginx\nuses docker\n');
    expect(files['/etc/app-restarted']).toBe('8080\n');
    expect(files['/etc/handler-ran']).toBe('ran\n');
    expect(files['/etc/motd']).toBe('welcome\n');
    expect(files['/etc/env']).toBe('GREETING=hello\n');
    expect(files['/etc/rescued']).toBe('yes\n');
    expect(files['/etc/never']).toBeUndefined();
    expect(snapshot(join(dir, 'hosts', 'beta'))['/etc/alpha-only']).toBeUndefined();

    const again = await tsrun(dir);
    expect(again.code).toBe(0);
    expect(again.recap.alpha.changed).toBe(0);
    expect(again.recap.beta.changed).toBe(0);
    const handlerRuns = again.events.filter((e) => e.type === 'task_start' && e.handler);
    expect(handlerRuns).toEqual([]);
  });

  it('--diff shows a unified diff with path headers for a changed file', async () => {
    await tsrun(dir);
    const inv = readFileSync(join(dir, 'inventory.ini'), 'utf8').replace('greeting=hello', 'greeting=bonjour');
    writeFileSync(join(dir, 'inventory.ini'), inv);
    const check = await tsrun(dir, '--check', '--diff', '--limit', 'alpha');
    const line = check.events.find((e) => e.type === 'host_result' && e.task === 'a line in a file');
    expect(line.status).toBe('changed');
    expect(line.diff).toContain(`--- before: ${join(dir, 'hosts/alpha/etc/env')}`);
    expect(line.diff).toContain('-GREETING=hello');
    expect(line.diff).toContain('+GREETING=bonjour');
    expect(readFileSync(join(dir, 'hosts/alpha/etc/env'), 'utf8')).toBe('GREETING=hello\n');
  });

  it('--tags runs only tagged tasks plus always; never-tagged tasks run when asked', async () => {
    await tsrun(dir, '--limit', 'alpha');
    const r = await tsrun(dir, '--limit', 'alpha', '--tags', 'extra');
    const tasks = r.events.filter((e) => e.type === 'task_start').map((e) => e.name);
    expect(tasks).toEqual(['never unless asked']);
    expect(readFileSync(join(dir, 'hosts/alpha/etc/never'), 'utf8')).toBe('n\n');
  });

  it('exits 2 and names the host when a task fails, and 4 with file:line:col for bad input', async () => {
    writeFileSync(join(dir, 'bad.yml'), '- hosts: web\n  gather_facts: no\n  tasks:\n    - fail: msg="boom on {{ inventory_hostname }}"\n      when: inventory_hostname == "beta"\n');
    const r = await execa('node', [BIN, 'playbook', join(dir, 'bad.yml'), '-i', join(dir, 'inventory.ini')], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/fatal: \[beta\] => boom on beta/);

    writeFileSync(join(dir, 'typo.yml'), '- hosts: web\n  tasks:\n    - name: oops\n      copy: {dest: /tmp/x, contnet: y}\n');
    const t = await execa('node', [BIN, 'playbook', join(dir, 'typo.yml'), '-i', join(dir, 'inventory.ini')], { reject: false });
    expect(t.exitCode).toBe(2);
    expect(t.stdout).toMatch(/typo\.yml:4:28: copy: unsupported argument "contnet" \(did you mean "content"\?\)/);

    writeFileSync(join(dir, 'broken.yml'), '- hosts: web\n  tasks:\n    - debug: {msg: [oops}\n');
    const b = await execa('node', [BIN, 'playbook', join(dir, 'broken.yml'), '-i', join(dir, 'inventory.ini')], { reject: false });
    expect(b.exitCode).toBe(4);
    expect(b.stderr).toMatch(/broken\.yml:3:\d+: malformed YAML/);
    expect(b.stderr).toMatch(/> 3 \|/);
    expect(b.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
