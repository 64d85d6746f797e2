import type { Connection } from '../connection/types';
import { parseFacts } from './parse';
import { FACTS_SCRIPT, SECTION } from './script';

/** Gathers Ansible-named facts about a host in one round trip of a POSIX sh script (no Python on the host). */
export async function gatherFacts(conn: Connection): Promise<Record<string, unknown>> {
  const r = await conn.exec(FACTS_SCRIPT, { timeoutMs: 60_000 });
  if (!r.stdout.includes(`${SECTION}end`)) {
    throw new Error(`could not gather facts on ${conn.host}: ${r.stderr.trim() || `exit code ${r.rc}`}`);
  }
  return parseFacts(r.stdout);
}
