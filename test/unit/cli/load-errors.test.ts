import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../../../bin/tsrun.js');

describe('bad input found when the playbook loads stops the run before any host is touched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-load-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // a first play writes a file on localhost (4 lines): when the run is refused, that file must not exist.
  // [what, second play, message, line:col in the playbook]
  const cases: [string, string, RegExp, string][] = [
    ['a loop over a literal string', '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ item }}"}\n      loop: abc\n',
      /Invalid data passed to 'loop', it requires a list, got this instead: "abc"/, '9:13'],
    ['a missing vars_files file', '- hosts: localhost\n  gather_facts: false\n  vars_files:\n    - nosuch.yml\n  tasks: []\n',
      /vars file nosuch\.yml was not found/, '8:7'],
  ];
  it.each(cases)('%s: exit 4, one located message, the earlier play did not run', async (_what, secondPlay, message, at) => {
    const marker = join(dir, `touched-${Math.random().toString(36).slice(2)}`);
    const path = join(dir, 'play.yml');
    writeFileSync(path, `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - copy: {content: x, dest: ${marker}}\n${secondPlay}`);
    const r = await execa('node', [BIN, 'playbook', path, '-i', 'localhost,', '-c', 'local'], { reject: false });
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain(`${path}:${at}: `);
    expect(existsSync(marker)).toBe(false);
  });
});
