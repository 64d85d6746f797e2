import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { TsrunError } from '../core/errors';
import type { LabInfo } from '../lab/index';
import { measure } from './measure';
import { ansibleRecap, tsrunRecap } from './recap';
import { REPO_ROOT } from './paths';
import { sshAll } from './ssh-all';
import { ansibleConfig, type Tool } from './tools';
import type { Log } from '../lab/sys';

/** The large-input cases: a 7 MB template rendered to every host of the lab, and a 50 MB playbook checked. */
export type LargeCase = 'template-7mb' | 'playbook-50mb';

/** One timed run of a large-input case. */
export interface LargeSample {
  case: LargeCase;
  tool: Tool;
  hosts: number;
  rep: number;
  seconds: number;
  peakRssMb: number;
}

const MB = 1024 * 1024;
const DEST = '/opt/bench-large.txt';

/** Writes `lines()` to `file` until it holds at least `bytes`, without holding the whole text in memory. */
async function writeLines(file: string, bytes: number, head: string, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  let size = head.length;
  out.write(head);
  for (let i = 0; size < bytes; i++) {
    const l = line(i);
    size += Buffer.byteLength(l);
    if (!out.write(l)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** A 7 MB template in the subset both tools render alike: a variable per line, the host's name among them. */
export function templateFile(file: string): Promise<void> {
  return writeLines(file, 7 * MB, '# {{ inventory_hostname }}\n', (i) => `line ${i} on {{ inventory_hostname }}: {{ large_value }} ${'.'.repeat(60)}\n`);
}

/** A playbook of ordinary tasks (copy, debug with when, lineinfile with tags, command with creates), 50 MB by default. */
export function playbookFile(file: string, bytes = 50 * MB): Promise<void> {
  const kinds = [
    (i: number) => `    - name: write file ${i}\n      copy: { content: "line ${i}\\n", dest: "/tmp/bench-large/f${i}", mode: '0644' }\n`,
    (i: number) => `    - name: show ${i}\n      debug: { msg: "item ${i} of the big playbook" }\n      when: large_value is defined\n`,
    (i: number) => `    - name: line ${i}\n      lineinfile:\n        path: /tmp/bench-large/lines\n        line: "entry ${i}"\n      tags: [lines]\n`,
    (i: number) => `    - name: command ${i}\n      command: echo ${i}\n      args: { creates: /tmp/bench-large/none${i} }\n      changed_when: false\n`,
  ];
  return writeLines(file, bytes, '- hosts: localhost\n  gather_facts: no\n  tasks:\n', (i) => kinds[i % kinds.length](i));
}

function fail(what: string, out: string): never {
  throw new TsrunError('INTERNAL', `bench: ${what}\n${out.trim().split('\n').slice(-8).join('\n')}`);
}

/**
 * Runs the large-input cases `reps` times for each tool: the template on every lab host (fresh hosts each time,
 * every host's file checked against the first tool's checksum, so both tools did the same work) and a
 * `--syntax-check` of the 50 MB playbook on the controller.
 */
export async function runLarge(lab: LabInfo, tools: Tool[], reps: number, scratch: string, log: Log): Promise<LargeSample[]> {
  const template = join(scratch, 'large.j2');
  const big = join(scratch, 'large-playbook.yml');
  const play = join(scratch, 'large-template.yml');
  await templateFile(template);
  await playbookFile(big);
  writeFileSync(play, `- hosts: all\n  gather_facts: no\n  vars: { large_value: "v=42" }\n  tasks:\n    - template: { src: ${template}, dest: ${DEST}, mode: '0644' }\n`);
  const cfg = join(scratch, 'ansible-large.cfg');
  writeFileSync(cfg, ansibleConfig(lab.hosts.length, scratch));
  const env = { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_FORCE_COLOR: '0' };
  const hosts = lab.hosts.length;
  const samples: LargeSample[] = [];
  const sums = new Map<string, string>();
  for (let rep = 1; rep <= reps; rep++) {
    for (const tool of rep % 2 ? tools : [...tools].reverse()) {
      await sshAll(lab, () => `rm -f ${DEST}\n`);
      const flags = ['-i', lab.inventoryPath, '--forks', String(hosts)];
      const t = tool === 'tsrun'
        ? await measure(process.execPath, [join(REPO_ROOT, 'bin/tsrun.js'), 'playbook', play, ...flags, '--json'], { cwd: REPO_ROOT })
        : await measure('ansible-playbook', [play, ...flags], { env, cwd: REPO_ROOT });
      const recap = tool === 'tsrun' ? tsrunRecap(t.stdout) : ansibleRecap(t.stdout);
      if (t.code !== 0 || Object.values(recap).filter((r) => r.changed === 1 && r.failed === 0).length !== hosts) fail(`${tool} template-7mb did not change every host (exit ${t.code})`, t.stdout + t.stderr);
      for (const r of (await sshAll(lab, () => `sha256sum ${DEST}\n`)).runs) {
        const sum = r.stdout.split(' ')[0];
        if (sums.has(r.host) && sums.get(r.host) !== sum) fail(`${tool} rendered ${DEST} on ${r.host} differently from the other tool`, r.stdout);
        sums.set(r.host, sum);
      }
      samples.push({ case: 'template-7mb', tool, hosts, rep, seconds: t.seconds, peakRssMb: t.peakRssMb });
      log(`bench: large, rep ${rep}: ${tool} template-7mb ${t.seconds.toFixed(2)} s, ${t.peakRssMb.toFixed(0)} MB`);
    }
  }
  // the controller-only case after the lab's, so the template figures come first
  for (let rep = 1; rep <= reps; rep++) {
    for (const tool of rep % 2 ? tools : [...tools].reverse()) {
      const p = tool === 'tsrun'
        ? await measure(process.execPath, [join(REPO_ROOT, 'bin/tsrun.js'), 'playbook', big, '-i', 'localhost,', '--syntax-check'], { cwd: REPO_ROOT })
        : await measure('ansible-playbook', [big, '-i', 'localhost,', '--syntax-check'], { env, cwd: REPO_ROOT });
      if (p.code !== 0) fail(`${tool} --syntax-check of the 50 MB playbook failed (exit ${p.code})`, p.stdout + p.stderr);
      samples.push({ case: 'playbook-50mb', tool, hosts: 1, rep, seconds: p.seconds, peakRssMb: p.peakRssMb });
      log(`bench: large, rep ${rep}: ${tool} playbook-50mb ${p.seconds.toFixed(2)} s, ${p.peakRssMb.toFixed(0)} MB`);
    }
  }
  return samples;
}
