import { TsrunError } from '../core/errors';
import type { Node } from '../expr/ast';
import { type Scope, defined, evalNode, unknownNames, value } from '../expr/evaluate';
import { ExprSyntaxError } from '../expr/lexer';
import { parseJinja } from '../expr/parser';
import { pyStr, Undef } from '../expr/pyvalues';
import { isMapping, truthy } from '../expr/values';
import { TemplateSyntaxError } from './rewrite';
import { type Segment, contentOffset, positionOf, segment } from './segments';

type Pos = { line: number; column: number };

/** A parsed Jinja template: text, output and the statements Ansible users write (if, for, set, raw). */
type Stmt =
  | { k: 'text'; text: string }
  | { k: 'out'; expr: Node; pos: Pos }
  | { k: 'if'; branches: { cond: Node; body: Stmt[] }[]; otherwise: Stmt[]; pos: Pos }
  | { k: 'for'; names: string[]; iter: Node; filter?: Node; body: Stmt[]; otherwise: Stmt[]; pos: Pos }
  | { k: 'set'; names: string[]; expr: Node; pos: Pos };

/** A failure while rendering, with the template position it happened at. */
export class JinjaFault extends Error {
  constructor(readonly inner: TsrunError, readonly pos: Pos) {
    super(inner.message);
  }
}

function expr(source: string, text: string, offset: number): Node {
  try {
    const node = parseJinja(text);
    const bad = unknownNames(node);
    if (bad) throw new ExprSyntaxError(bad.message, bad.pos);
    return node;
  } catch (err) {
    if (err instanceof ExprSyntaxError) throw new TemplateSyntaxError(`syntax error in '${text.trim()}': ${err.message}`, positionOf(source, offset + err.pos));
    throw err;
  }
}

/** Applies whitespace control: `-` on a tag strips the text next to it; a newline after a block tag goes (trim_blocks). */
function trimmed(segs: Segment[]): Segment[] {
  // a copy only of the text segments that change: a large template has hundreds of thousands of segments
  return segs.map((s, i) => {
    if (s.kind !== 'text') return s;
    const prev = segs[i - 1];
    const next = segs[i + 1];
    let body = s.body;
    if (prev?.trimRight) body = body.replace(/^\s+/, '');
    else if (prev && (prev.kind === 'stmt' || prev.kind === 'comment')) body = body.replace(/^\r?\n/, '');
    if (next?.trimLeft) body = body.replace(/\s+$/, '');
    return body === s.body ? s : { ...s, body };
  });
}

class Builder {
  private i = 0;

  constructor(private readonly source: string, private readonly segs: Segment[]) {}

  private fail(seg: Segment, why: string): never {
    throw new TemplateSyntaxError(why, positionOf(this.source, seg.start));
  }

  /** Reads statements until one of `ends` (returned) or the end of the template. */
  block(ends: string[]): { body: Stmt[]; end?: { word: string; rest: string; seg: Segment } } {
    const body: Stmt[] = [];
    while (this.i < this.segs.length) {
      const seg = this.segs[this.i++];
      if (seg.kind === 'text') { if (seg.body) body.push({ k: 'text', text: seg.body }); continue; }
      if (seg.kind === 'comment') continue;
      if (seg.kind === 'expr') { body.push({ k: 'out', expr: expr(this.source, seg.body, seg.bodyStart), pos: positionOf(this.source, contentOffset(seg)) }); continue; }
      const m = /^\s*(\w+)\s*([^]*?)\s*$/.exec(seg.body);
      if (!m) this.fail(seg, `empty statement '${seg.raw}'`);
      const [, word, rest] = m;
      if (ends.includes(word)) return { body, end: { word, rest, seg } };
      body.push(this.statement(word, rest, seg));
    }
    return { body };
  }

  private offsetOf(seg: Segment, rest: string): number {
    return seg.bodyStart + seg.body.indexOf(rest);
  }

  private statement(word: string, rest: string, seg: Segment): Stmt {
    const pos = positionOf(this.source, seg.start);
    switch (word) {
      case 'if': {
        const branches = [{ cond: expr(this.source, rest, this.offsetOf(seg, rest)), body: [] as Stmt[] }];
        let otherwise: Stmt[] = [];
        for (;;) {
          const { body, end } = this.block(['elif', 'else', 'endif']);
          branches[branches.length - 1].body = body;
          if (!end) this.fail(seg, "'{% if %}' is never closed (no '{% endif %}')");
          if (end.word === 'elif') { branches.push({ cond: expr(this.source, end.rest, this.offsetOf(end.seg, end.rest)), body: [] }); continue; }
          if (end.word === 'else') {
            const tail = this.block(['endif']);
            if (!tail.end) this.fail(seg, "'{% if %}' is never closed (no '{% endif %}')");
            otherwise = tail.body;
          }
          return { k: 'if', branches, otherwise, pos };
        }
      }
      case 'for': {
        const m = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s+in\s+([^]+)$/.exec(rest);
        if (!m) this.fail(seg, `expected '{% for NAME in EXPRESSION %}', got '${seg.raw}'`);
        let iter = expr(this.source, m[2], this.offsetOf(seg, m[2]));
        let filter: Node | undefined;
        // `for x in items if cond`: Jinja's loop filter parses as an if-expression without else
        if (iter.k === 'cond' && !iter.else) { filter = iter.test; iter = iter.then; }
        const { body, end } = this.block(['else', 'endfor']);
        if (!end) this.fail(seg, "'{% for %}' is never closed (no '{% endfor %}')");
        let otherwise: Stmt[] = [];
        if (end.word === 'else') {
          const tail = this.block(['endfor']);
          if (!tail.end) this.fail(seg, "'{% for %}' is never closed (no '{% endfor %}')");
          otherwise = tail.body;
        }
        return { k: 'for', names: m[1].split(',').map((s) => s.trim()), iter, filter, body, otherwise, pos };
      }
      case 'set': {
        const m = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=\s*([^]+)$/.exec(rest);
        if (!m) this.fail(seg, `expected '{% set NAME = EXPRESSION %}', got '${seg.raw}'`);
        return { k: 'set', names: m[1].split(',').map((s) => s.trim()), expr: expr(this.source, m[2], this.offsetOf(seg, m[2])), pos };
      }
      default:
        return this.fail(seg, `unknown or misplaced statement '{% ${word} %}'`);
    }
  }
}

