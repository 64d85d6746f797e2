import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floorScript } from '../../src/bench/floor-script';
import { ansibleRecap, tsrunRecap } from '../../src/bench/recap';
import { PLAYBOOKS } from '../../src/bench/paths';
import { CHANGED_ON_FIRST_RUN, expectedState, WORKLOAD_VARS } from '../../src/bench/workload';

const BIN = resolve(__dirname, '../../bin/tsrun.js');

/** Runs one tool's workload on the controller itself (connection: local) into its own root. */
async function run(tool: 'tsrun' | 'ansible', dir: string, check = false) {
  const root = join(dir, tool);
  const inv = join(dir, `${tool}.ini`);
  writeFileSync(inv, '[nodes]\nnode1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  const vars = join(dir, `${tool}.json`);
  writeFileSync(vars, JSON.stringify({ ...WORKLOAD_VARS, bench_root: root }));
  const flags = ['-i', inv, '-e', `@${vars}`, ...(check ? ['--check'] : [])];
  // ansible-core is in bin/packages.txt: its absence fails here, by name, instead of dropping the comparison
  if (tool === 'ansible') {
    const v = await execa('ansible-playbook', ['--version'], { reject: false });
    if (v.exitCode !== 0) throw new Error(`ansible-playbook is not runnable (package ansible-core; run sh bin/setup.sh): ${v.stderr || v.message}`);
  }
  const r =
    tool === 'tsrun'
      ? await execa('node', [BIN, 'playbook', PLAYBOOKS.tsrun, ...flags, '--json'], { reject: false })
      : await execa('ansible-playbook', [PLAYBOOKS.ansible, ...flags], { reject: false, env: { ANSIBLE_GATHERING: 'explicit', ANSIBLE_NOCOLOR: '1' } });
  const recap = tool === 'tsrun' ? tsrunRecap(r.stdout) : ansibleRecap(r.stdout);
  return { code: r.exitCode, recap: recap.node1, root, out: r.stdout + r.stderr };
}

describe('the two workload playbooks, run on the controller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsb-local-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([{ tool: 'tsrun' as const }, { tool: 'ansible' as const }])(
    `$tool: 20 tasks, ${CHANGED_ON_FIRST_RUN} changes on a first run, none after or in check mode, and the floor agrees`,
    async ({ tool }) => {
      const first = await run(tool, dir);
      expect(first.code, first.out).toBe(0);
      expect(first.recap).toMatchObject({ ok: 20, changed: CHANGED_ON_FIRST_RUN, failed: 0 });
      for (const check of [false, true]) {
        const again = await run(tool, dir, check);
        expect(again.recap, again.out).toMatchObject({ ok: 20, changed: 0, failed: 0 });
      }
      const script = floorScript(expectedState({ ...WORKLOAD_VARS, bench_root: first.root }, 'node1', ['node1']));
      const floor = await execa('sh', ['-s'], { input: script, reject: false });
      expect(floor.stderr).toBe('');
      expect(floor.stdout).toBe('ok');
    },
  );
});
