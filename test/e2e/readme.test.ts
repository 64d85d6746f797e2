import { execa } from 'execa';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import YAML from 'yaml';
import type { LabInfo } from '../../src/lab/index';
import { labSsh } from './lab-helpers';

const ROOT = resolve(__dirname, '../..');

/** Every command of the README's fenced `sh` blocks, in order: continuation lines joined, comments dropped. */
function readmeCommands(text: string): string[] {
  const blocks = [...text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  return blocks.flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
    .map((l) => l.replace(/\s+#\s.*$/, '').replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

interface Run {
  stdout: string;
  stderr: string;
  exitCode?: number;
}

/** How one example is judged: its exit code and a piece of evidence, or why a test cannot run it. */
type Expectation =
  | { exit: number; before?: (lab: LabInfo) => Promise<unknown>; evidence: (r: Run, lab: LabInfo, dir: string) => Promise<void> | void }
  | { notRun: string };

const onHost = async (lab: LabInfo, host: string, command: string) => (await labSsh(lab, host, command)).stdout;
const jsonLines = (out: string) => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * The README's examples, by their text. Each runs as written in a directory of the test (below the checkout, so
 * `npx tsrun` is this checkout's), where `site.yml` is the test's playbook and `hosts.yml`, `inventory.yml` and
 * `inventory/` are the lab's inventory: what the README says they stand for. The one substitution: the lab named
 * `lab` in the examples is the test's lab (`--name lab`, `/var/lib/tsrun/labs/lab/`). An example missing here
 * fails the test, as does an entry here that the README no longer has.
 */
const EXAMPLES: Record<string, Expectation> = {
  'npm run demo': { notRun: "brings up its own lab (demo) and runs playbooks/site.yml there, docker and nginx through the proxy, for minutes; that playbook's run is tested in test/e2e/roles-site.test.ts" },
  'npm test': { notRun: 'runs the whole suite, this test among it' },
  'npm ci': { notRun: 'reinstalls the dependencies of the checkout this suite runs from' },
  'npm install -g .': { notRun: "installs tsrun into the machine's global node_modules, outside what a test may change" },
  'npx tsrun playbook site.yml -i inventory/': {
    exit: 0,
    evidence: async (r, lab) => {
      expect(r.stdout).toMatch(/PLAY RECAP/);
      expect(await onHost(lab, 'node1', 'cat /tmp/tsrun-readme/app.conf')).toBe('v1');
    },
  },
  "npx tsrun playbook site.yml -i hosts.yml --check --diff --limit 'nodes:!node3' --forks 20 --tags docker --skip-tags slow -e proxy=http://p:3128 -e @extra.yml --json -v": {
    exit: 0,
    evidence: async (r, lab) => {
      const events = jsonLines(r.stdout);
      expect(events.length).toBeGreaterThan(2);
      // the predicted change carries the extra variable; node3 is limited away; --check changed nothing
      expect(r.stdout).toContain('http://p:3128 from-extra');
      expect(r.stdout).toContain('"node1"');
      expect(r.stdout).not.toContain('"node3"');
      expect(r.stdout).not.toContain('app config');
      expect(await onHost(lab, 'node1', 'cat /tmp/tsrun-readme/docker')).toBe('none');
    },
  },
  'npx tsrun playbook site.yml --syntax-check': { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/playbook: site\.yml/) },
  "npx tsrun playbook site.yml -i hosts.yml -u admin -b --private-key ~/.ssh/id_ed25519 --start-at-task 'install docker'": {
    exit: 0,
    evidence: (r) => {
      expect(r.stdout).toMatch(/TASK \[install docker\]/);
      expect(r.stdout).not.toMatch(/TASK \[first\]/);
    },
  },
  "npx tsrun adhoc nodes -i hosts.yml -m shell -a 'uptime'": { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/node1 \| CHANGED \| rc=0 >>\n.*load average/) },
  'npx tsrun inventory -i hosts.yml --list': { exit: 0, evidence: (r) => expect(JSON.parse(r.stdout).nodes.hosts).toEqual(['node1', 'node2', 'node3']) },
  'for i in 0 1 2 3; do npx tsrun playbook site.yml -i hosts.yml --shard $i/4 --json-file shard-$i.json; done': {
    exit: 0,
    evidence: (_r, _lab, dir) => {
      for (const i of [0, 1, 2, 3]) expect(jsonLines(readFileSync(join(dir, `shard-${i}.json`), 'utf8')).some((e) => e.type === 'recap')).toBe(true);
    },
  },
  'npx tsrun merge shard-*.json': {
    exit: 0,
    evidence: (r) => {
      for (const host of ['lb1', 'node1', 'node2', 'node3']) expect(r.stdout).toMatch(new RegExp(`PLAY RECAP[\\s\\S]*\\n${host} +: ok=3 `));
    },
  },
  'npx tsrun doc': { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/^meta +/m) },
  'npx tsrun doc copy': { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/^Return values/m) },
  'npx tsrun doc -s copy': { exit: 0, evidence: (r) => expect(YAML.parse(r.stdout)[0].copy).toHaveProperty('dest') },
  'npx tsrun doc -t keyword become': { exit: 0, evidence: (r) => expect(YAML.parse(r.stdout).become.type).toBe('bool') },
  'npx tsrun lab up --name lab': { exit: 0, evidence: (r, lab) => expect(r.stdout).toContain(lab.inventoryPath) },
  'npx tsrun playbook playbooks/site.yml -i /var/lib/tsrun/labs/lab/inventory.yml': { notRun: 'installs docker and nginx on the lab through the proxy, for minutes; tested in test/e2e/roles-site.test.ts' },
  'npx tsrun lab status --name lab': { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/node1/) },
  'npx tsrun lab ssh node1 --name lab -- hostname': { exit: 0, evidence: (r) => expect(r.stdout.trim()).toBe('node1') },
  'npx tsrun lab down --name lab': { notRun: 'would take down the lab the rest of the suite shares; test/e2e/lab.test.ts takes labs down and checks that nothing is left' },
  'npx tsrun drift -i inventory.yml site.yml': {
    exit: 6,
    before: (lab) => labSsh(lab, 'node2', 'rm -f /tmp/tsrun-readme/app.conf'),
    evidence: (r) => {
      expect(r.stdout).toMatch(/node1 : in sync/);
      expect(r.stdout).toMatch(/node2 : drifted/);
    },
  },
  'npx tsrun playbook site.yml -i inventory.yml --check --detailed-exitcode': { exit: 6, evidence: (r) => expect(r.stdout).toMatch(/node2 +: ok=\d+ changed=1 /) },
  'npx tsrun playbook site.yml -i inventory.yml --check --diff --plan plan.json -e @vars.yml': {
    exit: 0,
    evidence: (_r, _lab, dir) => expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toContain('/tmp/tsrun-readme/app.conf'),
  },
  'npx tsrun plan show plan.json': { exit: 0, evidence: (r) => expect(r.stdout).toMatch(/node2[\s\S]*app config/) },
  'npx tsrun apply plan.json -e @vars.yml': { exit: 0, evidence: async (_r, lab) => expect(await onHost(lab, 'node2', 'cat /tmp/tsrun-readme/app.conf')).toBe('v1') },
  'npx tsrun playbook site.yml -i inventory.yml --timeline run.html': {
    exit: 0,
    evidence: (_r, _lab, dir) => expect(readFileSync(join(dir, 'run.html'), 'utf8')).toMatch(/<html[\s\S]*node3/),
  },
};

