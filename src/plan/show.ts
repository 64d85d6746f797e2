import type { SavedPlan } from './types';

const MARK: Record<string, string> = { changed: '~', unknown: '?', failed: '!', unreachable: '!', ok: '=', skipped: '-' };

/** A saved plan, readable: per host, what would change (with diffs), what is unknown, and the rest in one line. */
export function showPlan(plan: SavedPlan, file: string, all = false): string {
  const out = [
    `PLAN ${file}`,
    `  made ${plan.created} from ${plan.playbooks.join(', ')} with inventory ${plan.inventory.join(', ')}`,
    `  fingerprint ${plan.fingerprint.digest.slice(0, 16)} (${Object.keys(plan.fingerprint.files).length} files${plan.fingerprint.limit ? `, --limit ${plan.fingerprint.limit}` : ''})`,
  ];
  for (const [host, tasks] of Object.entries(plan.hosts)) {
    const n = (s: string) => tasks.filter((t) => t.status === s).length;
    out.push('', `HOST ${host}: ${n('changed')} to change, ${n('unknown')} unknown, ${n('ok')} ok, ${n('skipped')} skipped`);
    for (const t of tasks) {
      if (!all && (t.status === 'ok' || t.status === 'skipped')) continue;
      out.push(`  ${MARK[t.status] ?? ' '} ${t.task}${t.msg ? ` (${t.msg})` : ''}`);
      if (t.diff) out.push(...t.diff.split('\n').map((l) => `      ${l}`));
    }
  }
  out.push('', 'Legend: ~ would change, ? unknown (decided only by the real run), ! failed; `--all` lists ok and skipped tasks too.');
  return `${out.join('\n')}\n`;
}
