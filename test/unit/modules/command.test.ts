import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { command } from '../../../src/modules/command';
import { shell } from '../../../src/modules/shell';
import { splitWords } from '../../../src/modules/sys/words';
import { runModule } from './sys-context';

const dir = mkdtempSync(join(tmpdir(), 'tsrun-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('splitWords', () => {
  const cases: [string, string[]][] = [
    ['echo a b', ['echo', 'a', 'b']],
    ["echo 'a | b' > c", ['echo', 'a | b', '>', 'c']],
    ['echo "x \\"y\\" $HOME" z\\ w', ['echo', 'x "y" $HOME', 'z w']],
    ["  a''b  \"\" ", ['ab', '']],
  ];
  it.each(cases)('%s', (line, words) => expect(splitWords(line)).toEqual(words));
  it('rejects unbalanced quotes', () => expect(() => splitWords("echo 'oops")).toThrow(/unterminated single quote/));
});

describe('command and shell on the controller', () => {
  it('expands $VARS and ~ in its words as Ansible does; an unset variable stays as written; nothing else expands', async () => {
    process.env.TSRUN_CMD_TEST = 'v a l';
    delete process.env.TSRUN_CMD_UNSET;
    const r = await runModule(command, { argv: ['printf', '%s|', '$TSRUN_CMD_TEST', 'x${TSRUN_CMD_TEST}y', '$TSRUN_CMD_UNSET', '${TSRUN_CMD_UNSET}', '~', "it's", '$(id)', '*'], chdir: dir });
    expect(r.data?.stdout).toBe(`v a l|xv a ly|$TSRUN_CMD_UNSET|\${TSRUN_CMD_UNSET}|${process.env.HOME}|it's|$(id)|*|`);
    const first = await runModule(command, { cmd: 'FOO=1 true', chdir: dir });
    expect(first.failed).toBe(true);
  });

  it('runs without a shell: operators are literal words', async () => {
    const r = await runModule(command, { cmd: 'echo a | b > c', chdir: dir });
    expect(r).toMatchObject({ changed: true, data: { rc: 0, stdout: 'a | b > c', stdout_lines: ['a | b > c'], cmd: ['echo', 'a', '|', 'b', '>', 'c'] } });
    expect(existsSync(join(dir, 'c'))).toBe(false);
  });

  it('accepts argv and reports timing in Ansible format', async () => {
    const r = await runModule(command, { argv: ['printf', '%s\\n', 'x y', 'z'] });
    expect(r.data).toMatchObject({ stdout_lines: ['x y', 'z'] });
    expect(r.data?.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(r.data?.delta).toMatch(/^0:00:0\d\.\d{6}$/);
  });

  it('shell runs pipes, chdir and stdin; fails on a non-zero rc', async () => {
    const r = await runModule(shell, { cmd: 'tr a-z A-Z | tee out.txt; echo err >&2; exit 3', chdir: dir, stdin: 'hi' });
    expect(r).toMatchObject({ changed: true, failed: true, msg: 'non-zero return code', data: { rc: 3, stdout: 'HI', stderr: 'err', stderr_lines: ['err'] } });
    expect(existsSync(join(dir, 'out.txt'))).toBe(true);
  });

  it('skips with creates/removes (globs allowed) and runs otherwise', async () => {
    writeFileSync(join(dir, 'made 1.flag'), '');
    const skip = await runModule(shell, { cmd: 'touch ran', chdir: dir, creates: join(dir, 'made *.flag') });
    expect(skip).toMatchObject({ changed: false, msg: `Did not run command since '${join(dir, 'made *.flag')}' exists`, data: { rc: 0, stdout: `skipped, since ${join(dir, 'made *.flag')} exists` } });
    const skip2 = await runModule(command, { cmd: 'touch ran', chdir: dir, removes: join(dir, 'nope') });
    expect(skip2).toMatchObject({ changed: false, msg: `Did not run command since '${join(dir, 'nope')}' does not exist` });
    // as in Ansible, chdir comes first: a relative creates is found in it
    const rel = await runModule(command, { cmd: 'touch ran', chdir: dir, creates: 'made 1.flag' });
    expect(rel).toMatchObject({ changed: false, data: { stdout: 'skipped, since made 1.flag exists' } });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    const run = await runModule(command, { cmd: 'touch ran', chdir: dir, creates: join(dir, 'ran') });
    expect(run).toMatchObject({ changed: true, data: { rc: 0 } });
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('fails clearly when chdir does not exist', async () => {
    const r = await runModule(command, { cmd: 'true', chdir: join(dir, 'missing') });
    expect(r).toMatchObject({ failed: true, msg: expect.stringMatching(/Unable to change directory/) });
  });

  it('honours the environment and reports a timeout as a failure', async () => {
    const env = await runModule(shell, { cmd: 'echo $GREETING' }, { environment: { GREETING: 'hello' } });
    expect(env.data?.stdout).toBe('hello');
    const t = await runModule(command, { cmd: 'sleep 5' }, { timeoutMs: 300 });
    expect(t).toMatchObject({ failed: true, msg: 'command timed out after 0.3 s' });
  });

  it("in check mode: Ansible's results, skipped without creates/removes, decided by them otherwise, changes nothing", async () => {
    const plain = await runModule(shell, { cmd: `touch ${join(dir, 'check')}` }, { check: true });
    expect(plain).toMatchObject({ changed: false, skipped: true, msg: 'Command would have run if not in check mode' });
    const would = await runModule(shell, { cmd: `touch ${join(dir, 'check')}`, creates: join(dir, 'check') }, { check: true });
    expect(would).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode', data: { rc: 0 } });
    const wouldNot = await runModule(shell, { cmd: 'touch x', creates: dir }, { check: true });
    expect(wouldNot).toMatchObject({ changed: false, data: { stdout: `skipped, since ${dir} exists` } });
    expect(existsSync(join(dir, 'check'))).toBe(false);
  });
});

describe('command word handling', () => {
  it('never treats a leading NAME=value as a shell assignment', async () => {
    const r = await runModule(command, { cmd: 'FOO=1 echo hi' });
    expect(r).toMatchObject({ failed: true, data: { rc: 127 } });
  });
});
