import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { floorScript } from '../../../src/bench/floor-script';
import { expectedState, WORKLOAD_VARS, type Check } from '../../../src/bench/workload';

/** Makes a tree that satisfies the checks, the way the playbook would leave it. */
function build(checks: Check[]): void {
  for (const c of checks) {
    mkdirSync(c.kind === 'dir' ? c.path : dirname(c.path), { recursive: true });
    if (c.kind === 'dir') chmodSync(c.path, parseInt(c.mode, 8));
    if (c.kind === 'file') writeFileSync(c.path, c.content, { mode: c.mode ? parseInt(c.mode, 8) : 0o644 });
    if (c.kind === 'link') symlinkSync(c.target, c.path);
    if (c.kind === 'exists') writeFileSync(c.path, '');
  }
}

/** One way a host can differ from the converged state, and the word the floor must name. */
const drifts: { name: string; change: (root: string) => void; names: string }[] = [
  { name: 'a file mode', change: (r) => chmodSync(join(r, 'conf/app.conf'), 0o644), names: 'file' },
  { name: 'a directory mode', change: (r) => chmodSync(join(r, 'conf'), 0o755), names: 'directory' },
  { name: 'a line of content', change: (r) => writeFileSync(join(r, 'conf/limits'), 'LOG_LEVEL=debug\nMAX_CONN=100\n'), names: 'file' },
  { name: 'a missing trailing newline', change: (r) => writeFileSync(join(r, 'motd'), WORKLOAD_VARS.motd, { mode: 0o644 }), names: 'file' },
  { name: 'a link target', change: (r) => (rmSync(join(r, 'current')), symlinkSync('/tmp', join(r, 'current'))), names: 'link' },
  { name: 'a file made by a command', change: (r) => rmSync(join(r, 'data/initialised')), names: 'missing' },
];

describe('the raw floor script', () => {
  let root: string;
  let checks: Check[];
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'tsb-floor-')), 'bench');
    checks = expectedState({ ...WORKLOAD_VARS, bench_root: root }, 'node1', ['node1', 'node2']);
    build(checks);
  });
  afterEach(() => rmSync(dirname(root), { recursive: true, force: true }));

  it('passes on a converged host and prints ok', async () => {
    const r = await execa('sh', ['-s'], { input: floorScript(checks), reject: false });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok');
    expect(r.exitCode).toBe(0);
  });

  it.each(drifts)('fails on $name, naming what differs', async ({ change, names }) => {
    change(root);
    const r = await execa('sh', ['-s'], { input: floorScript(checks), reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^floor: ${names} ${root}/`));
  });
});
