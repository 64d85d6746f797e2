import type { Row } from './types';

/** One line of the chart: a name, a colour, dashed or not, and (host count, seconds) points. */
interface Series {
  name: string;
  color: string;
  dashed: boolean;
  points: [number, number][];
}

const W = 640;
const H = 400;
const PAD = { left: 60, right: 170, top: 30, bottom: 45 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function series(rows: Row[]): Series[] {
  const pick = (c: Row['case'], key: 'tsrun' | 'ansible' | 'mitogen' | 'floor'): [number, number][] =>
    rows.filter((r) => r.case === c && r[key] !== undefined).map((r) => [r.hosts, r[key]!]);
  return [
    { name: 'Ansible, re-run', color: '#d62728', dashed: false, points: pick('rerun', 'ansible') },
    { name: 'Ansible, first run', color: '#d62728', dashed: true, points: pick('first', 'ansible') },
    { name: 'Mitogen, re-run', color: '#ff7f0e', dashed: false, points: pick('rerun', 'mitogen') },
    { name: 'Mitogen, first run', color: '#ff7f0e', dashed: true, points: pick('first', 'mitogen') },
    { name: 'tsrun, re-run', color: '#1f77b4', dashed: false, points: pick('rerun', 'tsrun') },
    { name: 'tsrun, first run', color: '#1f77b4', dashed: true, points: pick('first', 'tsrun') },
    { name: 'raw floor (ssh + sh)', color: '#2ca02c', dashed: false, points: pick('rerun', 'floor') },
  ].filter((s) => s.points.length > 0);
}

/**
 * The chart of the results as a standalone SVG: seconds (log scale) against host count, one line per tool and
 * case, drawn by hand so the repository needs no plotting library.
 */
export function chartSvg(rows: Row[], title: string): string {
  const all = series(rows);
  const xs = [...new Set(rows.map((r) => r.hosts))].sort((a, b) => a - b);
  const ys = all.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const lo = Math.floor(Math.log10(Math.min(...ys, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...ys, 1)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const xMax = Math.max(...xs, 1);
  const x = (v: number) => PAD.left + (v / xMax) * plotW;
  const y = (v: number) => PAD.top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(hi - lo, 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${PAD.left}" y="18" font-size="14">${esc(title)}</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const label = 10 ** e >= 1 ? String(10 ** e) : (10 ** e).toFixed(-e);
    out.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(10 ** e)}" y2="${y(10 ** e)}" stroke="#ddd"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${y(10 ** e) + 4}" text-anchor="end">${label} s</text>`);
  }
  for (const v of xs) {
    out.push(`<line x1="${x(v)}" x2="${x(v)}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${x(v)}" y="${PAD.top + plotH + 16}" text-anchor="middle">${v}</text>`);
  }
  out.push(`<text x="${PAD.left + plotW / 2}" y="${H - 8}" text-anchor="middle">hosts</text>`);
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`);
  all.forEach((s, i) => {
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const pts = s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const [px, py] of s.points) out.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = PAD.top + 10 + i * 20;
    out.push(`<line x1="${W - PAD.right + 12}" x2="${W - PAD.right + 40}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${W - PAD.right + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}
