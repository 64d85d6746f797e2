import jsep from 'jsep';
import { TsrunError } from '../core/errors';
import type { RenderWhere } from '../template/render';

/** jsep node, as our evaluator reads it. */
export type ExprNode = jsep.Expression;

// Python/Jinja operators with Python's precedence: or < and < not < comparisons < arithmetic < filters (`|`).
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
for (const op of ['in', 'not in', 'is']) jsep.addBinaryOp(op, 7);
jsep.removeBinaryOp('|');
jsep.addBinaryOp('|', 12);
jsep.addUnaryOp('not');
jsep.addBinaryOp('~', 9); // Jinja's string concatenation
for (const [name, value] of [['True', true], ['False', false], ['None', null], ['none', null]] as const) jsep.addLiteral(name, value);

const PRECEDENCE_OF_NOT = 3;

function binaryPrecedence(op: string): number {
  return jsep.binary_ops[op] ?? 0;
}

/**
 * jsep binds unary operators tighter than any binary one, but Python's `not a == b` means `not (a == b)`:
 * move a leading `not` above binary operators that bind tighter than `not` does. String literals get Python escapes.
 */
function fixNot(node: ExprNode): ExprNode {
  for (const key of Object.keys(node)) {
    const child = node[key];
    if (Array.isArray(child)) node[key] = child.map((c) => (isNode(c) ? fixNot(c) : c));
    else if (isNode(child)) node[key] = fixNot(child);
  }
  if (node.type === 'Literal' && typeof node.value === 'string') node.value = pythonString(String(node.raw));
  if (node.type === 'BinaryExpression' && binaryPrecedence(node.operator as string) > PRECEDENCE_OF_NOT) {
    const left = node.left as ExprNode;
    if (left.type === 'UnaryExpression' && left.operator === 'not') {
      return { type: 'UnaryExpression', operator: 'not', prefix: true, argument: fixNot({ ...node, left: left.argument as ExprNode }) };
    }
  }
  return node;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

/** Python keeps unknown escapes (`'\d+'` stays a regex), where jsep would drop the backslash. */
function pythonString(raw: string): string {
  return raw.slice(1, -1).replace(/\\(.)/gs, (m, c: string) => ESCAPES[c] ?? m);
}

function isNode(value: unknown): value is ExprNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Ansible accepts `when: "{{ x }}"` (with a warning): strip the braces, keeping columns right. */
function stripBraces(expr: string): { text: string; offset: number } {
  const m = /^(\s*\{\{-?)([^]*?)(-?\}\}\s*)$/.exec(expr);
  if (!m || m[2].includes('{{') || m[2].includes('}}')) return { text: expr, offset: 0 };
  return { text: m[2], offset: m[1].length };
}

/** `not   in` becomes the single operator `not in`, padded to keep every column in place; strings untouched. */
function normaliseNotIn(text: string): string {
  return text.replace(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|\bnot\s+in\b/g, (m, str?: string) =>
    str !== undefined ? m : 'not in'.padEnd(m.length, ' '),
  );
}

/** Finds where a second, unjoined expression starts (`a b`): after the shortest prefix that is the first one. */
function compoundColumn(text: string, first: ExprNode): number {
  const wanted = JSON.stringify(first);
  for (let i = 1; i <= text.length; i++) {
    try {
      if (JSON.stringify(jsep(text.slice(0, i))) === wanted) return i + (/^\s*/.exec(text.slice(i))?.[0].length ?? 0);
    } catch {
      // a prefix may well be invalid on its own
    }
  }
  return 0;
}

function syntaxError(expr: string, index: number, why: string, where: RenderWhere): TsrunError {
  const loc = where.location;
  const location = loc ? { ...loc, col: loc.col + index } : undefined;
  const what = where.what ? `${where.what}: ` : '';
  return new TsrunError('PARSE', `${what}syntax error in expression '${expr}' at column ${index + 1}: ${why}`, {
    location, task: where.task, expected: "an expression such as `result.rc != 0 and 'ok' in result.stdout`",
  });
}

/** Parses a `when`-style expression into a jsep tree with Python operator semantics. */
export function parseExpression(expr: string, where: RenderWhere = {}): ExprNode {
  const { text, offset } = stripBraces(expr);
  let ast: ExprNode;
  try {
    ast = jsep(normaliseNotIn(text));
  } catch (err) {
    const e = err as Error & { index?: number; description?: string };
    throw syntaxError(expr, offset + (e.index ?? 0), (e.description ?? e.message).replace(/ at character \d+$/, ''), where);
  }
  if (ast.type === 'Compound') {
    const body = ast.body as ExprNode[];
    if (body.length === 0) throw syntaxError(expr, 0, 'empty expression', where);
    throw syntaxError(expr, offset + compoundColumn(normaliseNotIn(text), body[0]), 'expected an operator (and, or, ==, in...) between two values', where);
  }
  return fixNot(ast);
}
