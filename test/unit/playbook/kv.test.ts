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