const PLAYBOOK = `- hosts: all
  gather_facts: no
  tasks:
    - name: first
      file: {path: /tmp/tsrun-readme, state: directory}
    - name: install docker
      copy: {dest: /tmp/tsrun-readme/docker, content: "{{ proxy | default('none') }}{{ (' ' ~ extra_note) if extra_note is defined else '' }}"}
      tags: [docker]
    - name: app config
      copy: {dest: /tmp/tsrun-readme/app.conf, content: "{{ app_version | default('v1') }}"}
`;

describe('every command example of the README runs as written', () => {
  const lab = inject('lab');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const commands = readmeCommands(readme);
  const dir = join(ROOT, 'test-output', `readme-${process.pid}`);

  beforeAll(() => {
    mkdirSync(join(dir, 'inventory'), { recursive: true });
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    for (const f of ['hosts.yml', 'inventory.yml', 'inventory/hosts.yml']) copyFileSync(lab.inventoryPath, join(dir, f));
    writeFileSync(join(dir, 'extra.yml'), 'extra_note: from-extra\n');
    writeFileSync(join(dir, 'vars.yml'), 'app_version: v1\n');
  });
  afterAll(async () => {
    await Promise.all(lab.hosts.map((h) => labSsh(lab, h.name, 'rm -rf /tmp/tsrun-readme')));
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows every example: each is run below or listed with the reason it cannot run in a test', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.filter((c) => !(c in EXAMPLES)), 'README examples this test does not know: add them to EXAMPLES').toEqual([]);
    expect(Object.keys(EXAMPLES).filter((c) => !commands.includes(c)), 'EXAMPLES the README no longer has').toEqual([]);
  });

  // in the README's order, one test each: later examples build on what earlier ones left (shards, plan.json)
  for (const command of commands) {
    const want = EXAMPLES[command];
    if (!want || 'notRun' in want) continue;
    it(`runs: ${command}`, async () => {
      await want.before?.(lab);
      const line = command.replaceAll('--name lab', `--name ${lab.name}`).replaceAll('/var/lib/tsrun/labs/lab/', `${lab.dir}/`);
      const r = await execa('sh', ['-c', line], { cwd: dir, reject: false, env: { TSRUN_CONFIG: '', npm_config_offline: 'true' } });
      expect(r.exitCode, `${command}\n${r.stdout}\n${r.stderr}`).toBe(want.exit);
      try {
        await want.evidence(r, lab, dir);
      } catch (err) {
        throw new Error(`${command}: ${(err as Error).message}\n${r.stdout}\n${r.stderr}`);
      }
    });
  }
});
