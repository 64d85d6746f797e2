import { describe, expect, it } from 'vitest';
import { resolveMode } from '../../../src/modules/fs/mode';

// [spec, current mode, is a directory, expected]
const cases: [string, string | undefined, boolean, string][] = [
  ['0644', '0755', false, '0644'],
  ['755', undefined, true, '0755'],
  ['u+x', '0644', false, '0744'],
  ['go-rwx', '0755', true, '0700'],
  ['a=r', '0777', false, '0444'],
  ['+x', '0644', false, '0755'],
  ['u=rw,g=r,o=', '0777', false, '0640'],
  ['u+rwX', '0600', false, '0600'],
  ['u+rwX', '0600', true, '0700'],
  ['a+X', '0744', false, '0755'],
  ['u+s,g+s', '0755', true, '6755'],
  ['+t', '0777', true, '1777'],
  ['g-w', undefined, false, '0644'],
];

describe('resolveMode', () => {
  it.each(cases)('%s on %s (dir %s) is %s', (spec, current, isDir, want) => {
    expect(resolveMode(spec, current, isDir)).toBe(want);
  });
});
