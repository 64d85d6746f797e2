import type { Timeline } from './recorder';

const COLOURS: Record<string, string> = {
  ok: '#3a9d5d', changed: '#d9a21b', failed: '#d0453b', unreachable: '#8e44ad', skipped: '#9aa5b1', unknown: '#3b7dd8', ignored: '#e08a3c',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One self-contained HTML page (no scripts or resources from the network): a row per host, a bar per task. */
export function renderTimeline(t: Timeline): string {
  const total = Math.max(1, t.totalMs, ...t.bars.map((b) => b.startMs + b.durationMs));
  const pct = (ms: number) => ((ms / total) * 100).toFixed(3);
  const rows = t.hosts.map((host) => {
    const bars = t.bars.filter((b) => b.host === host).map((b) => {
      const tip = `${b.task} | ${b.status} | ${secs(b.durationMs)}${b.msg ? ` | ${b.msg.slice(0, 200)}` : ''}`;
      return `<div class="bar" data-task="${esc(b.task)}" data-status="${b.status}" title="${esc(tip)}" style="left:${pct(b.startMs)}%;width:max(3px,${pct(b.durationMs)}%);background:${COLOURS[b.status] ?? '#555'}"><span class="tip">${esc(tip)}</span></div>`;
    }).join('');
    return `<div class="row" data-host="${esc(host)}"><div class="host">${esc(host)}</div><div class="lane">${bars}</div></div>`;
  }).join('\n');
  const legend = Object.entries(COLOURS).map(([k, c]) => `<span><i style="background:${c}"></i>${k}</span>`).join('');
  const slowTasks = t.slowestTasks.map((s) => `<li>${esc(s.task)} on ${esc(s.host)}: ${secs(s.durationMs)}</li>`).join('');
  const slowHosts = t.slowestHosts.map((s) => `<li>${esc(s.host)}: ${secs(s.durationMs)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tsrun timeline</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}
.row{display:flex;align-items:center;height:28px;border-bottom:1px solid #eee}
.host{width:160px;font-weight:600;overflow:hidden;text-overflow:ellipsis}
.lane{position:relative;flex:1;height:20px;background:#f6f7f9}
.bar{position:absolute;top:2px;height:16px;border-radius:3px;cursor:default}
.bar .tip{display:none;position:absolute;top:20px;left:0;z-index:2;background:#222;color:#fff;padding:4px 8px;border-radius:4px;white-space:nowrap;font-size:12px}
.bar:hover .tip{display:block}
.legend span{margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border-radius:2px}
.lists{display:flex;gap:48px;margin-top:24px}
</style></head><body>
<h1>tsrun run timeline: ${t.hosts.length} hosts, ${new Set(t.bars.map((b) => b.task)).size} tasks, ${secs(t.totalMs)}</h1>
<p class="legend">${legend}</p>
<div id="timeline">
${rows}
</div>
<div class="lists"><div><h2>Slowest tasks</h2><ol id="slowest-tasks">${slowTasks}</ol></div><div><h2>Slowest hosts</h2><ol id="slowest-hosts">${slowHosts}</ol></div></div>
</body></html>
`;
}
