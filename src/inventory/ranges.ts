import { TsrunError, type SourceLocation } from '../core/errors';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A host pattern from an inventory file, split into its hosts and an optional `:port`. */
export interface HostPattern {
  hosts: string[];
  port?: number;
}

/**
 * Expands an inventory host entry as Ansible does: `name:port`, `[v6addr]:port`, and ranges
 * `node[1:3]`, `node[01:10]` (fixed width), `node[a:c]`, `node[1:9:2]`, several ranges multiplying.
 */
export function expandHostPattern(entry: string, loc?: SourceLocation): HostPattern {
  const { name, port } = splitPort(entry);
  return { hosts: expandRanges(name, entry, loc), port };
}

function splitPort(entry: string): { name: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(entry);
  if (v6) return { name: v6[1], port: Number(v6[2]) };
  const m = /^(.*):(\d+)$/.exec(entry);
  // A colon left of the port outside brackets means an IPv6 address, not host:port.
  if (m && !/:/.test(m[1].replace(/\[[^\]]*\]/g, ''))) return { name: m[1], port: Number(m[2]) };
  return { name: entry };
}

function expandRanges(name: string, entry: string, loc?: SourceLocation): string[] {
  const open = name.indexOf('[');
  if (open < 0) {
    if (name.includes(']')) bad(entry, 'a "]" without its "["', loc);
    return [name];
  }
  // Only [..:..] is a range; brackets without a colon around a v6 address or literal stay as they are.
  const close = name.indexOf(']', open);
  if (close < 0) bad(entry, 'a "[" without its "]"', loc);
  const body = name.slice(open + 1, close);
  if (!body.includes(':')) return [name];
  const head = name.slice(0, open);
  const tails = expandRanges(name.slice(close + 1), entry, loc);
  return rangeValues(body, entry, loc).flatMap((v) => tails.map((t) => head + v + t));
}

function rangeValues(body: string, entry: string, loc?: SourceLocation): string[] {
  const parts = body.split(':');
  if (parts.length > 3) bad(entry, `"[${body}]" has too many parts`, loc);
  const [beg = '0', end, stepText] = parts.map((p) => p.trim());
  const start = beg === '' ? '0' : beg;
  if (!end) bad(entry, `"[${body}]" has no end value`, loc);
  const step = stepText === undefined || stepText === '' ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) bad(entry, `step "${stepText}" is not a positive integer`, loc);
  const ia = LETTERS.indexOf(start);
  const ib = LETTERS.indexOf(end);
  if (start.length === 1 && end.length === 1 && ia >= 0 && ib >= 0) {
    if (ia > ib) bad(entry, `"[${body}]" begins after it ends`, loc);
    const out: string[] = [];
    for (let i = ia; i <= ib; i += step) out.push(LETTERS[i]);
    return out;
  }
  if (!/^\d+$/.test(start) || !/^\d+$/.test(end)) bad(entry, `"[${body}]" is neither numeric nor single letters`, loc);
  const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
  if (width && end.length !== width) bad(entry, `"[${body}]" has begin and end of different widths`, loc);
  const [a, b] = [Number(start), Number(end)];
  if (a > b) bad(entry, `"[${body}]" begins after it ends`, loc);
  const out: string[] = [];
  for (let i = a; i <= b; i += step) out.push(String(i).padStart(width, '0'));
  return out;
}

function bad(entry: string, why: string, loc?: SourceLocation): never {
  throw new TsrunError('PARSE', `bad host range in "${entry}": ${why}`, {
    location: loc,
    expected: 'name[begin:end] or name[begin:end:step], numeric (01:10 keeps the width) or letters (a:f)',
  });
}
