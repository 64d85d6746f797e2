import { describe, expect, it } from 'vitest';
import { ansibleRecap, recapProblem, tsrunRecap, type HostCounts } from '../../../src/bench/recap';

const ANSIBLE = `PLAY [bench workload] **********************************************************

TASK [root directory] **********************************************************
changed: [node1]

PLAY RECAP *********************************************************************
node1                      : ok=20   changed=16   unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
node10                     : ok=3    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
`;

const TSRUN = [
  '{"type":"task_end","name":"the link is a link"}',
  '{"type":"recap","stats":{"node1":{"ok":20,"changed":16,"unreachable":0,"failed":0,"skipped":0},"node2":{"ok":0,"changed":0,"unreachable":1,"failed":0}},"durationMs":5}',
].join('\n');

describe('recaps of both tools', () => {
  it('reads ansible-playbook recap lines', () => {
    expect(ansibleRecap(ANSIBLE)).toEqual({
      node1: { ok: 20, changed: 16, unreachable: 0, failed: 0 },
      node10: { ok: 3, changed: 1, unreachable: 0, failed: 1 },
    });
    expect(ansibleRecap('no recap here')).toEqual({});
  });

  it('reads the recap event of tsrun --json', () => {
    expect(tsrunRecap(TSRUN)).toEqual({
      node1: { ok: 20, changed: 16, unreachable: 0, failed: 0 },
      node2: { ok: 0, changed: 0, unreachable: 1, failed: 0 },
    });
  });

  const ok = { ok: 20, changed: 0, unreachable: 0, failed: 0 };
  const cases: { what: string; recap: Record<string, HostCounts>; changed: number; problem?: string }[] = [
    { what: 'all hosts as expected', recap: { a: ok, b: ok }, changed: 0, problem: undefined },
    { what: 'a host missing', recap: { a: ok }, changed: 0, problem: 'b is missing from the recap' },
    { what: 'a failed host', recap: { a: ok, b: { ...ok, failed: 1 } }, changed: 0, problem: 'b: failed=1 unreachable=0' },
    { what: 'an unreachable host', recap: { a: ok, b: { ...ok, unreachable: 1 } }, changed: 0, problem: 'b: failed=0 unreachable=1' },
    { what: 'a change on a re-run', recap: { a: { ...ok, changed: 1 }, b: ok }, changed: 0, problem: 'a: changed=1, expected 0' },
    { what: 'too few changes on a first run', recap: { a: ok, b: ok }, changed: 16, problem: 'a: changed=0, expected 16' },
  ];
  it.each(cases)('recapProblem: $what', ({ recap, changed, problem }) => {
    expect(recapProblem(recap, ['a', 'b'], changed)).toBe(problem);
  });
});
