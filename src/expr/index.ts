/** Ansible's expression language (Jinja2 expressions): one parser and one evaluator for values and conditions. */
export { evaluate, isTrue, parseCached, parseExpression, scopeOf, unknownNames, type Scope } from './evaluate';
export { isFilter } from './filters';
export { parseJinja } from './parser';
