import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';
import { events, labInventory, PLANS, tsrun } from './plans-helpers';

type Outcome = { task: string; host: string; status: string; msg?: string };

/** Every host result of a --json run, in order. */
/** Host results in task order; within a task, by host name (hosts report in the order they finish). */
function outcomes(stdout: string): Outcome[] {
  const all: Outcome[] = events(stdout).filter((e) => e.type === 'host_result').map((e) => ({ task: e.task, host: e.host, status: e.status, msg: e.msg }));
  const runs: Outcome[][] = [];
  for (const o of all) {
    const last = runs.at(-1);
    if (last && last[0].task === o.task) last.push(o);
    else runs.push([o]);
  }
  return runs.flatMap((r) => r.sort((a, b) => a.host.localeCompare(b.host)));
}

const ACCOUNTS_CLEANUP = 'userdel -r hplacct 2>/dev/null; userdel hplacct2 2>/dev/null; groupdel hplacctg 2>/dev/null; groupdel hplacct2 2>/dev/null; rm -rf /srv/hpl-acct /home/hplacct; true';

// the service of a package the run installs: whether Debian's maintainer scripts start it is known only after the install
const UNKNOWN = ['cron service started and enabled', 'a command whose result cannot be predicted', 'uses the command\'s output', 'runs only when the command said so'];

