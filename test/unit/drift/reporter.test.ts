import { describe, expect, it } from 'vitest';
import { EXIT, pendingExit } from '../../../src/cli/exit-codes';
import { emptyStats, type HostStatus } from '../../../src/executor/events';
import { DriftReporter } from '../../../src/drift/reporter';

const result = (host: string, status: HostStatus, msg?: string) => ({ host, status, msg, result: {}, durationMs: 1 });

describe('drift', () => {
  it('summarises hosts: in sync, drifted with its pending tasks, unknown, failed', () => {
    let out = '';
    const r = new DriftReporter((t) => (out += t), false);
    r.event({ type: 'host_result', task: 'conf', result: result('a', 'ok') });
    r.event({ type: 'host_result', task: 'conf', result: result('b', 'changed', 'content changed') });
    r.event({ type: 'host_result', task: 'cmd', result: result('c', 'unknown', 'the command would run') });
    r.event({ type: 'host_result', task: 'conf', result: result('d', 'failed', 'boom') });
    r.event({ type: 'recap', stats: { a: emptyStats(), b: emptyStats(), c: emptyStats(), d: emptyStats() }, durationMs: 1 });
    expect(out).toBe([
      '', 'DRIFT',
      'a : in sync',
      'b : drifted: 1 change pending',
      '    - conf (content changed)',
      'c : unknown: nothing predicted to change, 1 unknown',
      '    ? cmd (the command would run)',
      'd : failed: conf: boom',
      '',
    ].join('\n'));
    expect(r.hosts.get('b')!.state).toBe('drifted');
  });

  it('exit 6 only when every host succeeded and something is pending', () => {
    expect(pendingExit(EXIT.OK, true, true)).toBe(6);
    expect(pendingExit(EXIT.OK, false, true)).toBe(0);
    expect(pendingExit(EXIT.OK, true, false)).toBe(0);
    expect(pendingExit(EXIT.FAILED_HOSTS, true, true)).toBe(2);
    expect(pendingExit(EXIT.UNREACHABLE, true, true)).toBe(3);
  });
});
