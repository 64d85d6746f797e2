import { UnreachableError, type Connection } from './types';

/** Opens a connection for a host from its variables. Replaced by the SSH layer. */
export async function openConnection(host: string, _vars: Record<string, unknown>, _settings: unknown): Promise<Connection> {
  throw new UnreachableError(`${host}: SSH connections are not available yet`);
}
