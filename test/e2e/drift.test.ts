import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';
import { BIN, events, labInventory, PLANS, tsrun } from './plans-helpers';

describe('drift as an exit code, on lab hosts', () => {
  let dir: string;
  const inv = () => join(dir, 'inventory.yml');
  const book = join(PLANS, 'drift.yml');
  const conf = async (host: string) => (await labSsh(inject('lab'), host, 'cat /srv/hpl-drift/app.conf')).stdout;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-drift-'));
    writeFileSync(inv(), labInventory());
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const h of ['node1', 'node2', 'node3']) await labSsh(inject('lab'), h, 'rm -rf /srv/hpl-drift');
  });

  it('a fresh lab is drifted (exit 6), a converged one in sync (exit 0), a file changed by hand drifted again', async () => {
    const fresh = await tsrun('drift', '-i', inv(), book);
    expect(fresh.stderr).toBe('');
    expect(fresh.exitCode).toBe(6);
    expect(fresh.stdout).toMatch(/node1 : drifted: 2 changes pending/);
    // the check changed nothing
    expect((await labSsh(inject('lab'), 'node1', 'test -e /srv/hpl-drift')).exitCode).toBe(1);

    const apply = await tsrun('playbook', '-i', inv(), book, '--detailed-exitcode');
    expect(apply.exitCode).toBe(6); // changes were made
    expect(await conf('node2')).toBe('port=8080');

    const converged = await tsrun('drift', '-i', inv(), book);
    expect(converged.exitCode).toBe(0);
    for (const h of ['node1', 'node2', 'node3']) expect(converged.stdout).toMatch(new RegExp(`${h} : in sync`));
    const check = await tsrun('playbook', '-i', inv(), book, '--check', '--detailed-exitcode');
    expect(check.exitCode).toBe(0);

    await labSsh(inject('lab'), 'node2', 'echo port=1 > /srv/hpl-drift/app.conf');
    const drifted = await tsrun('drift', '-i', inv(), book, '--json');
    expect(drifted.exitCode).toBe(6);
    const summary = events(drifted.stdout).find((e) => e.type === 'drift')!;
    expect(summary.hosts.node1.state).toBe('in-sync');
    expect(summary.hosts.node3.state).toBe('in-sync');
    expect(summary.hosts.node2).toMatchObject({ state: 'drifted', pending: [{ task: 'app config' }] });
    // drift never repairs: the hand-made change is still there
    expect(await conf('node2')).toBe('port=1');
    const plainCheck = await tsrun('playbook', '-i', inv(), book, '--check');
    expect(plainCheck.exitCode).toBe(0); // without the flag, pending changes are not an error
    const detailed = await tsrun('playbook', '-i', inv(), book, '--check', '--detailed-exitcode');
    expect(detailed.exitCode).toBe(6);
  }, 900_000);

  it('a failure wins over drift: exit 2, with the host named in the summary', async () => {
    writeFileSync(join(dir, 'broken.yml'), '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - fail: {msg: broken}\n      when: inventory_hostname == "node3"\n    - copy: {content: "x\\n", dest: /srv/hpl-drift/other}\n');
    const r = await tsrun('drift', '-i', inv(), join(dir, 'broken.yml'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/node3 : failed: .*broken/);
    expect(r.stdout).toMatch(/node1 : drifted: 1 change pending/);
  });
});

