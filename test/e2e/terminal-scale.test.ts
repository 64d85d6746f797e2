import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../src/lab/index';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');
const HOSTS = 60;

/** Runs a shell command line under a pseudo-terminal (`script`), as a person's shell would, 120 columns wide. */
function onTerminal(command: string, env: Record<string, string> = {}) {
  return execa('script', ['-qefc', `stty cols 120 rows 40; ${command}`, '/dev/null'], { reject: false, env: { TERM: 'xterm', TSRUN_CONFIG: '', ...env }, timeout: 280_000 });
}

const screenOf = (out: string) => stripVTControlCharacters(out).replaceAll('\r', '');

// What a person sees of a run on 60 light lab hosts: a recap that fits on a screen, the failure after it,
// the live view's clock and the hosts it still waits for.
describe(`the terminal side of a run at ${HOSTS} hosts`, () => {
  const name = `${inject('lab').name}-t60`;
  let lab: LabInfo;
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-term60-'));
  const target = `/tmp/tsrun-term60-${process.pid}`;
  const book = join(dir, 'site.yml');
  writeFileSync(book, [
    '- hosts: all', '  gather_facts: yes', '  tasks:',
    `    - {name: write a file, copy: {dest: ${target}, content: "x"}}`,
    '    - name: slow on node7', '      command: sleep 3', "      when: inventory_hostname == 'node7'",
    '    - name: refuse on node42', '      command: sh -c "echo disk is full >&2; exit 7"', "      when: inventory_hostname == 'node42'",
    '    - {name: after, debug: {msg: done}}', '',
  ].join('\n'));
  let cmd = '';

  beforeAll(async () => {
    lab = await labUp({ name, nodes: HOSTS, lb: 0, light: true });
    cmd = `node ${BIN} playbook ${book} -i ${lab.inventoryPath}`;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await labDown(name);
  });

  it('on a terminal: the connection phase and the hosts still running, live; a grouped coloured recap; the failure after it', async () => {
    const r = await onTerminal(cmd);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/\x1b\[31m/); // red
    expect(r.stdout).toMatch(/\x1b\[32m/); // green
    const screen = screenOf(r.stdout);
    // the connection phase is visible, naming how many hosts it still waits for
    expect(screen).toMatch(/Gathering Facts \(connecting\)\n +› 0\/60 hosts {2}\d+\.\ds {2}running \(60\): node1 node2 node3 [^\n]*…\n/);
    expect(screen).toMatch(/Gathering Facts \(connecting\) {2}ok=60 {2}\d+\.\ds/);
    // while node7 sleeps, the view names it and its clock moves on
    const clock = [...screen.matchAll(/59\/60 hosts {2}(\d+\.\d)s {2}skipped=59 {2}running \(1\): node7\n/g)].map((m) => m[1]);
    expect(new Set(clock).size, `frames of the slow task: ${clock.join(', ')}`).toBeGreaterThan(1);
    // the recap holds on one screen: identical hosts share a line, the odd ones have their own
    const recap = screen.slice(screen.lastIndexOf('PLAY RECAP'));
    const counts = recap.slice(0, recap.indexOf('FAILURES')).trim().split('\n').slice(1);
    expect(counts).toHaveLength(3);
    expect(recap).toMatch(/^58 hosts : ok=3 changed=1 unreachable=0 failed=0 skipped=2 rescued=0 ignored=0 {2}\(node1, node2, node3, node4, node5, node6 and 52 more\)$/m);
    expect(recap).toMatch(/^node7 +: ok=4 changed=2 unreachable=0 failed=0 skipped=1/m);
    expect(recap).toMatch(/^node42 +: ok=2 changed=1 unreachable=0 failed=1 skipped=1/m);
    // after the counts: the failure again, with host, task, file:line and the command's own words
    expect(recap).toMatch(/FAILURES \(1\)[^\n]*\nFAILED: \[node42\] TASK \[refuse on node42\] at [^\n]*site\.yml:8\n {4}non-zero return code\n[\s\S]*rc=7[\s\S]*disk is full/);
    expect(recap).toMatch(/changed \(60\): node1, node2, node3, node4, node5/);
    expect(recap).toMatch(/finished in \d+\.\d\ds/);
    // the evidence on the hosts
    for (const host of ['node1', 'node42', 'node60']) expect((await labSsh(lab, host, `cat ${target}`)).stdout).toBe('x');
  });

  it('TERM=dumb on a terminal, and a pipe: plain lines, no escape codes, the same grouped recap and failure', async () => {
    const dumb = await onTerminal(cmd, { TERM: 'dumb' });
    const pipe = await execa('sh', ['-c', cmd], { reject: false, env: { TSRUN_CONFIG: '' } });
    for (const r of [dumb, pipe]) {
      expect(r.exitCode).toBe(2);
      expect(r.stdout).not.toMatch(/\x1b\[/);
      expect(r.stdout).toMatch(/fatal: \[node42\]/);
      const recap = r.stdout.slice(r.stdout.lastIndexOf('PLAY RECAP'));
      expect(recap).toMatch(/^58 hosts : ok=3 changed=0 /m);
      expect(recap).toMatch(/FAILED: \[node42\] TASK \[refuse on node42\] at [^\n]*site\.yml:8/);
    }
  });
});
