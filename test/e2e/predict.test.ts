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

const UNKNOWN = ['a command whose result cannot be predicted', 'uses the command\'s output', 'runs only when the command said so'];

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
    for (const h of hosts) await labSsh(inject('lab'), h, 'rm -rf /srv/hpl-predict; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null 2>&1; true');
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
    expect(unknown.find((o) => o.task === UNKNOWN[1])!.msg).toMatch(/uses "stamp"/);
    const recap = events(check.stdout).find((e) => e.type === 'recap')!.stats;
    for (const h of hosts) expect(recap[h].unknown).toBe(3);

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
});
