import { LocalConnection } from '../connection/local';
import type { Connection } from '../connection/types';
import type { RunOptions } from './options';

/** One connection per host for the whole run, opened on first use. */
export class Connections {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(private readonly settings: RunOptions['connection']) {}

  /** The host's connection, opened with its variables on first use. */
  get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    let conn = this.open.get(host);
    if (!conn) {
      conn = this.connect(host, vars);
      this.open.set(host, conn);
      // a failed open is not cached: the next task may try again
      conn.catch(() => this.open.delete(host));
    }
    return conn;
  }

  private async connect(host: string, vars: Record<string, unknown>): Promise<Connection> {
    if (vars.ansible_connection === 'local' || (vars.ansible_connection === undefined && host === 'localhost')) {
      return new LocalConnection(host);
    }
    const { openConnection } = await import('../connection/factory');
    return openConnection(host, vars, this.settings);
  }

  /** Closes every connection of the run. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}
