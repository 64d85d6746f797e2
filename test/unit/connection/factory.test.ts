import { describe, expect, it } from 'vitest';
import { ConnectionPool, openConnection } from '../../../src/connection/factory';
import { LocalConnection } from '../../../src/connection/local';
import { SshConnection } from '../../../src/connection/ssh';

describe('openConnection and ConnectionPool', () => {
  const opts = { sshConfigFile: '/dev/null' };
  const kinds: [Record<string, unknown>, unknown][] = [
    [{ ansible_connection: 'local' }, LocalConnection],
    [{}, SshConnection],
    [{ ansible_connection: 'ssh', ansible_host: '127.0.0.1' }, SshConnection],
  ];
  for (const [vars, cls] of kinds) {
    it(`gives a ${(cls as { name: string }).name} for ${JSON.stringify(vars)}`, () => {
      expect(openConnection('h', vars, opts)).toBeInstanceOf(cls);
    });
  }

  it('rejects a connection type it does not have', () => {
    expect(() => openConnection('h', { ansible_connection: 'winrm' }, opts)).toThrow(/ansible_connection 'winrm' is not supported/);
  });

  it('keeps one connection per host for the run and closes them all', async () => {
    const pool = new ConnectionPool(opts);
    const a = pool.get('a', { ansible_connection: 'local' });
    expect(pool.get('a', {})).toBe(a);
    expect(pool.get('b', {})).not.toBe(a);
    await pool.closeAll();
    expect(pool.get('a', { ansible_connection: 'local' })).not.toBe(a);
  });
});
