import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');

// The flags Ansible users type, against the lab's hosts, judged by what is on the hosts afterwards.
describe('command-line flags, configuration file and ad-hoc mode', () => {
  const lab = inject('lab');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-flags-'));
  const target = `/tmp/tsrun-flags-${process.pid}`;
  const nodes = lab.hosts.filter((h) => h.name.startsWith('node'));
  // an inventory with neither user nor key: they come from flags, the environment or the configuration file
  const inv = join(dir, 'hosts.ini');
  const key = lab.keyPath;
  const tsrun = (args: string[], env: Record<string, string> = {}, cwd = dir) =>
    execa('node', [BIN, ...args], { reject: false, cwd, env: { TSRUN_CONFIG: '', ANSIBLE_CONFIG: '', HOME: dir, ...env }, extendEnv: true });
  const onHosts = async (command: string) => Promise.all(nodes.map(async (h) => (await labSsh(lab, h.name, command)).stdout.trim()));

  beforeAll(() => {
    const common = `tsrun_known_hosts=${lab.knownHostsPath} ansible_ssh_common_args="-o UserKnownHostsFile=${lab.knownHostsPath}"`;
    writeFileSync(inv, `[nodes]\n${nodes.map((h) => `${h.name} ansible_host=${h.address} ${common}`).join('\n')}\n`);
  });
  afterAll(async () => {
    await onHosts(`rm -rf ${target}*`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('adhoc runs one module on the matching hosts, with -u and --private-key', async () => {
    const r = await tsrun(['adhoc', 'nodes', '-i', inv, '-u', 'root', '--private-key', key, '-m', 'copy', '-a', `dest=${target}-a content=hello`]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/node1 \| CHANGED =>/);
    expect(await onHosts(`cat ${target}-a`)).toEqual(nodes.map(() => 'hello'));
    // the shorthand, --check and --diff: the file is not touched, the diff is shown
    const c = await tsrun(['nodes', '-i', inv, '-u', 'root', '--private-key', key, '-m', 'copy', '-a', `dest=${target}-a content=other`, '--check', '--diff']);
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toMatch(/node2 \| CHANGED/);
    expect(c.stdout).toMatch(/-hello\n\\ No newline at end of file\n\+other|-hello[\s\S]*\+other/);
    expect(await onHosts(`cat ${target}-a`)).toEqual(nodes.map(() => 'hello'));
    // command is the default module; -e reaches the arguments; a failing command exits 2
    const e = await tsrun(['adhoc', 'node1', '-i', inv, '-u', 'root', '--private-key', key, '-e', 'word=bye', '-a', 'sh -c "echo {{ word }}; exit 3"']);
    expect(e.exitCode).toBe(2);
    expect(e.stdout).toMatch(/node1 \| FAILED \| rc=3 >>\nbye/);
    // --json: events only
    const j = await tsrun(['adhoc', 'nodes', '-i', inv, '-u', 'root', '--private-key', key, '-f', '1', '-m', 'command', '-a', 'hostname', '--json']);
    const events = j.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; result?: { stdout?: string } });
    expect(events.filter((ev) => ev.type === 'host_result').map((ev) => ev.result?.stdout).sort()).toEqual(nodes.map((h) => h.name).sort());
  });

  it('-b and --become-user run as another user than the one logged in (-u)', async () => {
    const base = ['adhoc', 'node1', '-i', inv, '--private-key', key, '-m', 'command', '-a', 'id -un'];
    expect((await tsrun([...base, '-u', 'nopass'])).stdout).toMatch(/rc=0 >>\nnopass/);
    expect((await tsrun([...base, '-u', 'nopass', '-b'])).stdout).toMatch(/rc=0 >>\nroot/);
    expect((await tsrun([...base, '-u', 'nopass', '-b', '--become-user', 'tsrun'])).stdout).toMatch(/rc=0 >>\ntsrun/);
    // the evidence on the host: a file made with -b belongs to root
    await tsrun(['adhoc', 'node1', '-i', inv, '--private-key', key, '-u', 'nopass', '-b', '-m', 'file', '-a', `path=${target}-b state=touch`]);
    expect((await labSsh(lab, 'node1', `stat -c %U ${target}-b`)).stdout.trim()).toBe('root');
  });

  it('settings: command line > environment > configuration file > defaults', async () => {
    const cwd = mkdtempSync(join(dir, 'cfg-'));
    writeFileSync(join(cwd, 'ansible.cfg'), `[defaults]\ninventory = ${inv}\nremote_user = nopass\nprivate_key_file = ${key}\nforks = 2\n`);
    const who = async (args: string[], env: Record<string, string> = {}) => {
      const r = await tsrun(['adhoc', 'node1', '-m', 'command', '-a', 'id -un', ...args], env, cwd);
      return r.stdout.split('\n')[1];
    };
    expect(await who([])).toBe('nopass'); // ansible.cfg in the current directory
    writeFileSync(join(cwd, 'tsrun.cfg'), `[defaults]\ninventory = ${inv}\nremote_user = tsrun\nprivate_key_file = ${key}\n`);
    expect(await who([])).toBe('tsrun'); // tsrun.cfg before ansible.cfg
    expect(await who([], { ANSIBLE_REMOTE_USER: 'nopass' })).toBe('nopass'); // environment over file
    expect(await who([], { ANSIBLE_REMOTE_USER: 'nopass', TSRUN_REMOTE_USER: 'root' })).toBe('root'); // TSRUN_ over ANSIBLE_
    expect(await who(['-u', 'tsrun'], { TSRUN_REMOTE_USER: 'root' })).toBe('tsrun'); // command line over all
    const v = await tsrun(['--version'], {}, cwd);
    expect(v.stdout).toContain(`config file = ${join(cwd, 'tsrun.cfg')}`);
    const bad = await tsrun(['adhoc', 'node1', '-a', 'true'], { TSRUN_FORKS: 'many' }, cwd);
    expect(bad.exitCode).toBe(5);
    expect(bad.stderr).toContain('TSRUN_FORKS is "many", not a positive whole number');
  });

  it('-c local and -T', async () => {
    const local = await tsrun(['adhoc', 'somewhere', '-i', 'somewhere,', '-c', 'local', '-a', 'hostname']);
    expect(local.stdout).toContain((await execa('hostname')).stdout.trim());
    expect((await tsrun(['adhoc', 'node1', '-i', inv, '-T', '0', '-a', 'true'])).exitCode).toBe(5);
    // an address on the lab's bridge where no host answers: unreachable (exit 3) within the timeout
    const none = lab.hosts[0].address.replace(/\.\d+$/, '.250');
    const r = await tsrun(['adhoc', 'all', '-i', `${none},`, '-u', 'root', '--private-key', key, '-T', '2', '-a', 'true']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/UNREACHABLE/);
  });

  describe('playbook flags', () => {
    const book = join(dir, 'book.yml');
    beforeAll(() => {
      writeFileSync(book, [
        '- hosts: nodes', '  gather_facts: no', '  tags: [files]', '  tasks:',
        `    - {name: first file, copy: {dest: ${target}-1, content: "1"}, tags: one}`,
        `    - {name: second file, copy: {dest: ${target}-2, content: "2"}, tags: [two, pair]}`,
        `    - {name: third file, copy: {dest: ${target}-3, content: "3"}}`, '',
      ].join('\n'));
    });
    const run = (...args: string[]) => tsrun(['playbook', book, '-i', inv, '-u', 'root', '--private-key', key, ...args]);
    const present = async () => (await onHosts(`ls ${target}-1 ${target}-2 ${target}-3 2>/dev/null | wc -l`)).map(Number);

    it('--syntax-check, --list-hosts, --list-tasks and --list-tags touch no host', async () => {
      const s = await run('--syntax-check');
      expect(s.exitCode).toBe(0);
      expect(s.stdout).toContain(`playbook: ${book}`);
      writeFileSync(join(dir, 'bad.yml'), '- hosts: nodes\n  tasks:\n    - copy: {dest: /x, contnt: y}\n    - nosuchmodule: {}\n');
      const bad = await tsrun(['playbook', join(dir, 'bad.yml'), '--syntax-check']);
      expect(bad.exitCode).toBe(4);
      // the first error in the file, found before any host is touched: the argument typo on line 3
      expect(bad.stderr).toMatch(/bad\.yml:3:24: copy: unsupported argument "contnt"/);
      const l = await run('--list-hosts', '--list-tasks', '--list-tags', '--limit', 'node1,node2', '--skip-tags', 'one');
      expect(l.exitCode).toBe(0);
      expect(l.stdout).toContain('hosts (2):\n      node1\n      node2\n');
      expect(l.stdout).toMatch(/tasks:\n {6}second file\tTAGS: \[files, pair, two\]\n {6}third file\tTAGS: \[files\]\n/);
      expect(l.stdout).toContain('TASK TAGS: [files, pair, two]');
      expect(await present()).toEqual([0, 0, 0]);
    });

    it('--start-at-task skips the tasks before it; a name that is no task is refused before any host is touched', async () => {
      const wrong = await run('--start-at-task', 'secnd file');
      expect(wrong.exitCode).toBe(5);
      expect(wrong.stderr).toContain('did you mean "second file"');
      expect(await present()).toEqual([0, 0, 0]);
      const r = await run('--start-at-task', 'second file');
      expect(r.exitCode).toBe(0);
      expect(await onHosts(`cat ${target}-2 ${target}-3; test -e ${target}-1 && echo first`)).toEqual(nodes.map(() => '23'));
      await onHosts(`rm -f ${target}-1 ${target}-2 ${target}-3`);
    });

    it('--step asks before each task on a terminal and refuses without one', async () => {
      const refused = await run('--step');
      expect(refused.exitCode).toBe(5);
      expect(refused.stderr).toContain('--step asks before each task and needs a terminal');
      // answers typed at a pseudo-terminal: yes to the first, no to the second, continue from the third
      const cmd = `node ${BIN} playbook ${book} -i ${inv} -u root --private-key ${key}`;
      const r = await execa('script', ['-qec', `stty cols 120 rows 40; ${cmd} --step`, '/dev/null'], { reject: false, input: 'y\nn\nc\n', env: { TERM: 'xterm', TSRUN_CONFIG: '' }, timeout: 120_000 });
      expect(r.stdout).toContain('Perform task: TASK: first file (N)o/(y)es/(c)ontinue:');
      expect(r.stdout).toContain('Perform task: TASK: third file (N)o/(y)es/(c)ontinue:');
      expect(await onHosts(`cat ${target}-1 ${target}-3; test -e ${target}-2 && echo second`)).toEqual(nodes.map(() => '13'));
      await onHosts(`rm -f ${target}-1 ${target}-2 ${target}-3`);
    });

    it('--tags with a play tag selects the play\'s tasks', async () => {
      const r = await run('--tags', 'two');
      expect(r.exitCode).toBe(0);
      expect(await present()).toEqual([1, 1, 1]);
      await onHosts(`rm -f ${target}-1 ${target}-2 ${target}-3`);
    });
  });
});
