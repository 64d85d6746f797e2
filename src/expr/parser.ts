import type { Node } from './ast';
import { ExprSyntaxError, type Token, tokenize } from './lexer';

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>=']);
const LITERALS: Record<string, unknown> = { true: true, false: false, none: null, True: true, False: false, None: null };

/**
 * Jinja's expression grammar, one method per precedence level, lowest first:
 * `x if c else y` < or < and < not < comparisons and `in` < + - < ~ < * / // % < ** < unary - +
 * < filters (`|`), tests (`is`) and postfix access (`.a`, `[k]`, `(args)`).
 */
class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private is(text: string, kind: Token['kind'] = 'op'): boolean {
    const t = this.peek();
    return t.kind === kind && t.text === text;
  }

  private accept(text: string, kind: Token['kind'] = 'op'): boolean {
    if (!this.is(text, kind)) return false;
    this.i++;
    return true;
  }

  private expect(text: string): Token {
    const t = this.peek();
    if (t.kind !== 'op' || t.text !== text) throw new ExprSyntaxError(`expected '${text}', got ${describe(t)}`, t.pos);
    return this.next();
  }

  /** The whole input as one expression. */
  parseAll(): Node {
    const node = this.expression();
    const t = this.peek();
    if (t.kind !== 'end') throw new ExprSyntaxError(`expected the end of the expression, got ${describe(t)}`, t.pos);
    return node;
  }

  /** Where the parser is, for statement parsing that reads on after an expression. */
  get token(): Token {
    return this.peek();
  }

  expression(withCond = true): Node {
    const node = this.or();
    if (withCond && this.accept('if', 'name')) {
      const test = this.or();
      const other = this.accept('else', 'name') ? this.expression() : undefined;
      return { k: 'cond', test, then: node, else: other, pos: node.pos };
    }
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.is('or', 'name')) {
      this.next();
      left = { k: 'binary', op: 'or', left, right: this.and(), pos: left.pos };
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.is('and', 'name')) {
      this.next();
      left = { k: 'binary', op: 'and', left, right: this.not(), pos: left.pos };
    }
    return left;
  }

  private not(): Node {
    const t = this.peek();
    if (t.kind === 'name' && t.text === 'not') {
      this.next();
      return { k: 'unary', op: 'not', arg: this.not(), pos: t.pos };
    }
    return this.compare();
  }

  private compare(): Node {
    const first = this.sum();
    const rest: [string, Node][] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && COMPARE.has(t.text)) { this.next(); rest.push([t.text, this.sum()]); }
      else if (t.kind === 'name' && t.text === 'in') { this.next(); rest.push(['in', this.sum()]); }
      else if (t.kind === 'name' && t.text === 'not' && this.peek(1).kind === 'name' && this.peek(1).text === 'in') {
        this.i += 2;
        rest.push(['not in', this.sum()]);
      } else break;
    }
    return rest.length ? { k: 'compare', first, rest, pos: first.pos } : first;
  }

  private binaryLevel(ops: string[], operand: () => Node): Node {
    let left = operand();
    while (this.peek().kind === 'op' && ops.includes(this.peek().text)) {
      const op = this.next().text;
      left = { k: 'binary', op, left, right: operand(), pos: left.pos };
    }
    return left;
  }

  private sum(): Node {
    return this.binaryLevel(['+', '-'], () => this.concat());
  }

  private concat(): Node {
    return this.binaryLevel(['~'], () => this.product());
  }

  private product(): Node {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.power());
  }

  private power(): Node {
    return this.binaryLevel(['**'], () => this.unary());
  }

  /** As Jinja: `-3 | abs` is `(-3) | abs`, the sign binding tighter than the filters after it. */
  private unary(withFilters = true): Node {
    const t = this.peek();
    let node: Node;
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      node = { k: 'unary', op: t.text, arg: this.unary(false), pos: t.pos };
    } else node = this.postfix(this.primary());
    return withFilters ? this.filters(node) : node;
  }

  private filters(input: Node): Node {
    let node = input;
    for (;;) {
      if (this.is('|')) {
        this.next();
        const name = this.dottedName();
        const { args, kwargs } = this.is('(') ? this.callArgs() : { args: [], kwargs: [] };
        node = { k: 'filter', input: node, name: name.text, args, kwargs, pos: name.pos };
      } else if (this.is('is', 'name')) {
        this.next();
        const negate = this.accept('not', 'name');
        const name = this.testName();
        let args: Node[] = [];
        let kwargs: [string, Node][] = [];
        if (this.is('(')) ({ args, kwargs } = this.callArgs());
        else if (startsOperand(this.peek())) args = [this.postfix(this.primary())];
        node = { k: 'test', input: node, name: name.text, args, kwargs, negate, pos: name.pos };
      } else return node;
    }
  }

  /** `ansible.builtin.to_json` names the same filter as `to_json`. */
  private dottedName(): Token {
    const first = this.next();
    if (first.kind !== 'name') throw new ExprSyntaxError(`expected a filter name, got ${describe(first)}`, first.pos);
    let last = first;
    while (this.is('.') && this.peek(1).kind === 'name') {
      this.next();
      last = this.next();
    }
    return { ...last, pos: first.pos };
  }

  private testName(): Token {
    const t = this.peek();
    // `is none`, `is true`, `is ==`: names that are also literals or operators
    if (t.kind === 'op' && COMPARE.has(t.text)) return this.next();
    if (t.kind === 'name' && (t.text === 'in' || Object.hasOwn(LITERALS, t.text))) return { ...this.next(), text: t.text.toLowerCase() };
    return this.dottedName();
  }

  private callArgs(): { args: Node[]; kwargs: [string, Node][] } {
    this.expect('(');
    const args: Node[] = [];
    const kwargs: [string, Node][] = [];
    while (!this.is(')')) {
      const t = this.peek();
      if (t.kind === 'name' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
        this.i += 2;
        kwargs.push([t.text, this.expression()]);
      } else {
        if (kwargs.length) throw new ExprSyntaxError('a positional argument cannot follow a keyword argument', t.pos);
        args.push(this.expression());
      }
      if (!this.accept(',')) break;
    }
    this.expect(')');
    return { args, kwargs };
  }

  private postfix(start: Node): Node {
    let node = start;
    for (;;) {
      if (this.is('.')) {
        this.next();
        const t = this.next();
        if (t.kind === 'name') node = { k: 'attr', obj: node, name: t.text, pos: node.pos };
        else if (t.kind === 'number' && Number.isInteger(t.value)) node = { k: 'index', obj: node, key: { k: 'lit', value: t.value, pos: t.pos }, pos: node.pos };
        else throw new ExprSyntaxError(`expected an attribute name after '.', got ${describe(t)}`, t.pos);
      } else if (this.is('[')) {
        node = this.subscript(node);
      } else if (this.is('(')) {
        const { args, kwargs } = this.callArgs();
        node = { k: 'call', fn: node, args, kwargs, pos: node.pos };
      } else return node;
    }
  }

  private subscript(obj: Node): Node {
    this.expect('[');
    const part = (): Node | undefined => (this.is(':') || this.is(']') ? undefined : this.expression());
    const start = part();
    if (!this.accept(':')) {
      if (!start) throw new ExprSyntaxError('expected an index', this.peek().pos);
      this.expect(']');
      return { k: 'index', obj, key: start, pos: obj.pos };
    }
    const stop = part();
    const step = this.accept(':') ? part() : undefined;
    this.expect(']');
    return { k: 'slice', obj, start, stop, step, pos: obj.pos };
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'number': return { k: 'lit', value: t.value, pos: t.pos };
      case 'string': {
        let value = t.value as string;
        // adjacent strings join, as in Python
        while (this.peek().kind === 'string') value += this.next().value as string;
        return { k: 'lit', value, pos: t.pos };
      }
      case 'name':
        if (Object.hasOwn(LITERALS, t.text)) return { k: 'lit', value: LITERALS[t.text], pos: t.pos };
        return { k: 'name', name: t.text, pos: t.pos };
      case 'op':
        if (t.text === '(') {
          if (this.accept(')')) return { k: 'list', items: [], pos: t.pos };
          const first = this.expression();
          if (this.is(',')) {
            const items = [first];
            while (this.accept(',') && !this.is(')')) items.push(this.expression());
            this.expect(')');
            return { k: 'list', items, pos: t.pos };
          }
          this.expect(')');
          return first;
        }
        if (t.text === '[') {
          const items: Node[] = [];
          while (!this.is(']')) {
            items.push(this.expression());
            if (!this.accept(',')) break;
          }
          this.expect(']');
          return { k: 'list', items, pos: t.pos };
        }
        if (t.text === '{') {
          const entries: [Node, Node][] = [];
          while (!this.is('}')) {
            const key = this.expression();
            this.expect(':');
            entries.push([key, this.expression()]);
            if (!this.accept(',')) break;
          }
          this.expect('}');
          return { k: 'dict', entries, pos: t.pos };
        }
        break;
      default: break;
    }
    throw new ExprSyntaxError(t.kind === 'end' ? 'unexpected end of the expression' : `unexpected ${describe(t)}`, t.pos);
  }
}

function startsOperand(t: Token): boolean {
  if (t.kind === 'number' || t.kind === 'string') return true;
  if (t.kind === 'op') return t.text === '[' || t.text === '{';
  return t.kind === 'name' && !['and', 'or', 'if', 'else', 'is', 'in', 'not'].includes(t.text);
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the expression';
  return `'${t.text}'`;
}

/** Parses one Jinja expression; throws ExprSyntaxError with the offset of the problem. */
export function parseJinja(text: string): Node {
  return new Parser(tokenize(text)).parseAll();
}

/** A parser over an expression text, for statements that read names and keywords around expressions. */
export function parserOf(text: string): Parser {
  return new Parser(tokenize(text));
}

export type { Parser };