describe('tsrun drift takes the run options of tsrun playbook', () => {
  const lab = () => inject('lab');
  const nodes = ['node1', 'node2', 'node3'];
  const user = 'hpldrift';
  const token = 'Dr1ft-t0ken-value-77';
  // the token is a secret of the run, as tsrun_secret_vars names it
  const vars = JSON.stringify({ api_token: token, tsrun_secret_vars: ['api_token'] });
  let dir: string;
  const book = () => join(dir, 'opts.yml');
  const on = async (host: string, cmd: string) => (await labSsh(lab(), host, cmd)).stdout.trim();
  // a run from the test's directory, with no configuration file unless the test writes one there
  const run = (args: string[], env: Record<string, string> = {}) =>
    execa('node', [BIN, ...args], { cwd: dir, reject: false, timeout: 280_000, env: { TSRUN_CONFIG: '', ANSIBLE_CONFIG: '', ...env } });
  const logins = (host: string) => on(host, `journalctl -q --no-pager _COMM=sshd-session _COMM=sshd | grep -c 'Accepted publickey for ${user} ' || true`);
  const sudos = (host: string) => on(host, `journalctl -q --no-pager _COMM=sudo | grep -c '${user} : .*USER=root' || true`);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-drift-opts-'));
    // no ansible_user: the user comes from -u or the configuration file
    const inv = ['nodes:', `  vars: {ansible_ssh_private_key_file: ${lab().keyPath}, tsrun_known_hosts: ${lab().knownHostsPath}}`, '  hosts:',
      ...lab().hosts.filter((h) => nodes.includes(h.name)).map((h) => `    ${h.name}: {ansible_host: ${h.address}}`), ''].join('\n');
    writeFileSync(join(dir, 'inventory.yml'), inv);
    // the directory is root's own (0700): a user without become cannot see into it
    writeFileSync(book(), [
      '- hosts: nodes', '  gather_facts: no', '  tasks:',
      '    - name: private directory', '      file: {path: /root/hpl-drift-opts, state: directory, mode: "0700"}',
      '    - name: token file', '      copy: {content: "token={{ api_token }}\\n", dest: /root/hpl-drift-opts/token.conf, mode: "0600"}', '',
    ].join('\n'));
    for (const h of nodes) {
      // the lab's sshd takes its key for every user (/etc/ssh/lab_authorized_keys)
      await on(h, `id ${user} >/dev/null 2>&1 || useradd -m -s /bin/sh ${user}; echo '${user} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/${user} && rm -rf /root/hpl-drift-opts`);
    }
    const converge = await run(['playbook', '-i', 'inventory.yml', book(), '-u', 'root', '-e', `api_token=${token}`]);
    expect(converge.stderr).toBe('');
    expect(converge.exitCode).toBe(0);
    for (const h of nodes) expect(await on(h, 'cat /root/hpl-drift-opts/token.conf')).toBe(`token=${token}`);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const h of nodes) await on(h, `rm -rf /root/hpl-drift-opts /etc/sudoers.d/${user}; pkill -u ${user} || true; userdel -r ${user} 2>/dev/null || true`);
  });

  it('reads the configuration file: inventory, remote_user and become from ./tsrun.cfg', async () => {
    const before = await Promise.all(nodes.map(async (h) => [await logins(h), await sudos(h)]));
    writeFileSync(join(dir, 'tsrun.cfg'), `[defaults]\ninventory = ${join(dir, 'inventory.yml')}\nremote_user = ${user}\n\n[privilege_escalation]\nbecome = true\n`);
    try {
      const r = await run(['drift', book(), '-e', `api_token=${token}`]);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      for (const h of nodes) expect(r.stdout).toMatch(new RegExp(`${h} : in sync`));
    } finally {
      rmSync(join(dir, 'tsrun.cfg'));
    }
    // the hosts' own journals: the check logged in as the configured user and became root with sudo
    for (const [i, h] of nodes.entries()) {
      expect(Number(await logins(h))).toBeGreaterThan(Number(before[i][0]));
      expect(Number(await sudos(h))).toBeGreaterThan(Number(before[i][1]));
    }
  });

  it('-u connects as that user (it cannot see root\'s directory: drifted), -u with -b becomes root (in sync)', async () => {
    const plain = await run(['drift', '-i', 'inventory.yml', book(), '-u', user, '-e', `api_token=${token}`]);
    expect(plain.exitCode).toBe(6);
    expect(plain.stdout).toMatch(/node1 : drifted/);
    const before = await sudos('node1');
    const become = await run(['drift', '-i', 'inventory.yml', book(), '-u', user, '-b', '-e', `api_token=${token}`]);
    expect(become.stderr).toBe('');
    expect(become.exitCode).toBe(0);
    for (const h of nodes) expect(become.stdout).toMatch(new RegExp(`${h} : in sync`));
    expect(Number(await sudos('node1'))).toBeGreaterThan(Number(before));
  });

  it('-T bounds connecting: a host that never answers is unreachable after that many seconds (exit 3)', async () => {
    const node1 = lab().hosts.find((h) => h.name === 'node1')!;
    // an address of the lab's own subnet that no host has: nothing ever answers there
    const silent = node1.address.replace(/\.\d+$/, '.251');
    writeFileSync(join(dir, 'silent.yml'), `nodes:\n  vars: {ansible_user: root, ansible_ssh_private_key_file: ${lab().keyPath}}\n  hosts:\n    ghost: {ansible_host: ${silent}}\n`);
    const r = await run(['drift', '-i', 'silent.yml', book(), '-T', '1', '-e', `api_token=${token}`]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/ghost : unreachable: .*timed out after 1000 ms/);
  });

  it('masks secrets in the summary, the -v log, its diffs and the --json events', async () => {
    await on('node2', 'echo token=old > /root/hpl-drift-opts/token.conf');
    writeFileSync(join(dir, 'reject.yml'), '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - fail: {msg: "token {{ api_token }} rejected"}\n      when: inventory_hostname == "node3"\n');
    const log = await run(['drift', '-i', 'inventory.yml', book(), join(dir, 'reject.yml'), '-u', 'root', '-v', '-D', '-e', vars]);
    expect(log.exitCode).toBe(2);
    expect(log.stdout).toMatch(/node2 : drifted: 1 change pending/);
    expect(log.stdout).toMatch(/node3 : failed: .*token \*{8} rejected/);
    expect(log.stdout).toMatch(/\+token=\*{8}/); // the -D diff of node2's file, masked
    const json = await run(['drift', '-i', 'inventory.yml', book(), join(dir, 'reject.yml'), '-u', 'root', '--json', '-e', vars]);
    expect(json.exitCode).toBe(2);
    const drift = events(json.stdout).filter((e) => e.type === 'drift').pop()!;
    expect(drift.hosts.node3.error).toMatch(/token \*{8} rejected/);
    for (const out of [log.stdout, log.stderr, json.stdout, json.stderr]) expect(out).not.toContain(token);
    // the check changed nothing
    expect(await on('node2', 'cat /root/hpl-drift-opts/token.conf')).toBe('token=old');
  });

  it('Ctrl-C: stops the hosts\' commands, prints the summary so far, exits 130', async () => {
    writeFileSync(join(dir, 'slow.yml'), '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - name: long probe\n      command: sleep 117\n      check_mode: false\n');
    const child = run(['drift', '-i', 'inventory.yml', join(dir, 'slow.yml'), '-u', 'root']);
    let seen = false;
    for (let i = 0; i < 120 && !seen; i++) {
      seen = (await on('node1', 'pgrep -fx "sleep 117" || true')) !== '';
      if (!seen) await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen, 'the sleep never started on node1').toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/User interrupted execution/);
    expect(r.stdout).toMatch(/DRIFT/);
    for (const h of nodes) expect(await on(h, 'pgrep -fx "sleep 117" || true')).toBe('');
  });
});
