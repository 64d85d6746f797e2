/**
 * One line of documentation per name of the expression language that is not a shared helper (those are
 * documented with their examples in src/template/filters/). docs/templates.md is generated from both; a unit test
 * checks that every filter, test, function and lookup is listed here or there.
 */
export const FILTER_DOCS: Record<string, string> = {
  map: "`map('filter', args...)` applies a filter to each item; `map(attribute='a.b', default=x)` takes an attribute; `map('extract', container)` looks each item up in container.",
  select: "`select('test', args...)`: the items that pass the test (`select()` alone: the truthy items).",
  reject: "`reject('test', args...)`: the items that fail the test.",
  selectattr: "`selectattr('attr')`, `selectattr('attr', 'test', args...)`: the items whose attribute is truthy / passes the test (`'defined'`, `'equalto'`, `'=='`, `'match'`...).",
  rejectattr: '`rejectattr(...)`: the items selectattr would keep are left out.',
  extract: "`key | extract(container, morekeys)`: `container[key]`, then each of morekeys.",
  format: "`'%s-%05d' | format(a, b)`: Python's %-formatting.",
  combine: '`a | combine(b, ..., recursive=false)`: mappings merged left to right.',
  list: 'A list: a list as it is, the keys of a mapping, the characters of text.',
  string: "Text, as Python's str (`True`, `['a', 'b']`).",
  to_json: "JSON as Python's json.dumps writes it (`{\"a\": 1}`).",
  abs: 'The absolute value.',
  round: "`round(precision=0, method='common'|'ceil'|'floor')`.",
  reverse: 'The list or text backwards.',
  title: 'Each word capitalised.',
  wordcount: 'The number of words.',
  count: 'The number of items or characters (as length).',
  length: 'The number of items, keys or characters.',
  first: 'The first item (undefined when empty).',
  last: 'The last item (undefined when empty).',
  join: "`join(sep='', attribute=None)`: the items (or their attribute) as text joined by sep.",
  sum: '`sum(attribute=None, start=0)`: numbers added (lists concatenated).',
  sort: '`sort(reverse=false, case_sensitive=false, attribute=None)`.',
  unique: 'The items without repeats, first ones kept.',
  union: '`a | union(b)`: the items of both, without repeats.',
  intersect: '`a | intersect(b)`: the items in both.',
  difference: '`a | difference(b)`: the items of a not in b.',
  symmetric_difference: '`a | symmetric_difference(b)`: the items in exactly one of them.',
  zip: '`a | zip(b, ...)`: lists of the items at the same index.',
  min: '`min(attribute=None)`: the smallest item.',
  max: '`max(attribute=None)`: the largest item.',
  int: '`int(default=0, base=10)`: an integer; default when the value is not a number.',
  regex_findall: "`regex_findall(pattern, ignorecase=false, multiline=false)`: every match (Python regex syntax, `(?P<name>)` included).",
  regex_escape: 'Text with regex metacharacters escaped.',
  hash: "`hash('sha1'|'md5'|'sha256'...)`: the hex digest of the text.",
  md5: 'The MD5 hex digest of the text.',
  sha1: 'The SHA-1 hex digest of the text.',
  checksum: 'The SHA-1 hex digest of the text (as Ansible).',
  type_debug: "Python's type name: str, int, float, bool, list, dict, NoneType.",
  items: 'A mapping as a list of [key, value] pairs.',
  dict: 'A list of [key, value] pairs as a mapping.',
  center: '`center(width=80)`: the text centred in width.',
  pprint: "Python's repr of the value.",
  repr: "Python's repr of the value.",
};

/** Every test `x is name` (and select/selectattr) accepts. */
export const TEST_DOCS: Record<string, string> = {
  defined: 'The variable or attribute exists.', undefined: 'It does not.', none: 'The value is null/None.',
  true: 'The value is true.', false: 'The value is false.', truthy: 'Python-true.', falsy: 'Python-false.',
  string: 'Text.', number: 'A number.', integer: 'A whole number.', float: 'A number with a fraction.',
  boolean: 'true or false.', mapping: 'A mapping.', sequence: 'A list or text.', iterable: 'A list, mapping or text.',
  even: 'An even number.', odd: 'An odd number.', divisibleby: '`is divisibleby(n)`.',
  changed: 'A registered result that changed.', failed: 'A registered result that failed.',
  succeeded: 'A registered result that did not fail.', success: 'Same as succeeded.', skipped: 'A registered result that was skipped.',
  match: "`is match('re')`: the regex matches at the start.", search: "`is search('re')`: the regex matches anywhere.",
  regex: "`is regex('re')`: as search.", in: '`is in(list)`: a member of the list (or key, or substring).',
  contains: '`is contains(x)`: the list/mapping/text holds x.',
  equalto: '`is equalto(x)`, also `eq`, `==`.', ne: '`is ne(x)`, also `!=`.', lt: '`is lt(x)`, also `<`, `lessthan`.',
  le: '`is le(x)`, also `<=`.', gt: '`is gt(x)`, also `>`, `greaterthan`.', ge: '`is ge(x)`, also `>=`.',
  sameas: '`is sameas(x)`: the very same value.', lower: 'Text all in lower case.', upper: 'Text all in upper case.',
  callable: 'Always false (nothing in a playbook is callable).',
  subset: '`is subset(list)`.', superset: '`is superset(list)`.',
  version: "`is version('1.2', '>=')` (operators <, <=, >, >=, ==, !=, lt, le, gt, ge, eq, ne): loose version order.",
  version_compare: 'Same as version.', abs: 'An absolute path.',
};

/** Functions an expression may call. */
export const FUNCTION_DOCS: Record<string, string> = {
  range: '`range(stop)`, `range(start, stop, step=1)`: a list of integers.',
  lookup: "`lookup('plugin', terms..., wantlist=false)`: a lookup's result (several joined by commas).",
  query: "`query('plugin', terms...)`, also `q`: a lookup's results as a list.",
  dict: '`dict(a=1, b=2)` or `dict(pairs)`: a mapping.',
  format: "`format('%s', x)`: %-formatting.", now: 'The time now (ISO 8601 text).', undef: 'An undefined value.',
};

/** Lookup plugins. */
export const LOOKUP_DOCS: Record<string, string> = {
  env: "`lookup('env', 'HOME', default='')`: a controller environment variable.",
  file: "`lookup('file', 'name')`: a controller file's text (trailing whitespace removed; `rstrip=false` keeps it), from the role's files/, then the playbook's.",
  template: "`lookup('template', 'name.j2')`: a template file rendered with the task's variables.",
  vars: "`lookup('vars', 'name', default=x)`: a variable by a computed name.",
  inventory_hostnames: "`query('inventory_hostnames', 'web:&prod:!db')`: host names matching an inventory pattern.",
  items: "`lookup('items', list)`: the items.", list: "`lookup('list', list)`: the items.",
};
