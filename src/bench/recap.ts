/** Per-host counts from a run's recap, the same shape for both tools. */
export interface HostCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

/** The recap of ansible-playbook's default output (`node1 : ok=20 changed=16 unreachable=0 failed=0 ...`). */
export function ansibleRecap(stdout: string): Record<string, HostCounts> {
  const out: Record<string, HostCounts> = {};
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return out;
  const re = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (const m of stdout.slice(at).matchAll(re)) {
    out[m[1]] = { ok: Number(m[2]), changed: Number(m[3]), unreachable: Number(m[4]), failed: Number(m[5]) };
  }
  return out;
}

/** The recap event of `tsrun playbook --json` (one JSON object per line). */
export function tsrunRecap(stdout: string): Record<string, HostCounts> {
  const out: Record<string, HostCounts> = {};
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"recap"')) continue;
    const event = JSON.parse(line) as { type?: string; stats?: Record<string, Partial<HostCounts>> };
    if (event.type !== 'recap' || !event.stats) continue;
    for (const [host, s] of Object.entries(event.stats)) {
      out[host] = { ok: s.ok ?? 0, changed: s.changed ?? 0, unreachable: s.unreachable ?? 0, failed: s.failed ?? 0 };
    }
  }
  return out;
}

/**
 * Why a run did not do the expected work, or undefined when every host is in the recap, none failed or was
 * unreachable, and each changed exactly `changed` things.
 */
export function recapProblem(recap: Record<string, HostCounts>, hosts: string[], changed: number): string | undefined {
  for (const host of hosts) {
    const c = recap[host];
    if (!c) return `${host} is missing from the recap`;
    if (c.failed || c.unreachable) return `${host}: failed=${c.failed} unreachable=${c.unreachable}`;
    if (c.changed !== changed) return `${host}: changed=${c.changed}, expected ${changed}`;
  }
  return undefined;
}
