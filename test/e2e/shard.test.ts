import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const PLAYBOOK = resolve(__dirname, 'fixtures/shard/site.yml');
const SHARDS = 3;

interface Event {
  type: string;
  task?: string;
  host?: string;
  status?: string;
  items?: { label: string; status: string }[];
  hosts?: string[];
  stats?: Record<string, Record<string, number>>;
}

const events = (file: string): Event[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Event);

/** Every host's outcome of every task (and loop item), keyed `task | host`. */
function perHost(evs: Event[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of evs.filter((x) => x.type === 'host_result')) {
    out[`${e.task} | ${e.host}`] = [e.status, ...(e.items ?? []).map((i) => `${i.label}=${i.status}`)].join(' ');
  }
  return out;
}

describe('--shard I/N and tsrun merge', () => {
  const lab = inject('lab');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-shard-'));
  const root = `/tmp/tsrun-shard-${process.pid}`;
  // node1 and node2 form the group that must stay together, as etcd-precheck's nodes do
  const groups = join(dir, 'groups.ini');
  writeFileSync(groups, '[etcd]\nnode1\nnode2\n');
  const run = (...args: string[]) => execa('node', [BIN, 'playbook', PLAYBOOK, '-i', lab.inventoryPath, '-i', groups, '-e', `shard_root=${root}`, ...args], { reject: false });
  const clean = () => Promise.all(lab.hosts.map((h) => labSsh(lab, h.name, `rm -rf ${root}`)));
  afterAll(async () => {
    await clean();
    rmSync(dir, { recursive: true, force: true });
  });

  it('N shard processes give the same per-host results, files and merged recap as one whole run', async () => {
    await clean();
    const whole = await run('--json-file', join(dir, 'whole.json'));
    expect(whole.exitCode, whole.stderr).toBe(2);

    await clean();
    const files = Array.from({ length: SHARDS }, (_, i) => join(dir, `shard-${i}.json`));
    const shards = await Promise.all(files.map((f, i) => run('--shard', `${i}/${SHARDS}`, '--json-file', f)));
    const hostsOf = files.map((f) => events(f).find((e) => e.type === 'play_start')!.hosts!);

    // each host ran in exactly one shard, and the etcd pair in the same one
    expect(hostsOf.flat().sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    expect(hostsOf.filter((h) => h.includes('node1'))).toEqual(hostsOf.filter((h) => h.includes('node2')));
    // a shard whose hosts all succeed exits 0, the one with node3 exits 2
    shards.forEach((r, i) => expect(r.exitCode, r.stderr).toBe(hostsOf[i].includes('node3') ? 2 : 0));

    expect(Object.assign({}, ...files.map((f) => perHost(events(f))))).toEqual(perHost(events(join(dir, 'whole.json'))));
    for (const h of lab.hosts) {
      const cat = await labSsh(lab, h.name, `cat ${root}/${h.name}`);
      expect(cat.stdout).toBe(`${h.name} of ${lab.hosts.length}`);
    }

    const merged = await execa('node', [BIN, 'merge', '--json', ...files], { reject: false });
    const single = await execa('node', [BIN, 'merge', '--json', join(dir, 'whole.json')], { reject: false });
    expect(merged.exitCode).toBe(2);
    expect(JSON.parse(merged.stdout).stats).toEqual(events(join(dir, 'whole.json')).find((e) => e.type === 'recap')!.stats);
    expect(JSON.parse(merged.stdout).stats).toEqual(JSON.parse(single.stdout).stats);
    const plain = await execa('node', [BIN, 'merge', ...files], { reject: false });
    expect(plain.stdout).toMatch(/node3 +: ok=\d+ changed=\d+ unreachable=0 failed=1/);
  });

  it('merge names a missing shard and a shard that did not finish', async () => {
    writeFileSync(join(dir, 'cut.json'), '{"type":"play_start","name":"x","hosts":["node1"]}\n');
    const r = await execa('node', [BIN, 'merge', join(dir, 'shard-0.json'), join(dir, 'cut.json')], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`merge: ${join(dir, 'cut.json')} has no recap: that shard did not finish`);
    expect(r.stderr).toContain(`merge: shard 1/${SHARDS} is missing`);
  });
});
