import { TsrunError } from '../core/errors';
import { LocalConnection } from './local';
import { sshParamsFromVars, type SshParamOptions } from './params';
import { SshConnection } from './ssh';
import type { Connection } from './types';

/**
 * The connection for an inventory host: local when `ansible_connection` is `local` (as Ansible sets
 * for the implicit localhost), otherwise SSH, opened lazily on the first command.
 */
export function openConnection(hostName: string, vars: Record<string, unknown>, options: SshParamOptions = {}): Connection {
  const kind = vars.ansible_connection ?? 'ssh';
  if (kind === 'local') return new LocalConnection(hostName, options.trace && ((level, text) => options.trace!(hostName, level, text)));
  if (kind !== 'ssh' && kind !== 'smart' && kind !== 'paramiko') {
    throw new TsrunError('SCHEMA', `${hostName}: ansible_connection '${String(kind)}' is not supported`, { expected: 'ssh or local' });
  }
  return new SshConnection(sshParamsFromVars(hostName, vars, options));
}

/** One connection per host for the whole run, shared by facts, tasks, transfers and handlers. */
export class ConnectionPool {
  private readonly conns = new Map<string, Connection>();

  constructor(private readonly options: SshParamOptions = {}) {}

  /** The host's connection, created on first request (and connected on its first command). */
  get(hostName: string, vars: Record<string, unknown>): Connection {
    let conn = this.conns.get(hostName);
    if (!conn) {
      conn = openConnection(hostName, vars, this.options);
      this.conns.set(hostName, conn);
      if (conn instanceof LocalConnection) this.options.trace?.(hostName, 3, 'local connection: commands run on the controller');
    } else if (conn instanceof SshConnection) {
      // -vvv: one connection per host for the run; each task after the first reuses it
      this.options.trace?.(hostName, 3, `reusing the run's SSH connection to ${conn.describe()}`);
    }
    return conn;
  }

  /** After an interrupt: every open connection stops its commands and removes its temporary files. */
  async interruptAll(): Promise<void> {
    await Promise.allSettled([...this.conns.values()].map((c) => c.interrupt?.()));
  }

  /** Closes every connection; errors while closing are ignored since the run is over. */
  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }
}