describe('a check that carries its predictions forward, on lab hosts', () => {
  let dir: string;
  const book = join(PLANS, 'predict.yml');
  const hosts = ['node1', 'node2'];
  const run = (...args: string[]) => tsrun('playbook', '-i', join(dir, 'inventory.yml'), book, '--limit', hosts.join(','), '--json', ...args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-predict-'));
    writeFileSync(join(dir, 'inventory.yml'), labInventory(`, lab_proxy: ${inject('lab').proxyUrl}`));
    for (const h of hosts) await labSsh(inject('lab'), h, 'rm -rf /srv/hpl-predict; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null 2>&1; true');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const h of hosts) await labSsh(inject('lab'), h, `rm -rf /srv/hpl-predict; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null 2>&1; ${ACCOUNTS_CLEANUP}`);
  });

  it('predicts directory -> template -> link -> line, package -> service and template -> handler exactly as the real run goes', async () => {
    const check = await run('--check');
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    // the check touched nothing
    for (const h of hosts) {
      expect((await labSsh(inject('lab'), h, 'test -e /srv/hpl-predict')).exitCode).toBe(1);
      expect((await labSsh(inject('lab'), h, 'dpkg-query -W -f=\'${Status}\' cron')).stdout).not.toContain('install ok installed');
    }
    const predicted = outcomes(check.stdout);
    const unknown = predicted.filter((o) => o.status === 'unknown');
    expect([...new Set(unknown.map((o) => o.task))]).toEqual(UNKNOWN);
    expect(unknown.find((o) => o.task === "uses the command's output")!.msg).toMatch(/uses "stamp"/);
    expect(unknown.find((o) => o.task === 'cron service started and enabled')!.msg).toMatch(/package cron \(task "cron package"\) may bring it/);
    const recap = events(check.stdout).find((e) => e.type === 'recap')!.stats;
    for (const h of hosts) expect(recap[h].unknown).toBe(4);
    // the restart after the install changes the unit whatever state the install left it in: predicted
    expect(predicted.filter((o) => o.task === 'cron service restarted').map((o) => o.status)).toEqual(['changed', 'changed']);

    const real = await run();
    expect(real.exitCode).toBe(0);
    const done = outcomes(real.stdout);
    // the same tasks on the same hosts, in the same order, with the same outcome wherever the check predicted one
    expect(done.map((o) => `${o.host} ${o.task}`)).toEqual(predicted.map((o) => `${o.host} ${o.task}`));
    const mismatches = predicted.filter((p, i) => p.status !== 'unknown' && p.status !== done[i].status).map((p, i) => `${p.host} ${p.task}: predicted ${p.status}, real ${done[i].status}`);
    expect(mismatches).toEqual([]);
    expect(done.filter((o) => o.status === 'changed').length).toBeGreaterThan(20);
    // evidence on the host: what the prediction was about is there
    const node1 = await labSsh(inject('lab'), 'node1', 'cd /srv/hpl-predict && readlink current && cat current/app.txt && cat reloaded && sha1sum < current/app.txt | cut -c1-40 && cat etc/release.sum && systemctl is-active cron');
    const [link, v1, patched, reloaded, sum, recorded, active] = node1.stdout.split('\n');
    expect([link, v1, patched, reloaded, active]).toEqual(['/srv/hpl-predict/releases/v1', 'v1 node1', 'patched', 'reloaded', 'active']);
    expect(recorded).toBe(sum);

    // converged: the check predicts what the re-run does (nothing, but the restart and the command)
    const again = await run('--check');
    const rerun = await run();
    const a = outcomes(again.stdout);
    const b = outcomes(rerun.stdout);
    expect(a.filter((p, i) => p.status !== 'unknown' && p.status !== b[i].status)).toEqual([]);
    // the release file and the line fight each other on every run: the check must see that through the host's own link
    expect([...new Set(a.filter((o) => o.status === 'changed').map((o) => o.task))]).toEqual(['release file', 'a line through the link', 'cron service restarted']);
  }, 900_000);

  it('a template into a directory that nothing creates is unknown, never ok', async () => {
    writeFileSync(join(dir, 'nodir.yml'), '- hosts: node1\n  gather_facts: no\n  tasks:\n    - copy: {content: "x\\n", dest: /srv/hpl-nodir/x.conf}\n');
    const r = await tsrun('playbook', '-i', join(dir, 'inventory.yml'), join(dir, 'nodir.yml'), '--check', '--json');
    const [o] = outcomes(r.stdout);
    expect(o.status).toBe('unknown');
    expect(o.msg).toMatch(/\/srv\/hpl-nodir does not exist on the host and no earlier task is predicted to create it/);
  });

  /** The check's outcomes and the real run's, for one playbook: the same tasks, hosts and statuses. */
  async function checkThenRun(playbook: string): Promise<{ predicted: Outcome[]; done: Outcome[] }> {
    const go = (...args: string[]) => tsrun('playbook', '-i', join(dir, 'inventory.yml'), playbook, '--limit', hosts.join(','), '--json', ...args);
    const check = await go('--check');
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    const real = await go();
    expect(real.stderr).toBe('');
    expect(real.exitCode).toBe(0);
    const predicted = outcomes(check.stdout);
    const done = outcomes(real.stdout);
    expect(predicted.map((o) => `${o.host} ${o.task}: ${o.status}`)).toEqual(done.map((o) => `${o.host} ${o.task}: ${o.status}`));
    return { predicted, done };
  }
  const on = async (h: string, cmd: string) => (await labSsh(inject('lab'), h, cmd)).stdout.trim();

  it('predicts group -> user -> directory owned by that user -> file in it, and their removal, exactly as the real run goes', async () => {
    for (const h of hosts) {
      await on(h, ACCOUNTS_CLEANUP);
      expect(await on(h, 'getent passwd hplacct; getent group hplacctg; true')).toBe('');
    }
    const created = await checkThenRun(join(PLANS, 'accounts.yml'));
    const changedTasks = [...new Set(created.done.filter((o) => o.status === 'changed').map((o) => o.task))];
    expect(changedTasks).toEqual(['app group', 'app user in that group', 'app user appended to a group', 'directory owned by the user',
      'file in that directory', "file in the user's new home", 'a second user with its own group', "file of the second user's own group"]);
    // evidence on the hosts: the accounts useradd/groupadd made, and the files owned by them
    for (const h of hosts) {
      expect(await on(h, 'getent passwd hplacct')).toBe('hplacct:x:2345:2345:Predicted user:/home/hplacct:/bin/bash');
      expect(await on(h, 'getent group hplacctg | cut -d: -f1,3')).toBe('hplacctg:2345');
      expect((await on(h, 'id -Gn hplacct')).split(' ').sort()).toEqual(['adm', 'hplacctg', 'users']);
      expect(await on(h, 'stat -c "%U:%G %a" /srv/hpl-acct /srv/hpl-acct/app.conf /home/hplacct/hello /srv/hpl-acct/two.conf')).toBe(
        ['hplacct:hplacctg 750', 'hplacct:hplacctg 640', 'hplacct:root 644', 'root:hplacct2 644'].join('\n'));
      expect(await on(h, 'getent group hplacct2 | cut -d: -f1')).toBe('hplacct2');
    }
    // converged: the check and the re-run both change nothing
    const again = await checkThenRun(join(PLANS, 'accounts.yml'));
    expect(again.done.filter((o) => o.status !== 'ok')).toEqual([]);

    const removed = await checkThenRun(join(PLANS, 'accounts-remove.yml'));
    expect(removed.predicted.filter((o) => o.host === 'node1').map((o) => `${o.task}: ${o.status}`)).toEqual([
      'files back to root: changed', 'app user removed with its home: changed', 'app group removed: changed', 'second user removed: changed', "second user's group absent: ok",
    ]);
    for (const h of hosts) {
      expect(await on(h, 'getent passwd hplacct hplacct2; getent group hplacctg hplacct2; true')).toBe('');
      expect(await on(h, 'test -e /home/hplacct && echo left || echo gone')).toBe('gone');
    }
  }, 900_000);

  it('a file owned by a user that an earlier task removes: the check fails there, as the real run does', async () => {
    writeFileSync(join(dir, 'gone.yml'), [
      '- hosts: node1', '  gather_facts: no', '  tasks:',
      '    - user: {name: hplgone, create_home: no}',
      '    - user: {name: hplgone, state: absent}',
      '    - name: owned by the removed user', '      file: {path: /srv/hpl-gone, state: directory, owner: hplgone}', '',
    ].join('\n'));
    const go = (...args: string[]) => tsrun('playbook', '-i', join(dir, 'inventory.yml'), join(dir, 'gone.yml'), '--json', ...args);
    const check = await go('--check');
    expect(check.exitCode).toBe(2);
    const [, , predicted] = outcomes(check.stdout);
    expect(predicted).toMatchObject({ task: 'owned by the removed user', status: 'failed' });
    expect(predicted.msg).toMatch(/failed to look up user hplgone/);
    const real = await go();
    expect(real.exitCode).toBe(2);
    expect(outcomes(real.stdout).map((o) => o.status)).toEqual(['changed', 'changed', 'failed']);
    expect(await on('node1', 'getent passwd hplgone; rm -rf /srv/hpl-gone; true')).toBe('');
  });

  it('a package whose unit the host has masked: the check predicts the service task fails, as the real run does', async () => {
    const h = 'node1';
    await on(h, 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null 2>&1; systemctl mask cron.service');
    try {
      writeFileSync(join(dir, 'masked.yml'), [
        '- hosts: node1', '  gather_facts: no', '  environment: {http_proxy: "{{ lab_proxy }}"}', '  tasks:',
        '    - name: cron package', '      apt: {name: cron, state: present, update_cache: yes, cache_valid_time: 86400}',
        '    - name: cron started', '      service: {name: cron, state: started}', '',
      ].join('\n'));
      const go = (...args: string[]) => tsrun('playbook', '-i', join(dir, 'inventory.yml'), join(dir, 'masked.yml'), '--json', ...args);
      const check = await go('--check');
      const predicted = outcomes(check.stdout);
      expect(predicted.map((o) => `${o.task}: ${o.status}`)).toEqual(['cron package: changed', 'cron started: failed']);
      expect(predicted[1].msg).toMatch(/cron is masked: systemctl cannot start it/);
      const real = await go();
      expect(outcomes(real.stdout).map((o) => `${o.task}: ${o.status}`)).toEqual(['cron package: changed', 'cron started: failed']);
      // evidence on the host: installed, still masked, not running
      expect(await on(h, "dpkg-query -W -f='${Status}' cron; echo; systemctl show -p LoadState --value cron; systemctl is-active cron || true")).toBe('install ok installed\nmasked\ninactive');
    } finally {
      await on(h, 'systemctl unmask cron.service; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null 2>&1; true');
    }
  }, 600_000);
});