/** `{% raw %}...{% endraw %}` becomes text before anything else is parsed. */
function raws(source: string, segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind !== 'stmt' || !/^\s*raw\s*$/.test(s.body)) { out.push(s); continue; }
    const j = segs.findIndex((e, k) => k > i && e.kind === 'stmt' && /^\s*endraw\s*$/.test(e.body));
    if (j < 0) throw new TemplateSyntaxError("'{% raw %}' is never closed (no '{% endraw %}')", positionOf(source, s.start));
    const from = s.start + s.raw.length;
    out.push({ ...s, kind: 'comment' });
    out.push({ kind: 'text', body: source.slice(from, segs[j].start), start: from, bodyStart: from, trimLeft: false, trimRight: false, raw: '' });
    out.push({ ...segs[j], kind: 'comment' });
    i = j;
  }
  return out;
}

/** Parses a Jinja template into statements; errors carry the template position. */
export function parseTemplate(source: string): Stmt[] {
  const segs = trimmed(raws(source, segment(source, true, false)));
  const builder = new Builder(source, segs);
  const { body, end } = builder.block([]);
  if (end) throw new TemplateSyntaxError(`unexpected '{% ${end.word} %}'`, positionOf(source, end.seg.start));
  return body;
}

/** Text of a value printed by `{{ }}`: Python's str, with None as empty text (Ansible's finalize). */
export function printed(v: unknown): string {
  return v === null || v === undefined ? '' : pyStr(v);
}

function child(scope: Scope, locals: Map<string, unknown>): Scope {
  return { get: (name) => (locals.has(name) ? locals.get(name) : scope.get(name)), where: scope.where, vars: scope.vars };
}

function guard<T>(pos: Pos, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof JinjaFault) throw err;
    if (err instanceof TsrunError) throw new JinjaFault(err, pos);
    throw err;
  }
}

function iterable(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMapping(v)) return Object.keys(v);
  if (typeof v === 'string') return [...v];
  throw new TsrunError('SCHEMA', `'{% for %}' needs a list, mapping or string, got ${v === null ? 'None' : typeof v}`);
}

function bind(locals: Map<string, unknown>, names: string[], item: unknown): void {
  if (names.length === 1) { locals.set(names[0], item); return; }
  const parts = Array.isArray(item) ? item : [];
  names.forEach((n, i) => locals.set(n, parts[i]));
}

/** Renders parsed statements to text; `set` outside a loop changes the scope the rest of the template sees. */
export function renderStmts(stmts: Stmt[], scope: Scope, locals: Map<string, unknown> = new Map()): string {
  const out: string[] = [];
  renderInto(out, stmts, scope, locals);
  return out.join('');
}

/**
 * Appends the text of each statement to `out`: one join at the end makes the result flat at once, where `+=` on a
 * large template leaves a tree of a few hundred thousand partial strings per render to flatten and collect.
 */
function renderInto(out: string[], stmts: Stmt[], scope: Scope, locals: Map<string, unknown>): void {
  const here = child(scope, locals);
  for (const s of stmts) {
    switch (s.k) {
      case 'text': out.push(s.text); break;
      case 'out': out.push(guard(s.pos, () => printed(value(here, s.expr)))); break;
      case 'set': guard(s.pos, () => bind(locals, s.names, value(here, s.expr))); break;
      case 'if': {
        const branch = guard(s.pos, () => s.branches.find((b) => truthy(value(here, b.cond))));
        renderInto(out, branch ? branch.body : s.otherwise, scope, locals);
        break;
      }
      case 'for': {
        const all = guard(s.pos, () => iterable(value(here, s.iter)));
        const items = s.filter ? all.filter((item) => guard(s.pos, () => {
          const probe = new Map(locals);
          bind(probe, s.names, item);
          return truthy(value(child(scope, probe), s.filter!));
        })) : all;
        if (items.length === 0) { renderInto(out, s.otherwise, scope, locals); break; }
        items.forEach((item, i) => {
          // loop variables and sets inside the loop stay inside it, as in Jinja
          const inner = new Map(locals);
          bind(inner, s.names, item);
          inner.set('loop', {
            index: i + 1, index0: i, revindex: items.length - i, revindex0: items.length - i - 1,
            first: i === 0, last: i === items.length - 1, length: items.length,
            previtem: i > 0 ? items[i - 1] : undefined, nextitem: items[i + 1],
          });
          renderInto(out, s.body, scope, inner);
        });
        break;
      }
      default: break;
    }
  }
}

/** Evaluates one `{{ }}` expression for text output, failing on an undefined result. */
export function printExpr(scope: Scope, node: Node): string {
  return printed(defined(scope, evalNode(scope, node) as unknown | Undef));
}
