import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';
import { labInventory, PLANS, tsrun } from './plans-helpers';

const SECRET = 'tok-8c1f2e-secret';

describe('a saved plan, applied exactly, on lab hosts', () => {
  let dir: string;
  const hosts = ['node1', 'node2', 'node3'];
  const ssh = (h: string, cmd: string) => labSsh(inject('lab'), h, cmd);
  const state = async (h: string) => (await ssh(h, 'cd /srv/hpl-plan 2>/dev/null && for f in app.conf token; do printf "%s:" $f; tr -d "\\n" < $f 2>/dev/null; echo; done; readlink current.conf')).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsrun-plan-'));
    cpSync(join(PLANS, 'plan.yml'), join(dir, 'site.yml'));
    writeFileSync(join(dir, 'inventory.yml'), labInventory());
    for (const h of hosts) await ssh(h, 'rm -rf /srv/hpl-plan');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const h of hosts) await ssh(h, 'rm -rf /srv/hpl-plan');
  });

  it('saves a masked plan; apply refuses the host changed by hand, applies the others; a second apply refuses; a changed input refuses all', async () => {
    const plan = join(dir, 'plan.json');
    const saved = await tsrun('playbook', join(dir, 'site.yml'), '-i', join(dir, 'inventory.yml'), '--check', '--diff', '--plan', plan, '-e', `api_token=${SECRET}`);
    expect(saved.stderr).toBe('');
    expect(saved.exitCode).toBe(0);
    expect(statSync(plan).mode & 0o777).toBe(0o600);
    const text = readFileSync(plan, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).toContain('token=********');
    for (const h of hosts) expect((await ssh(h, 'test -e /srv/hpl-plan')).exitCode).toBe(1);

    const shown = await tsrun('plan', 'show', plan);
    expect(shown.exitCode).toBe(0);
    for (const h of hosts) expect(shown.stdout).toContain(`HOST ${h}: 4 to change, 0 unknown`);
    expect(shown.stdout).toContain('+port=8080');
    expect(shown.stdout).not.toContain(SECRET);

    // node2 is changed by hand after the plan was made
    await ssh('node2', 'mkdir -p /srv/hpl-plan && echo port=1 > /srv/hpl-plan/app.conf');
    const apply = await tsrun('apply', plan, '-e', `api_token=${SECRET}`);
    expect(apply.exitCode).toBe(7);
    expect(apply.stdout).toMatch(/REFUSED node2: its state no longer matches the plan/);
    expect(apply.stdout).toMatch(/task "app config": file:\/srv\/hpl-plan\/app.conf: planned on "absent", now "file 0644 root:root sha1 [0-9a-f]{40}"/);
    expect(apply.stdout).not.toMatch(/REFUSED node[13]/);
    for (const h of ['node1', 'node3']) expect(await state(h)).toBe(`app.conf:port=8080\ntoken:token=${SECRET}\n/srv/hpl-plan/app.conf`);
    expect(await state('node2')).toBe('app.conf:port=1\ntoken:');

    const second = await tsrun('apply', plan, '-e', `api_token=${SECRET}`);
    expect(second.exitCode).toBe(7);
    for (const h of hosts) expect(second.stdout).toMatch(new RegExp(`REFUSED ${h}: its state no longer matches the plan`));
    expect(second.stdout).toMatch(/task "app config": planned changed, would now be ok/);
    expect(await state('node2')).toBe('app.conf:port=1\ntoken:');

    const otherVars = await tsrun('apply', plan, '-e', 'api_token=other');
    expect(otherVars.exitCode).toBe(8);
    expect(otherVars.stdout).toContain('extra variables (-e): changed');
    writeFileSync(join(dir, 'inventory.yml'), labInventory().replace('port: 8080', 'port: 9090'));
    const otherInventory = await tsrun('apply', plan, '-e', `api_token=${SECRET}`);
    expect(otherInventory.exitCode).toBe(8);
    expect(otherInventory.stdout).toContain(`${join(dir, 'inventory.yml')}: changed`);
    expect(await state('node1')).toBe(`app.conf:port=8080\ntoken:token=${SECRET}\n/srv/hpl-plan/app.conf`);
  }, 900_000);
});
