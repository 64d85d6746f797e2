/** The tree of a Jinja expression. `pos` is the offset of the node's first character in the expression text. */
export type Node =
  | { k: 'lit'; value: unknown; pos: number }
  | { k: 'name'; name: string; pos: number }
  | { k: 'list'; items: Node[]; pos: number }
  | { k: 'dict'; entries: [Node, Node][]; pos: number }
  | { k: 'attr'; obj: Node; name: string; pos: number }
  | { k: 'index'; obj: Node; key: Node; pos: number }
  | { k: 'slice'; obj: Node; start?: Node; stop?: Node; step?: Node; pos: number }
  | { k: 'call'; fn: Node; args: Node[]; kwargs: [string, Node][]; pos: number }
  | { k: 'filter'; input: Node; name: string; args: Node[]; kwargs: [string, Node][]; pos: number }
  | { k: 'test'; input: Node; name: string; args: Node[]; kwargs: [string, Node][]; negate: boolean; pos: number }
  | { k: 'unary'; op: 'not' | '-' | '+'; arg: Node; pos: number }
  | { k: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { k: 'compare'; first: Node; rest: [string, Node][]; pos: number }
  | { k: 'cond'; test: Node; then: Node; else?: Node; pos: number };

/** Calls every node of a tree, parents first. */
export function walkNodes(node: Node, visit: (n: Node) => void): void {
  visit(node);
  const children: (Node | undefined)[] = [];
  switch (node.k) {
    case 'list': children.push(...node.items); break;
    case 'dict': for (const [a, b] of node.entries) children.push(a, b); break;
    case 'attr': children.push(node.obj); break;
    case 'index': children.push(node.obj, node.key); break;
    case 'slice': children.push(node.obj, node.start, node.stop, node.step); break;
    case 'call': children.push(node.fn, ...node.args, ...node.kwargs.map(([, v]) => v)); break;
    case 'filter': children.push(node.input, ...node.args, ...node.kwargs.map(([, v]) => v)); break;
    case 'test': children.push(node.input, ...node.args, ...node.kwargs.map(([, v]) => v)); break;
    case 'unary': children.push(node.arg); break;
    case 'binary': children.push(node.left, node.right); break;
    case 'compare': children.push(node.first, ...node.rest.map(([, v]) => v)); break;
    case 'cond': children.push(node.test, node.then, node.else); break;
    default: break;
  }
  for (const c of children) if (c) walkNodes(c, visit);
}
