import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const tsrun = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });

describe('tsrun inventory, doc and usage through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ini = join(dir, 'hosts.ini');
  writeFileSync(ini, '[nodes]\nnode[1:3] ansible_user=root\n\n[lb]\nlb1 ansible_host=10.0.0.10\n\n[nodes:vars]\nproxy=http://p:3128\n');

  it('--list prints the inventory as JSON with host variables', async () => {
    const r = await tsrun('inventory', '-i', ini, '--list');
    expect(r.exitCode).toBe(0);
    const data = JSON.parse(r.stdout);
    expect(data.nodes.hosts).toEqual(['node1', 'node2', 'node3']);
    expect(data._meta.hostvars.node2).toMatchObject({ ansible_user: 'root', proxy: 'http://p:3128' });
    expect(data._meta.hostvars.lb1).toMatchObject({ ansible_host: '10.0.0.10' });
  });

  it('--graph draws the group tree and --host shows one host', async () => {
    const g = await tsrun('inventory', '-i', ini, '--graph');
    expect(g.stdout).toMatch(/@all:\n(.|\n)*\|--@nodes:\n(.|\n)*\|--node1/);
    const h = await tsrun('inventory', '-i', ini, '--host', 'node1');
    expect(JSON.parse(h.stdout)).toMatchObject({ ansible_user: 'root', proxy: 'http://p:3128' });
  });

  it('a pattern that matches nothing is a clear error', async () => {
    writeFileSync(join(dir, 'p.yml'), '- hosts: nodez\n  tasks: []\n');
    const r = await tsrun('playbook', join(dir, 'p.yml'), '-i', ini);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/nodez.*did you mean "nodes"/);
  });

  it('bad command lines exit 5; doc prints a module', async () => {
    expect((await tsrun('playbook')).exitCode).toBe(5);
    expect((await tsrun('nosuchcommand')).exitCode).toBe(5);
    const d = await tsrun('doc', 'lineinfile');
    expect(d.exitCode).toBe(0);
    expect(d.stdout).toMatch(/^lineinfile: /);
    expect((await tsrun('doc', 'lineinfle')).stderr).toMatch(/did you mean "lineinfile"/);
    // ansible-doc's forms: a snippet that is YAML, a special action by its builtin name, keywords as JSON
    const snip = await tsrun('doc', '-s', 'ansible.builtin.meta');
    expect(snip.exitCode).toBe(0);
    expect(snip.stdout).toMatch(/^ {2}ansible\.builtin\.meta:\n {6}free_form: +# \(required\)/m);
    const kw = await tsrun('doc', '-t', 'keyword', '--json', 'become');
    expect(JSON.parse(kw.stdout)).toMatchObject({ become: { type: 'bool', applies_to: ['Play', 'Role', 'Block', 'Task'] } });
  });

  it('on a terminal, listr2 shows each task with its per-host counts, then the recap', async () => {
    writeFileSync(join(dir, 'tty.yml'), '- hosts: localhost\n  gather_facts: no\n  tasks:\n    - name: say hello\n      debug: msg=hello\n    - fail: msg=boom\n');
    // `script` gives the command a pseudo-terminal, as a person's shell would
    const r = await execa('script', ['-qec', `stty cols 120 rows 40; node ${BIN} playbook ${join(dir, 'tty.yml')} -i ${ini}`, '/dev/null'], { reject: false, env: { TERM: 'xterm' } });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/\x1b\[/);
    const screen = stripVTControlCharacters(r.stdout);
    expect(screen).toMatch(/✔ say hello {2}ok=1/);
    expect(screen).toMatch(/ok: \[localhost\] => hello/);
    expect(screen).toMatch(/✖ fail {2}failed=1/);
    expect(screen).toMatch(/fatal: \[localhost\] => boom/);
    expect(screen).toMatch(/localhost : ok=1 changed=0 unreachable=0 failed=1/);
  });

  it('--skip-tags, --limit with an exclusion, and --forks reach the run', async () => {
    writeFileSync(join(dir, 'tags.yml'), '- hosts: all\n  connection: local\n  gather_facts: no\n  tasks:\n    - {name: fast, debug: {msg: fast}, tags: fast}\n    - {name: slow, debug: {msg: slow}, tags: slow}\n');
    const r = await tsrun('playbook', join(dir, 'tags.yml'), '-i', ini, '--skip-tags', 'slow', '--limit', 'nodes:!node3', '--forks', '1', '--json');
    expect(r.exitCode).toBe(0);
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'task_start').map((e) => e.name)).toEqual(['fast']);
    expect(Object.keys(events.find((e) => e.type === 'recap').stats)).toEqual(['node1', 'node2']);
  });

  it('output to a pipe is plain lines without escape codes', async () => {
    writeFileSync(join(dir, 'ok.yml'), '- hosts: localhost\n  gather_facts: no\n  tasks:\n    - debug: msg=hello\n');
    const r = await tsrun('playbook', join(dir, 'ok.yml'), '-i', ini);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('ok: [localhost] => hello');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});
