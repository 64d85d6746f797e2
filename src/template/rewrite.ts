import { TsrunError } from '../core/errors';
import { BLOCKED_NAMES } from '../expr/values';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/** Internal helper names the rewritten templates call. */
export const GET = '__get';
export const TRY = '__try';
export const OUT = '__out';
export const CAPTURE = '__capture';

/** A template construct tsrun refuses, with its position in the template (line 1-based, column 0-based). */
export class TemplateSyntaxError extends TsrunError {
  constructor(message: string, readonly pos: { line: number; column: number }) {
    super('PARSE', message);
  }
}

function helperPath(name: string, loc: hbs.AST.SourceLocation): hbs.AST.PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc };
}

function str(value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc };
}

function emptyHash(loc: hbs.AST.SourceLocation): hbs.AST.Hash {
  return { type: 'Hash', pairs: [], loc };
}

function sexpr(name: string, params: Expr[], loc: hbs.AST.SourceLocation): hbs.AST.SubExpression {
  return { type: 'SubExpression', path: helperPath(name, loc), params, hash: emptyHash(loc), loc };
}

/**
 * Replaces a variable path `a.b.[0]` by `(__get a "a" "b" "0")`: Handlebars still resolves the head (block params,
 * `../`, `@root`, outer contexts), and our helper walks the rest strictly, so a missing name is an error naming it.
 */
function lookup(path: hbs.AST.PathExpression, lenient: boolean): Expr {
  const blocked = path.parts.find((p) => BLOCKED_NAMES.has(p));
  if (blocked !== undefined) throw new TemplateSyntaxError(`access to '${blocked}' is not allowed`, path.loc.start);
  if (path.parts.length === 0) return path;
  const [first, ...rest] = path.parts;
  const scoped = /^\.|^this\b/.test(path.original);
  const prefix = path.data ? '@' : '../'.repeat(path.depth) + (scoped ? 'this.' : '');
  const head: hbs.AST.PathExpression = { ...path, parts: [first], original: prefix + first };
  const params = [head, str(prefix + first, path.loc), ...rest.map((p) => str(p, path.loc))];
  return sexpr(lenient ? TRY : GET, params, path.loc);
}

function value(expr: Expr, lenient: boolean, lenientHelpers: ReadonlySet<string>): Expr {
  if (expr.type === 'PathExpression') return lookup(expr as hbs.AST.PathExpression, lenient);
  if (expr.type === 'SubExpression') rewriteCall(expr as hbs.AST.SubExpression, lenientHelpers);
  return expr;
}

function rewriteCall(node: Call, lenientHelpers: ReadonlySet<string>): void {
  const name = node.path.type === 'PathExpression' ? (node.path as hbs.AST.PathExpression).original : '';
  if (BLOCKED_NAMES.has(name)) throw new TemplateSyntaxError(`access to '${name}' is not allowed`, node.loc.start);
  const lenient = lenientHelpers.has(name);
  node.params = node.params.map((p) => value(p, lenient, lenientHelpers));
  for (const pair of node.hash?.pairs ?? []) pair.value = value(pair.value, lenient, lenientHelpers);
}

function rewriteMustache(node: hbs.AST.MustacheStatement, lenientHelpers: ReadonlySet<string>): void {
  let expr: Expr;
  if (node.path.type !== 'PathExpression') {
    expr = node.path;
  } else if (node.params.length === 0 && (node.hash?.pairs.length ?? 0) === 0) {
    // `{{name}}` is always a variable, even when a helper has that name (`{{length}}`, `{{first}}`).
    expr = lookup(node.path as hbs.AST.PathExpression, false);
  } else {
    rewriteCall(node, lenientHelpers);
    expr = { type: 'SubExpression', path: node.path, params: node.params, hash: node.hash ?? emptyHash(node.loc), loc: node.loc } as hbs.AST.SubExpression;
  }
  node.path = helperPath(OUT, node.loc);
  node.params = [expr];
  node.hash = emptyHash(node.loc);
}

/** Rewrites a parsed template in place for strict lookups and JSON-like output of lists and mappings. */
export function rewriteProgram(program: hbs.AST.Program, lenientHelpers: ReadonlySet<string>): void {
  for (const node of program.body as Node[]) {
    switch (node.type) {
      case 'MustacheStatement':
        rewriteMustache(node as hbs.AST.MustacheStatement, lenientHelpers);
        break;
      case 'BlockStatement': {
        const block = node as hbs.AST.BlockStatement;
        if (block.params.length > 0 || (block.hash?.pairs.length ?? 0) > 0) rewriteCall(block, lenientHelpers);
        else lookup(block.path, false); // only checks for blocked names; `{{#list}}` sections stay Handlebars'
        if (block.program) rewriteProgram(block.program, lenientHelpers);
        if (block.inverse) rewriteProgram(block.inverse, lenientHelpers);
        break;
      }
      case 'ContentStatement':
      case 'CommentStatement':
        break;
      default:
        throw new TemplateSyntaxError(`${node.type.replace(/Statement|Block/g, '').toLowerCase()}s are not supported in tsrun templates`, node.loc.start);
    }
  }
}

/** Turns the single statement of a whole-expression template into a capture of its value. */
export function captureWhole(program: hbs.AST.Program): boolean {
  const [only] = program.body;
  if (program.body.length !== 1 || only.type !== 'MustacheStatement') return false;
  const node = only as hbs.AST.MustacheStatement;
  node.path = helperPath(CAPTURE, node.loc);
  return true;
}
