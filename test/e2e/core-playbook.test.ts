import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const FIXTURE = resolve(__dirname, 'fixtures/local');

interface Recap { [host: string]: { ok: number; changed: number; failed: number; skipped: number; rescued: number } }

/** Runs the CLI with --json and returns its exit code, events and recap. */
async function tsrun(dir: string, ...args: string[]) {
  const r = await execa('node', [BIN, 'playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), '--json', ...args], { reject: false });
  const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const recap = events.find((e) => e.type === 'recap')?.stats as Recap;
  return { code: r.exitCode, events, recap, stderr: r.stderr };
}

/** Every file under a folder with its content, to compare trees. */
function localSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

/** The same files, read over SSH from a lab host: `== path` headers, then base64 of the content. */
async function remoteSnapshot(host: string, dir: string): Promise<Record<string, string>> {
  const r = await labSsh(inject('lab'), host, `[ -d ${dir} ] || exit 0; cd ${dir} && find . -type f | sort | while read -r f; do echo "== \${f#.}"; base64 -w0 "$f"; echo; done`);
  const out: Record<string, string> = {};
  const lines = r.stdout.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) if (lines[i].startsWith('== ')) out[lines[i].slice(3)] = Buffer.from(lines[i + 1], 'base64').toString();
  return out;
}

/** Where the two "hosts" of the scenario live: both on the controller, or two lab hosts over SSH. */
interface Transport {
  name: string;
  /** The inventory's YAML for hosts alpha and beta whose files live under `root`. */
  inventory(root: string): string;
  snapshot(host: 'alpha' | 'beta', root: string): Promise<Record<string, string>>;
}

const local: Transport = {
  name: 'the controller (connection: local)',
  inventory: (root) => `web:\n  vars: {ansible_connection: local, greeting: hello}\n  hosts:\n    alpha: {root_dir: ${root}/alpha}\n    beta: {root_dir: ${root}/beta}\n`,
  snapshot: async (host, root) => localSnapshot(join(root, host)),
};

const ssh: Transport = {
  name: 'lab hosts over SSH',
  inventory: (root) => {
    const lab = inject('lab');
    const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;
    return [
      'web:',
      `  vars: {ansible_user: root, ansible_ssh_private_key_file: ${lab.keyPath}, tsrun_known_hosts: ${lab.knownHostsPath}, greeting: hello}`,
      '  hosts:',
      `    alpha: {ansible_host: ${addr('node1')}, root_dir: ${root}/alpha}`,
      `    beta: {ansible_host: ${addr('node2')}, root_dir: ${root}/beta}`,
      '',
    ].join('\n');
  },
  snapshot: (host, root) => remoteSnapshot(host === 'alpha' ? 'node1' : 'node2', join(root, host)),
};

describe.each([local, ssh])('a playbook on $name, through the CLI', (transport) => {
  let dir: string;
  let root: string;
  const snapshot = (host: 'alpha' | 'beta') => transport.snapshot(host, root);
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-e2e-'));
    cpSync(FIXTURE, dir, { recursive: true });
    root = join(dir, 'hosts');
    writeFileSync(join(dir, 'inventory.yml'), transport.inventory(root));
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (transport === ssh) for (const h of ['node1', 'node2']) await labSsh(inject('lab'), h, `rm -rf ${root}`);
  });

  it('--check predicts the real run exactly and changes nothing; the re-run changes nothing', async () => {
    const check = await tsrun(dir, '--check', '--diff');
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    expect(await snapshot('alpha')).toEqual({});
    expect(await snapshot('beta')).toEqual({});

    const real = await tsrun(dir);
    expect(real.code).toBe(0);
    expect(real.recap.alpha).toMatchObject({ changed: 9, failed: 0, rescued: 1 });
    expect(real.recap.beta).toMatchObject({ changed: 8, failed: 0, rescued: 1 });
    expect(check.recap.alpha.changed).toBe(real.recap.alpha.changed);
    expect(check.recap.beta.changed).toBe(real.recap.beta.changed);

    const files = await snapshot('alpha');
    expect(files['/etc/app.conf']).toBe('# demo on alpha\nlisten 8080\nuses nginx\nuses docker\n');
    expect(files['/etc/app-restarted']).toBe('8080\n');
    expect(files['/etc/handler-ran']).toBe('ran\n');
    expect(files['/etc/motd']).toBe('welcome\n');
    expect(files['/etc/env']).toBe('GREETING=hello\n');
    expect(files['/etc/rescued']).toBe('yes\n');
    expect(files['/etc/never']).toBeUndefined();
    expect((await snapshot('beta'))['/etc/alpha-only']).toBeUndefined();

    const again = await tsrun(dir);
    expect(again.code).toBe(0);
    expect(again.recap.alpha.changed).toBe(0);
    expect(again.recap.beta.changed).toBe(0);
    const handlerRuns = again.events.filter((e) => e.type === 'task_start' && e.handler);
    expect(handlerRuns).toEqual([]);
  });

  it('--diff shows a unified diff with path headers for a changed file', async () => {
    await tsrun(dir);
    const inv = readFileSync(join(dir, 'inventory.yml'), 'utf8').replace('greeting: hello', 'greeting: bonjour');
    writeFileSync(join(dir, 'inventory.yml'), inv);
    const check = await tsrun(dir, '--check', '--diff', '--limit', 'alpha');
    const line = check.events.find((e) => e.type === 'host_result' && e.task === 'a line in a file');
    expect(line.status).toBe('changed');
    expect(line.diff).toContain(`--- before: ${root}/alpha/etc/env`);
    expect(line.diff).toContain('-GREETING=hello');
    expect(line.diff).toContain('+GREETING=bonjour');
    expect((await snapshot('alpha'))['/etc/env']).toBe('GREETING=hello\n');
  });

  it('--tags runs only tagged tasks plus always; never-tagged tasks run when asked', async () => {
    await tsrun(dir, '--limit', 'alpha');
    const r = await tsrun(dir, '--limit', 'alpha', '--tags', 'extra');
    const tasks = r.events.filter((e) => e.type === 'task_start').map((e) => e.name);
    expect(tasks).toEqual(['never unless asked']);
    expect((await snapshot('alpha'))['/etc/never']).toBe('n\n');
  });

  it('exits 2 and names the host when a task fails, and 4 with file:line:col for bad input', async () => {
    writeFileSync(join(dir, 'bad.yml'), '- hosts: web\n  gather_facts: no\n  tasks:\n    - fail: msg="boom on {{ inventory_hostname }}"\n      when: inventory_hostname == "beta"\n');
    const r = await execa('node', [BIN, 'playbook', join(dir, 'bad.yml'), '-i', join(dir, 'inventory.yml')], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/fatal: \[beta\] => boom on beta/);

    writeFileSync(join(dir, 'typo.yml'), '- hosts: web\n  tasks:\n    - name: oops\n      copy: {dest: /tmp/x, contnet: y}\n');
    const t = await execa('node', [BIN, 'playbook', join(dir, 'typo.yml'), '-i', join(dir, 'inventory.yml')], { reject: false });
    // a literal argument's mistake is found when the playbook loads, before any host is touched
    expect(t.exitCode).toBe(4);
    expect(t.stderr).toMatch(/typo\.yml:4:28: copy: unsupported argument "contnet" \(did you mean "content"\?\)/);

    writeFileSync(join(dir, 'broken.yml'), '- hosts: web\n  tasks:\n    - debug: {msg: [oops}\n');
    const b = await execa('node', [BIN, 'playbook', join(dir, 'broken.yml'), '-i', join(dir, 'inventory.yml')], { reject: false });
    expect(b.exitCode).toBe(4);
    expect(b.stderr).toMatch(/broken\.yml:3:\d+: malformed YAML/);
    expect(b.stderr).toMatch(/> 3 \|/);
    expect(b.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
