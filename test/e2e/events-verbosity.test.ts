import Ajv from 'ajv';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const SECRET = 'Hunter2-secret-value';

// -v to -vvvv as Ansible's, and the --json events against their published JSON Schema, on the lab's hosts.
describe('verbosity levels and the --json event schema', () => {
  const lab = inject('lab');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-events-'));
  const target = `/tmp/tsrun-events-${process.pid}`;
  const nodes = lab.hosts.filter((h) => h.name.startsWith('node'));
  const inv = join(dir, 'hosts.ini');
  const tsrun = (...args: string[]) => execa('node', [BIN, ...args], { reject: false, cwd: dir, env: { TSRUN_CONFIG: '', ANSIBLE_CONFIG: '', HOME: dir }, extendEnv: true });
  const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(readFileSync(resolve(__dirname, '../../docs/events.schema.json'), 'utf8')) as object);

  beforeAll(() => {
    const common = `ansible_user=root ansible_ssh_private_key_file=${lab.keyPath} tsrun_known_hosts=${lab.knownHostsPath}`;
    // ghost: a closed port on loopback, so the run has an unreachable host
    writeFileSync(inv, `[nodes]\n${nodes.map((h) => `${h.name} ansible_host=${h.address} ${common}`).join('\n')}\n[ghosts]\nghost ansible_host=127.0.0.1 ansible_port=1 ansible_user=root\n`);
    writeFileSync(join(dir, 'levels.yml'), `- hosts: node1
  gather_facts: false
  vars:
    tsrun_secret_vars: [token]
    token: ${SECRET}
  tasks:
    - name: write the token
      copy: {dest: ${target}-token, content: "{{ token }}\\n", mode: "0600"}
    - name: only from -vv
      debug: {msg: shown-at-two, verbosity: 2}
    - name: a second command on the same connection
      command: "true"
`);
    writeFileSync(join(dir, 'full.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - name: write a file
      copy: {dest: ${target}-full, content: "full {{ inventory_hostname }}\\n"}
      notify: touched
    - name: loop
      command: "echo {{ item }}"
      loop: [a, b]
      changed_when: false
    - name: only node2
      command: "true"
      when: inventory_hostname == 'node2'
    - name: node3 fails
      command: "false"
      when: inventory_hostname == 'node3'
  handlers:
    - name: touched
      command: "touch ${target}-handled"
`);
    writeFileSync(join(dir, 'broken.yml'), '- hosts: all\n  tasks:\n    - name: no such module\n      no_such_module: {x: 1}\n');
  });
  afterAll(async () => {
    await Promise.all(nodes.map((h) => labSsh(lab, h.name, `rm -f ${target}-*`)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('each -v level adds its detail, lower levels do not show it, and secrets stay masked at every level', async () => {
    const out: string[] = [];
    for (const level of [1, 2, 3, 4]) {
      const r = await tsrun('playbook', join(dir, 'levels.yml'), '-i', inv, `-${'v'.repeat(level)}`);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
      out.push(r.stdout);
    }
    const [v1, v2, v3, v4] = out;
    // the evidence on the host: the secret arrived there
    expect((await labSsh(lab, 'node1', `cat ${target}-token`)).stdout.trim()).toBe(SECRET);
    // -v: results only
    expect(v1).toMatch(/(ok|changed): \[node1\]/);
    expect(v1).not.toMatch(/task path:|copy args:|EXEC|ESTABLISH|ssh2:/);
    expect(v1).not.toContain('shown-at-two');
    // -vv: task paths (file:line, as Ansible's), the arguments with the secret masked, debug verbosity 2
    expect(v2).toContain(`task path: ${join(dir, 'levels.yml')}:7`);
    expect(v2).toMatch(/<node1> copy args: .*"dest":"\/tmp\/tsrun-events-\d+-token".*"content":"\*{8}\\n"/);
    expect(v2).toContain('shown-at-two');
    expect(v2).not.toMatch(/EXEC|ESTABLISH|ssh2:/);
    // -vvv: the connection (user, address, port), established then reused, and the commands sent
    const node1 = nodes.find((h) => h.name === 'node1')!;
    expect(v3).toContain(`<node1> ESTABLISH SSH CONNECTION FOR USER: root to root@${node1.address}:22`);
    expect(v3).toMatch(/<node1> connection established to root@[\d.]+:22 in \d+ ms \(authenticated by publickey\)/);
    expect(v3).toMatch(/<node1> reusing the run's SSH connection/);
    expect(v3).toMatch(/<node1> (EXEC|PUT) /);
    expect(v3).toContain('task path:');
    expect(v3).not.toMatch(/ssh2:|trying authentication/);
    // -vvvv: SSH's own detail: the key exchange and the authentication methods
    expect(v4).toMatch(/<node1> ssh2: .*KEX/i);
    expect(v4).toMatch(/<node1> trying authentication: publickey/);
    expect(v4).toMatch(/<node1> authentication methods to offer, in order: .*key /);
  });

  it('every event of full runs (ok, changed, failed, skipped, unreachable, handlers, loops, check mode, a load error) validates against docs/events.schema.json', async () => {
    const parse = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const runs = [
      // node3 fails and ghost is unreachable: exit 2 wins over 3
      { args: ['playbook', join(dir, 'full.yml'), '-i', inv, '--json', '--diff', '-T', '5'], exit: 2 },
      // --check: node3's command is not run, so its outcome is unknown; only ghost's unreachability is left
      { args: ['playbook', join(dir, 'full.yml'), '-i', inv, '--json', '--check', '--diff', '-vvvv', '-T', '5'], exit: 3 },
      { args: ['playbook', join(dir, 'broken.yml'), '-i', inv, '--json'], exit: 4 },
    ];
    let validated = 0;
    const all: Record<string, unknown>[][] = [];
    for (const run of runs) {
      const r = await tsrun(...run.args);
      const events = parse(r.stdout);
      all.push(events);
      for (const e of events) {
        expect(validate(e), `${JSON.stringify(e)}: ${JSON.stringify(validate.errors)}`).toBe(true);
        validated++;
      }
      // ids and times: one run id, event ids 1..n in order, times that never go back
      expect(new Set(events.map((e) => e.runId)).size).toBe(1);
      expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
      const times = events.map((e) => Date.parse(String(e.time)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(r.exitCode, r.stderr).toBe(run.exit);
    }
    expect(validated).toBeGreaterThan(0);
    const [real, check, broken] = all;
    // every task end comes after its start, names its task, and every result lies between them
    // the check comes after the real run: the file is already there, so nothing is changed in it
    for (const [events, expected] of [[real, ['changed', 'failed']], [check, ['unknown']]] as const) {
      const starts = new Map(events.filter((e) => e.type === 'task_start').map((e) => [e.taskId, e]));
      for (const end of events.filter((e) => e.type === 'task_end')) {
        const start = starts.get(end.taskId)!;
        expect(start, `task_end ${String(end.taskId)} without a start`).toBeDefined();
        expect(Number(end.eventId)).toBeGreaterThan(Number(start.eventId));
        expect(Date.parse(String(end.time))).toBeGreaterThanOrEqual(Date.parse(String(start.time)));
        for (const r of events.filter((e) => e.type === 'host_result' && e.taskId === end.taskId)) {
          expect(Number(r.eventId)).toBeGreaterThan(Number(start.eventId));
          expect(Number(r.eventId)).toBeLessThan(Number(end.eventId));
        }
      }
      const statuses = new Set(events.filter((e) => e.type === 'host_result').map((e) => e.status));
      for (const s of ['ok', ...expected, 'skipped', 'unreachable']) expect(statuses).toContain(s);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['run_start', 'play_start', 'task_start', 'host_result', 'task_end', 'play_end', 'recap']));
    }
    // the loop's two items in the real run; in --check its command is unknown as a whole (docs/ansible-differences.md)
    expect(real.some((e) => e.type === 'host_result' && e.task === 'loop' && Array.isArray(e.items) && e.items.length === 2)).toBe(true);
    expect(check.filter((e) => e.type === 'host_result' && e.task === 'loop' && e.host !== 'ghost').map((e) => e.status)).toEqual(['unknown', 'unknown', 'unknown']);
    // the handler runs where the file changed: in the real run, not in the check after it
    expect(real.some((e) => e.type === 'task_start' && e.handler === true)).toBe(true);
    expect(check.some((e) => e.type === 'log' && e.level === 4)).toBe(true);
    expect(check.find((e) => e.type === 'run_start')).toMatchObject({ check: true, verbosity: 4, playbooks: [join(dir, 'full.yml')] });
    // the handler really ran on the hosts that changed, and check mode changed nothing more
    expect((await labSsh(lab, 'node1', `test -e ${target}-handled && cat ${target}-full`)).stdout.trim()).toBe('full node1');
    // a load error: one error event on stdout, naming file and line, and nothing touched
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ type: 'error', exitCode: 4, location: { file: join(dir, 'broken.yml'), line: 4 } });
  });
});
