import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';
import { events, labInventory, PLANS, tsrun } from './plans-helpers';

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
  });

  it('a failure wins over drift: exit 2, with the host named in the summary', async () => {
    writeFileSync(join(dir, 'broken.yml'), '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - fail: {msg: broken}\n      when: inventory_hostname == "node3"\n    - copy: {content: "x\\n", dest: /srv/hpl-drift/other}\n');
    const r = await tsrun('drift', '-i', inv(), join(dir, 'broken.yml'));
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/node3 : failed: .*broken/);
    expect(r.stdout).toMatch(/node1 : drifted: 1 change pending/);
  });
});
