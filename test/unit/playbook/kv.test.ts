import { describe, expect, it } from 'vitest';
import { parseKv } from '../../../src/playbook/kv';

const cases: [string, string | undefined, string[], Record<string, unknown>][] = [
  ['dest=/etc/x mode=0644', undefined, [], { dest: '/etc/x', mode: '0644' }],
  ['echo hi creates=/tmp/x', 'cmd', ['creates'], { cmd: 'echo hi', creates: '/tmp/x' }],
  ['echo a=b | tr a b', 'cmd', ['creates'], { cmd: 'echo a=b | tr a b' }],
  [`content="two words" dest='/tmp/a b'`, undefined, [], { content: 'two words', dest: '/tmp/a b' }],
  ['msg="x=1"', undefined, [], { msg: 'x=1' }],
];

describe('parseKv', () => {
  it.each(cases)('%s', (text, freeForm, known, expected) => {
    expect(parseKv(text, freeForm, new Set(known))).toEqual(expected);
  });
});

describe('parseKv keeps free-form text verbatim', () => {
  it('keeps newlines and unknown assignments of a multi-line script', () => {
    const script = 'set -u\ni=0\nwhile [ "$i" -lt 3 ]; do i=$((i + 1)); done\necho "$i" creates=/tmp/done\n';
    expect(parseKv(script, 'cmd', new Set(['creates']))).toEqual({
      cmd: 'set -u\ni=0\nwhile [ "$i" -lt 3 ]; do i=$((i + 1)); done\necho "$i"',
      creates: '/tmp/done',
    });
  });
});
