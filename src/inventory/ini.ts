// Ansible's INI inventory is not INI: host lines carry shell-quoted k=v words, ranges and ports,
// and sections have :children/:vars suffixes. The `ini` npm package cannot read host lines, so this is a
// small line parser following ansible's plugins/inventory/ini.py.
import { didYouMean } from '../modules/args';
import { TsrunError, type SourceLocation } from '../core/errors';
import type { InventoryBuilder } from './builder';
import { expandHostPattern } from './ranges';
import { parseIniValue, QuoteError, splitWords } from './tokenize';

type State = 'hosts' | 'children' | 'vars';

interface Pending {
  state: 'children' | 'vars';
  loc: SourceLocation;
  parents: string[];
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^[\]:=\s]+)\s*(?:[#;].*)?$/;

/** Parses an Ansible INI inventory into the builder; errors name file:line:col. */
export function parseIni(text: string, file: string, b: InventoryBuilder): void {
  let group = 'ungrouped';
  let state: State = 'hosts';
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const at = (col = 1): SourceLocation => ({ file, line: i + 1, col: raw.length - raw.trimStart().length + col });
    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        throw new TsrunError('PARSE', `section [${group}:${kind}] has unknown type "${kind}"`, {
          location: at(group.length + 3),
          expected: '[group], [group:children] or [group:vars]',
        });
      }
      state = kind;
      if (!b.groups.has(group) && state === 'vars' && !pending.has(group)) pending.set(group, { state, loc: at(), parents: [] });
      b.group(group);
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') waiting.parents.forEach((p) => b.addChild(p, group, waiting.loc));
        pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && /\]\s*(?:[#;].*)?$/.test(line)) {
      throw new TsrunError('PARSE', `invalid section header ${line}`, {
        location: at(),
        expected: '[group], [group:children] or [group:vars] with no spaces inside the brackets',
      });
    }
    if (state === 'hosts') hostLine(raw, at, group, file, b);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new TsrunError('PARSE', `expected key=value in [${group}:vars], got "${line}"`, { location: at(), expected: 'name=value' });
      b.group(group).vars[line.slice(0, eq).trim()] = parseIniValue(line.slice(eq + 1).trim());
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw new TsrunError('PARSE', `expected a group name in [${group}:children], got "${line}"`, { location: at(), expected: 'one group name per line' });
      const child = m[1];
      if (b.groups.has(child)) b.addChild(group, child, at());
      else {
        const p = pending.get(child) ?? { state: 'children', loc: at(), parents: [] };
        p.parents.push(group);
        pending.set(child, p);
      }
    }
  }
  const [name, first] = [...pending][0] ?? [];
  if (!name || !first) return;
  if (first.state === 'vars') {
    throw new TsrunError('SCHEMA', `[${name}:vars] is for group "${name}", which is never defined`, {
      location: first.loc,
      expected: `a [${name}] or [${name}:children] section declaring the group`,
    });
  }
  throw new TsrunError('SCHEMA', `[${first.parents[0]}:children] includes undefined group "${name}"${didYouMean(name, b.groups.keys())}`, {
    location: first.loc,
    expected: `a [${name}] or [${name}:children] section declaring the group`,
  });
}

function hostLine(raw: string, at: (col?: number) => SourceLocation, group: string, file: string, b: InventoryBuilder): void {
  let words;
  try {
    words = splitWords(raw.trim());
  } catch (e) {
    if (!(e instanceof QuoteError)) throw e;
    throw new TsrunError('PARSE', `unterminated quote in host line`, { location: at(e.col), expected: 'a closing quote' });
  }
  if (words.length === 0) return;
  const [first, ...rest] = words;
  const vars: Record<string, unknown> = {};
  for (const w of rest) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) {
      throw new TsrunError('PARSE', `expected key=value host variable, got "${w.text}"`, {
        location: at(w.col),
        expected: 'host [name=value ...], with quotes around values containing spaces',
      });
    }
    vars[w.text.slice(0, eq)] = parseIniValue(w.text.slice(eq + 1));
  }
  const { hosts, port } = expandHostPattern(first.text, at(first.col));
  for (const name of hosts) {
    const h = b.addHost(name, group, file);
    if (port !== undefined) h.vars.ansible_port = port;
    Object.assign(h.vars, vars);
  }
}
