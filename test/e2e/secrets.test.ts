import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const lab = inject('lab');
const nodes = lab.hosts.filter((h) => h.group === 'nodes').map((h) => h.name);

async function on(host: string, command: string, input = ''): Promise<string> {
  const r = await labSsh(lab, host, command, 'root', input);
  if (r.exitCode !== 0) throw new Error(`${host}: ${command}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

// A playbook carries distinct secrets through every channel: a marked variable, a proxy URL's password, a
// no_log task's argument, a become password, failures (ignored and not), --diff, --json, -vvv, the terminal's
// live view, --json-file, --timeline and an argument-spec error. None may appear in any output, in the files the
// controller writes, in the hosts' process tables while a task runs, their journals or files.
describe('secrets are masked by value everywhere', () => {
  const tag = randomBytes(4).toString('hex');
  const s = {
    token: `tok${tag}Alpha`,
    // '@' and '/' are URL-encoded in the URL, so both forms are checked
    proxyPw: `pr${tag}B@t/a`,
    noLog: `nl${tag}Gamma`,
    become: `bp${tag}Delta`,
    spec: `sp${tag}Eps`,
  };
  const all = Object.values(s);
  const encoded = encodeURIComponent(s.proxyPw);
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-secrets-'));
  const outputs: string[] = [];
  const seenInPs: string[] = [];
  const user = `sec${tag.slice(0, 4)}`;

  beforeAll(async () => {
    // files the controller writes during the runs are newer than this
    writeFileSync(join(dir, 'marker'), '');
    for (const h of nodes) {
      await on(h, `useradd -m ${user} && echo '${user} ALL=(ALL) ALL' > /etc/sudoers.d/${user} && mkdir -p /etc/tsrun-secret-test && chown ${user} /etc/tsrun-secret-test`);
      await on(h, 'chpasswd', `${user}:${s.become}\n`);
    }
    writeFileSync(join(dir, 'play.yml'), `
- hosts: nodes
  gather_facts: no
  vars:
    tsrun_secret_vars: [api_token, proxy_url]
    api_token: "{{ 'tok' }}${tag}Alpha"
    proxy_url: "http://u:${encoded}@proxy:3128"
    hidden: ${s.noLog}
  tasks:
    - name: the proxy URL lands in a file, shown by --diff
      copy: { content: "proxy={{ proxy_url }}\\ntoken={{ api_token }}\\n", dest: /etc/tsrun-secret-test/env }
    - name: a no_log task's argument
      copy: { content: "{{ hidden }}", dest: /etc/tsrun-secret-test/nolog }
      no_log: true
    - name: the same value printed later is masked too
      debug: { msg: "hidden is {{ hidden }}, token {{ api_token }}, url {{ proxy_url }}" }
    - name: a slow command under become with a password, holding the token
      shell: "sleep 4; test -n '{{ api_token }}' && echo {{ api_token }} {{ hidden }}"
      become: true
      vars: { ansible_become_password: "${s.become}" }
    - name: a failure that prints the token and the password
      shell: "echo token={{ api_token }} pw=${s.become} >&2; exit 3"
      ignore_errors: true
`);
    writeFileSync(join(dir, 'fail.yml'), `
- hosts: nodes
  gather_facts: no
  vars:
    tsrun_secret_vars: [api_token, proxy_url]
    api_token: "{{ 'tok' }}${tag}Alpha"
    proxy_url: "http://u:${encoded}@proxy:3128"
    hidden: ${s.noLog}
  tasks:
    - name: a no_log task makes its values secret
      debug: { msg: "{{ hidden }}" }
      no_log: true
    - name: a failure under become that is not ignored, printing every secret
      shell: "echo token={{ api_token }} hidden={{ hidden }} pw=${s.become} url={{ proxy_url }} >&2; exit 5"
      become: true
      vars: { ansible_become_password: "${s.become}" }
`);
    mkdirSync(join(dir, 'roles/spec/meta'), { recursive: true });
    mkdirSync(join(dir, 'roles/spec/tasks'), { recursive: true });
    writeFileSync(join(dir, 'roles/spec/meta/argument_specs.yml'), 'argument_specs:\n  main:\n    options:\n      spec_port:\n        type: int\n        no_log: true\n        description: a secret number\n');
    writeFileSync(join(dir, 'roles/spec/tasks/main.yml'), '- debug: { msg: never }\n');
    writeFileSync(join(dir, 'spec.yml'), `- hosts: nodes\n  gather_facts: no\n  roles:\n    - { role: spec, spec_port: "${s.spec}" }\n`);
  });

  afterAll(async () => {
    for (const h of nodes) await on(h, `userdel -r ${user} 2>/dev/null; rm -rf /etc/sudoers.d/${user} /etc/tsrun-secret-test`);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => execa('node', [BIN, 'playbook', '-i', lab.inventoryPath, '-e', `ansible_user=${user}`, ...args], { reject: false, timeout: 300_000 });

  it('plain -vvv --diff and --json -vvv --diff runs show every secret masked, and the hosts never hold one in argv', async () => {
    for (const args of [['-vvv', '--diff'], ['--json', '-vvv', '--diff']]) {
      const p = run([join(dir, 'play.yml'), ...args]);
      // sample the hosts' process tables while the run goes (bounded: the run ends within minutes)
      let sampling = true;
      const sampler = (async () => {
        for (let i = 0; sampling && i < 600; i++) {
          for (const h of nodes) seenInPs.push(await on(h, 'ps -eo user,args'));
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const r = await p.finally(() => (sampling = false));
      await sampler;
      outputs.push(r.stdout, r.stderr);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toContain('********');
    }
    // the runs really carried the secrets to the hosts
    for (const h of nodes) {
      expect(await on(h, 'cat /etc/tsrun-secret-test/env')).toBe(`proxy=http://u:${encoded}@proxy:3128\ntoken=${s.token}`);
      expect(await on(h, 'cat /etc/tsrun-secret-test/nolog')).toBe(s.noLog);
    }
    // the slow task was seen running, so the samples are worth something
    expect(seenInPs.join('\n')).toMatch(/sleep 4|sh -c IFS= read/);
  });

  /** Runs tsrun under a pseudo-terminal (`script`, as test/e2e/terminal.test.ts does), so the live view renders. */
  const onTerminal = (args: string[]) => execa('script', ['-qefc', `stty cols 120 rows 40; node ${BIN} playbook -i ${lab.inventoryPath} -e ansible_user=${user} ${args.join(' ')}`, '/dev/null'], {
    reject: false, env: { TERM: 'xterm', TSRUN_CONFIG: '' }, timeout: 300_000,
  });
  /** What a terminal shows: the raw bytes (a secret cut by escape codes would escape a grep of them) and the screen. */
  const screen = (raw: string) => stripVTControlCharacters(raw).replaceAll('\r', '');

  it('the terminal live view (-vvv --diff, --json-file, --timeline) and failures that end the run show every secret masked', async () => {
    const jsonFile = join(dir, 'out', 'run.jsonl');
    const timeline = join(dir, 'out', 'run.html');
    mkdirSync(join(dir, 'out'), { recursive: true });
    const tty = await onTerminal([join(dir, 'play.yml'), '-vvv', '--diff', '--json-file', jsonFile, '--timeline', timeline]);
    expect(tty.exitCode, tty.stdout).toBe(0);
    expect(screen(tty.stdout)).toMatch(/PLAY RECAP/);
    expect(screen(tty.stdout)).toContain('********');
    const files = [readFileSync(jsonFile, 'utf8'), readFileSync(timeline, 'utf8')];
    // the files are really the run's: its task names and a masked value are in them
    for (const f of files) expect(f).toContain('a failure that prints the token and the password');
    expect(files[0]).toContain('********');
    outputs.push(tty.stdout, screen(tty.stdout), ...files);
    for (const failing of [await onTerminal([join(dir, 'fail.yml'), '--diff']), await run([join(dir, 'fail.yml'), '-vvv'])]) {
      expect(failing.exitCode, failing.stdout).toBe(2);
      const text = screen(failing.stdout);
      // the failure is shown, its message masked, and again after the recap
      expect(text).toMatch(/token=\*{8} hidden=\*{8} pw=\*{8} url=\*{8}/);
      expect(text).toMatch(/FAILURES \(3\)/);
      outputs.push(failing.stdout, failing.stderr, text);
    }
  });

  it('an argument-spec error never echoes a no_log option', async () => {
    const r = await run([join(dir, 'spec.yml')]);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/spec_port.*must be an integer.*value hidden/);
    outputs.push(r.stdout, r.stderr);
  });

  it('zero occurrences in outputs, process tables, journals and files on the hosts', async () => {
    const text = [...outputs, ...seenInPs].join('\n');
    for (const v of [...all, encoded]) expect(text.includes(v), `${v} found in output or ps`).toBe(false);
    // the controller: files the runs wrote in its temp and XDG directories (this test's own inputs aside)
    const home = process.env.HOME ?? '/root';
    const roots = ['/tmp', '/var/tmp', '/dev/shm', '/run/user', `${home}/.cache`, `${home}/.local`, `${home}/.config`, `${home}/.ssh`].join(' ');
    const swept = await execa('sh', ['-c', `find ${roots} -xdev -type f -newer ${join(dir, 'marker')} -size -64M 2>/dev/null | grep -v '^${dir}/' | xargs -r -d '\n' grep -lF -e ${[...all, encoded].map((v) => `'${v}'`).join(' -e ')} 2>/dev/null || true`]);
    expect(swept.stdout, 'controller files holding a secret').toBe('');
    const pattern = [...all, encoded].join('\\|');
    for (const h of nodes) {
      expect(await on(h, `journalctl --no-pager -o cat | grep -c '${pattern}' || true`), `journal of ${h}`).toBe('0');
      const files = await on(h, `grep -rl '${pattern}' /tmp /var/tmp /root /home /var/log /opt /etc 2>/dev/null | grep -v '^/etc/tsrun-secret-test/\\|^/etc/shadow' || true`);
      expect(files, `files on ${h}`).toBe('');
    }
  });
});
