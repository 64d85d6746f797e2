import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { labSsh } from './lab-helpers';

const BIN = resolve(__dirname, '../../bin/tsrun.js');

/** Runs a shell command line under a pseudo-terminal (`script`), as a person's shell would, 120 columns wide. */
function onTerminal(command: string, env: Record<string, string> = {}, input?: string) {
  return execa('script', ['-qefc', `stty cols 120 rows 40; ${command}`, '/dev/null'], { reject: false, input, env: { TERM: 'xterm', TSRUN_CONFIG: '', ...env }, timeout: 240_000 });
}

// What a person sees at the end of a run on the lab's 4 hosts: the failure again after the recap, colours.
describe('the terminal side of a run', () => {
  const lab = inject('lab');
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-term-'));
  const target = `/tmp/tsrun-term-${process.pid}`;
  afterAll(async () => {
    await Promise.all(lab.hosts.map((h) => labSsh(lab, h.name, `rm -f ${target}`)));
    rmSync(dir, { recursive: true, force: true });
  });
  const book = join(dir, 'site.yml');
  writeFileSync(book, [
    '- hosts: all', '  gather_facts: yes', '  tasks:',
    `    - {name: write a file, copy: {dest: ${target}, content: "x"}}`,
    '    - name: refuse on node2', '      command: sh -c "echo disk is full >&2; exit 7"', "      when: inventory_hostname == 'node2'",
    '    - name: slow on node3', '      command: sleep 2', "      when: inventory_hostname == 'node3'",
    '    - {name: after, debug: {msg: done}}', '',
  ].join('\n'));
  const cmd = `node ${BIN} playbook ${book} -i ${lab.inventoryPath}`;

  it('on a terminal: live task lines with elapsed time, a coloured recap, then the failure again with task and file:line', async () => {
    const r = await onTerminal(`${cmd} -v`);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/\x1b\[3[12]m/); // red and green
    const screen = stripVTControlCharacters(r.stdout).replaceAll('\r', '');
    expect(screen).toMatch(/Gathering Facts \(connecting\) {2}ok=4 {2}\d+\.\ds/);
    expect(screen).toMatch(/write a file {2}changed=4 {2}\d+\.\ds/);
    // while a task runs: its elapsed time, and the host still running named (the terminal is 120 columns wide)
    expect(screen).toMatch(/2\/3 hosts {2}\d+\.\ds {2}skipped=2 {2}running \(1\): node3\n/);
    const recap = screen.slice(screen.indexOf('PLAY RECAP'));
    expect(recap).toMatch(/node2 +: ok=2 changed=1 unreachable=0 failed=1/);
    expect(recap).toMatch(/FAILURES \(1\)[^\n]*\nFAILED: \[node2\] TASK \[refuse on node2\] at [^\n]*site\.yml:5\n/);
    expect(recap).toContain('disk is full');
    expect(recap).toMatch(/changed \(4\): lb1, node1, node2, node3\n/);
    expect(recap).toMatch(/finished in \d+\.\d\ds/);
    expect(recap).toMatch(/slowest tasks:\n +\d+\.\d\ds {2}\S/);
    // the evidence that the run really ran
    expect((await labSsh(lab, 'node3', `cat ${target}`)).stdout).toBe('x');
  });

  it('NO_COLOR and TERM=dumb: no colour; TERM=dumb or a pipe: plain lines with no escape codes at all', async () => {
    const noColor = await onTerminal(cmd, { NO_COLOR: '1' });
    expect(noColor.stdout).not.toMatch(/\x1b\[3\dm/);
    const dumb = await onTerminal(cmd, { TERM: 'dumb' });
    expect(dumb.stdout).not.toMatch(/\x1b\[/);
    expect(dumb.stdout).toMatch(/fatal: \[node2\]/);
    const pipe = await execa('node', [BIN, 'playbook', book, '-i', lab.inventoryPath], { reject: false, env: { TSRUN_CONFIG: '' } });
    expect(pipe.stdout).not.toMatch(/\x1b\[/);
    expect(pipe.stdout).toMatch(/FAILED: \[node2\] TASK \[refuse on node2\]/);
  });

  it('a reader that goes away (| head) ends the output quietly, and the run still finishes on the hosts', async () => {
    await Promise.all(lab.hosts.map((h) => labSsh(lab, h.name, `rm -f ${target}`)));
    const r = await execa('sh', ['-c', `${cmd} | head -n 2`], { reject: false, env: { TSRUN_CONFIG: '' } });
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.stdout.split('\n').length).toBeLessThanOrEqual(3);
    // the run went on to its end without its reader
    await new Promise((res) => setTimeout(res, 100));
    for (const h of lab.hosts) expect((await labSsh(lab, h.name, `cat ${target}`)).stdout).toBe('x');
  });

  it('Ctrl-C is handled by tsrun: the recap so far, exit 130', async () => {
    const slow = join(dir, 'slow.yml');
    writeFileSync(slow, '- hosts: nodes\n  gather_facts: no\n  tasks:\n    - {name: quick, debug: {msg: hi}}\n    - {name: wait, command: sleep 30}\n');
    // the interrupt arrives while the second task runs
    const child = execa('node', [BIN, 'playbook', slow, '-i', lab.inventoryPath], { reject: false, env: { TSRUN_CONFIG: '' } });
    let seen = '';
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`the run never reached the task "wait":\n${seen}`)), 120_000);
      child.stdout?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('TASK [wait]')) {
          clearTimeout(timer);
          res();
        }
      });
    });
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toMatch(/PLAY RECAP[\s\S]*node1 +: ok=1 changed=0/);
    expect(r.stderr).toContain('User interrupted execution');
    expect(r.stderr).not.toMatch(/ at /);
  });

  it('many hosts with the same counts are grouped in the recap, failed ones named', async () => {
    const inv = join(dir, 'many.ini');
    writeFileSync(inv, `[many]\n${Array.from({ length: 12 }, (_, i) => `m${i + 1} ansible_connection=local`).join('\n')}\n`);
    const many = join(dir, 'many.yml');
    writeFileSync(many, "- hosts: many\n  gather_facts: no\n  tasks:\n    - debug: msg=hi\n    - {fail: {msg: no}, when: \"inventory_hostname == 'm7'\"}\n");
    const r = await onTerminal(`node ${BIN} playbook ${many} -i ${inv}`);
    const screen = stripVTControlCharacters(r.stdout).replaceAll('\r', '');
    expect(screen).toMatch(/11 hosts +: ok=1 changed=0 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0 {2}\(m1, m2/);
    expect(screen).toMatch(/m7 +: ok=1 changed=0 unreachable=0 failed=1/);
  });
});
