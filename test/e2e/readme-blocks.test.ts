import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { LabInfo } from '../../src/lab/index';
import { labSsh } from './lab-helpers';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/tsrun.js');

/** A fenced block of the README that is not a `sh` block (those are run by readme.test.ts). */
interface Block {
  lang: string;
  text: string;
  line: number;
}

/** Every fenced block but `sh` ones, indented ones too (dedented), with the line it starts on. */
function readmeBlocks(readme: string): Block[] {
  return [...readme.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)]
    .filter((m) => m[2] !== 'sh')
    .map((m) => ({
      lang: m[2],
      text: m[3].split('\n').map((l) => l.slice(m[1].length)).join('\n'),
      line: readme.slice(0, m.index).split('\n').length,
    }));
}

/** A block is known by its first line, up to a colon: `# tsrun.cfg`, `# hosts.ini`, `DRIFT`... */
const blockKey = (b: Block) => b.text.split('\n')[0].replace(/:.*$/, '').trim();

interface Ctx {
  lab: LabInfo;
  dir: string;
}

const tsrun = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  execa('node', [BIN, ...args], { cwd, reject: false, env: { TSRUN_CONFIG: '', ANSIBLE_CONFIG: '', HOME: cwd, ...env } });

/** A fresh directory for one block's files. */
const scratch = (ctx: Ctx, name: string) => {
  const d = join(ctx.dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};

const write = (dir: string, file: string, text: string) => {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
};

/** Groups of `inventory --list` with their children sorted: Ansible lists them in an order of its own. */
const sortedChildren = (list: Record<string, { children?: string[] }>) =>
  Object.fromEntries(Object.entries(list).map(([g, v]) => [g, v.children ? { ...v, children: [...v.children].sort() } : v]));

/** `inventory --list` of an example inventory, written under the name its first line gives it. */
async function listInventory(ctx: Ctx, b: Block) {
  const d = scratch(ctx, `inv-${b.lang}`);
  const file = blockKey(b).replace(/^# /, '');
  write(d, file, b.text);
  const r = await tsrun(['inventory', '-i', file, '--list'], d);
  expect(r.exitCode, r.stderr).toBe(0);
  return sortedChildren(JSON.parse(r.stdout) as Record<string, { children?: string[] }>);
}

/**
 * What each README block shows, judged by running it. A block missing here fails the test, as does an entry the
 * README no longer has. The expected inventories are what `ansible-inventory --list` (ansible-core 2.14) printed
 * for the same text.
 */
const BLOCKS: Record<string, { notRun: string } | { run: (b: Block, ctx: Ctx) => Promise<void> }> = {
  '# tsrun.cfg': {
    // inventory, remote_user, host_key_checking and forks, each shown to take effect
    run: async (b, ctx) => {
      const d = scratch(ctx, 'cfg');
      write(d, 'tsrun.cfg', b.text);
      const nodes = ctx.lab.hosts.filter((h) => h.name.startsWith('node'));
      // the inventory the file names, with neither user nor known_hosts: those come from the file
      write(d, 'inventory/hosts.yml', `all:\n  hosts:\n${nodes.map((h) => `    ${h.name}: {ansible_host: ${h.address}, ansible_ssh_private_key_file: ${ctx.lab.keyPath}}`).join('\n')}\n`);
      // first without `host_key_checking = false`: the hosts are refused, their keys are known nowhere ($HOME is empty)
      write(d, 'tsrun.cfg', b.text.replace(/^host_key_checking.*\n/m, ''));
      const strict = await tsrun(['adhoc', 'all', '-m', 'command', '-a', 'id -un'], d);
      expect(strict.exitCode, strict.stdout).toBe(3);
      write(d, 'tsrun.cfg', b.text);
      const r = await tsrun(['adhoc', 'all', '-m', 'command', '-a', 'id -un'], d);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      for (const h of nodes) expect(r.stdout).toContain(`${h.name} | CHANGED | rc=0 >>\nadmin`);
      // forks: 21 local hosts each record how many of them run at once; the file allows 20
      const forks = Number(/^forks = (\d+)$/m.exec(b.text)?.[1]);
      const hosts = Array.from({ length: forks + 1 }, (_, i) => `h${i}`);
      const seen = join(d, 'running');
      mkdirSync(seen);
      const script = `touch ${seen}/{{ inventory_hostname }}; max=0; i=0; while [ $i -lt 30 ]; do c=$(ls ${seen} | wc -l); `
        + `[ $c -gt $max ] && max=$c; [ $c -gt ${forks} ] && break; sleep 0.1; i=$((i+1)); done; rm ${seen}/{{ inventory_hostname }}; echo max=$max`;
      const most = async (cfg: string) => {
        write(d, 'tsrun.cfg', cfg);
        const l = await tsrun(['adhoc', 'all', '-i', `${hosts.join(',')},`, '-c', 'local', '-m', 'shell', '-a', script], d);
        expect(l.exitCode, l.stderr).toBe(0);
        return Math.max(...[...l.stdout.matchAll(/max=(\d+)/g)].map((m) => Number(m[1])));
      };
      expect(await most(b.text)).toBe(forks);
      expect(await most(b.text.replace(/^forks.*\n/m, ''))).toBe(forks + 1); // the default, 50, runs them all at once
    },
  },
  '# hosts.ini': {
    run: async (b, ctx) => expect(await listInventory(ctx, b)).toEqual({
      _meta: {
        hostvars: {
          lb1: { ansible_host: '10.0.0.10', ansible_port: 2222 },
          node1: { ansible_user: 'root', proxy: 'http://10.0.0.1:3128' },
          node2: { ansible_user: 'root', proxy: 'http://10.0.0.1:3128' },
          node3: { ansible_user: 'root', proxy: 'http://10.0.0.1:3128' },
        },
      },
      all: { children: ['cluster', 'ungrouped'] },
      cluster: { children: ['lb', 'nodes'] },
      lb: { hosts: ['lb1'] },
      nodes: { hosts: ['node1', 'node2', 'node3'] },
    }),
  },
  '# hosts.yml': {
    run: async (b, ctx) => expect(await listInventory(ctx, b)).toEqual({
      _meta: {
        hostvars: {
          lb1: { ansible_host: '10.0.0.10', ansible_user: 'root' },
          node1: { ansible_host: '10.0.0.11', ansible_user: 'root' },
          node2: { ansible_host: '10.0.0.12', ansible_user: 'root' },
        },
      },
      all: { children: ['lb', 'nodes', 'ungrouped'] },
      lb: { hosts: ['lb1'] },
      nodes: { hosts: ['node1', 'node2'] },
    }),
  },
  '# roles/web/defaults/main.yml': {
    // The files the comments name, the play, and the command with the value it says wins. Then each layer is
    // taken away from the top, and the next one down must show: 9999, 9000, 8081, 8080, 80.
    run: async (b, ctx) => {
      const d = scratch(ctx, 'precedence');
      const files = [...b.text.matchAll(/^# (\S+):\s+(\w+): (\S+)\s+->/gm)];
      expect(files.map((m) => m[1])).toEqual(['roles/web/defaults/main.yml', 'group_vars/web.yml']);
      for (const [, file, name, value] of files) write(d, file, `${name}: ${value}\n`);
      const [, play] = /^# site\.yml\n([\s\S]*?)^# tsrun /m.exec(b.text) ?? [];
      const [, command, stated] = /^# tsrun (.*?)\s+#.* is (\S+)$/m.exec(b.text) ?? [];
      expect(play && command && stated, 'the block: # site.yml, the play, # tsrun COMMAND # ... is VALUE').toBeTruthy();
      // what the block leaves out: the role's task that prints the variable, and a host in group web
      write(d, 'roles/web/tasks/main.yml', '- debug: var=web_listen\n');
      write(d, 'hosts.ini', '[web]\nlocalhost ansible_connection=local\n');
      const printed = async (args: string[], playText: string) => {
        write(d, 'site.yml', playText);
        const r = await tsrun(args, d, { TSRUN_INVENTORY: 'hosts.ini' });
        expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
        return /"web_listen": "?(\d+)"?/.exec(r.stdout)?.[1];
      };
      expect(await printed(command.split(' '), play)).toBe(stated);
      const args = command.split(' ').filter((a, i, all) => a !== '-e' && all[i - 1] !== '-e');
      expect(await printed(args, play)).toBe('9000');
      const noParam = play.replace(/, web_listen: \d+/, '');
      expect(await printed(args, noParam)).toBe('8081');
      expect(await printed(args, noParam.replace(/^ +vars:.*\n/m, ''))).toBe('8080');
      rmSync(join(d, 'group_vars'), { recursive: true });
      expect(await printed(args, noParam.replace(/^ +vars:.*\n/m, ''))).toBe('80');
    },
  },
  tsrun_secret_vars: {
    // set in group_vars/all.yml: the value and, of the URL, the password on its own never show
    run: async (b, ctx) => {
      const d = scratch(ctx, 'secrets');
      write(d, 'group_vars/all.yml', b.text);
      write(d, 'site.yml', ['- hosts: all', '  gather_facts: no', '  tasks:', '    - debug: var=proxy_url',
        `    - debug: {msg: "password {{ proxy_url.split(':')[2].split('@')[0] }}"}`, '    - command: echo {{ proxy_url }}', ''].join('\n'));
      const r = await tsrun(['playbook', '-i', 'localhost,', '-c', 'local', 'site.yml', '-vvv'], d);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('"proxy_url": "********"');
      expect(r.stdout).toContain('password ********');
      expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret');
    },
  },
  DRIFT: {
    // the summary, made by a real check: node1 in sync, node2's file differs, node3's source is missing
    run: async (b, ctx) => {
      const d = scratch(ctx, 'drift');
      for (const h of ['node1', 'node2', 'node3']) mkdirSync(join(d, h));
      writeFileSync(join(d, 'node1/app.conf'), 'v1');
      writeFileSync(join(d, 'node2/app.conf'), 'old');
      writeFileSync(join(d, 'app.conf'), 'v1');
      write(d, 'inv.ini', `[nodes]\nnode[1:2] ansible_connection=local src=${d}/app.conf\nnode3 ansible_connection=local src=${d}/missing\n`);
      write(d, 'site.yml', `- hosts: all\n  gather_facts: no\n  tasks:\n    - name: app config\n      copy: {dest: "${d}/{{ inventory_hostname }}/app.conf", src: "{{ src }}"}\n`);
      const r = await tsrun(['drift', '-i', 'inv.ini', 'site.yml'], d);
      expect(r.exitCode).toBe(2); // a failed check keeps its code
      const pattern = b.text.trimEnd().split('\n').map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\.\\\.\\\./g, '.*')).join('\n');
      expect(r.stdout).toMatch(new RegExp(`^\\n${pattern}$`));
    },
  },
};

describe("every YAML, INI and sample block of the README runs as written", () => {
  const lab = inject('lab');
  const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const ctx: Ctx = { lab, dir: mkdtempSync(join(tmpdir(), 'tsrun-readme-blocks-')) };
  const nodes = lab.hosts.filter((h) => h.name.startsWith('node'));

  afterAll(async () => {
    await Promise.all(nodes.map((h) => labSsh(lab, h.name, 'userdel -r admin 2>/dev/null; true')));
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  it('knows every block: each is run below or listed with the reason it cannot run', () => {
    expect(blocks.length).toBeGreaterThan(4);
    const keys = blocks.map(blockKey);
    expect(blocks.filter((b) => !(blockKey(b) in BLOCKS)).map((b) => `README.md:${b.line}: ${blockKey(b)}`), 'README blocks this test does not know: add them to BLOCKS').toEqual([]);
    expect(Object.keys(BLOCKS).filter((k) => !keys.includes(k)), 'BLOCKS the README no longer has').toEqual([]);
  });

  for (const b of blocks) {
    const want = BLOCKS[blockKey(b)];
    if (!want || 'notRun' in want) continue;
    it(`runs README.md:${b.line}: ${blockKey(b)}`, async () => {
      // the README's tsrun.cfg logs in as `admin`: the lab's nodes get that user, with root's key
      if (blockKey(b) === '# tsrun.cfg') {
        await Promise.all(nodes.map((h) => labSsh(lab, h.name,
          'id admin >/dev/null 2>&1 || useradd -m admin; mkdir -p ~admin/.ssh && cp /root/.ssh/authorized_keys ~admin/.ssh/ && chown -R admin: ~admin/.ssh')));
      }
      await want.run(b, ctx);
    });
  }
});
