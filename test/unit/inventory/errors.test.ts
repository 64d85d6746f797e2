import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory';
import { TsrunError, type ErrorCode } from '../../../src/core/errors';
import { writeTree } from './tree';

interface Bad {
  name: string;
  file: string;
  text: string;
  code: ErrorCode;
  message: RegExp;
  line: number;
  col: number;
}

const cases: Bad[] = [
  { name: 'malformed YAML', file: 'inv.yml', text: 'all:\n  hosts:\n    a: [1\n', code: 'PARSE', message: /malformed YAML/, line: 4, col: 1 },
  { name: 'duplicate YAML key', file: 'inv.yml', text: 'web:\n  hosts:\n    a: {x: 1}\n    a: {x: 2}\n', code: 'PARSE', message: /malformed YAML: Map keys must be unique/, line: 4, col: 5 },
  { name: 'YAML host entry that is not a mapping', file: 'inv.yml', text: 'web:\n  hosts:\n    a: 10.0.0.1\n', code: 'SCHEMA', message: /host "a" in group "web" must be a mapping of variables, got the string "10.0.0.1"/, line: 3, col: 8 },
  { name: 'YAML hosts given as a list', file: 'inv.yml', text: 'web:\n  hosts:\n    - a\n', code: 'SCHEMA', message: /hosts of group "web" must be a mapping, got a list/, line: 3, col: 5 },
  { name: 'YAML unknown key in a group', file: 'inv.yml', text: 'web:\n  host:\n    a:\n', code: 'SCHEMA', message: /unexpected key "host" in group "web" \(did you mean "hosts"\?\)/, line: 2, col: 3 },
  { name: 'YAML group that is not a mapping', file: 'inv.yml', text: 'web: [a, b]\n', code: 'SCHEMA', message: /group "web" must be a mapping/, line: 1, col: 6 },
  { name: 'YAML inventory plugin', file: 'aws.yml', text: 'plugin: amazon.aws.aws_ec2\n', code: 'SCHEMA', message: /inventory plugins/, line: 1, col: 1 },
  { name: 'YAML bad range', file: 'inv.yml', text: 'web:\n  hosts:\n    n[3:1]:\n', code: 'PARSE', message: /bad host range in "n\[3:1\]"/, line: 3, col: 5 },
  { name: 'YAML child group cycle', file: 'inv.yml', text: 'a:\n  children:\n    b:\n      children:\n        a:\n', code: 'SCHEMA', message: /adding group "b" as a child of "a" makes a cycle: a -> b -> a/, line: 3, col: 5 },
  { name: 'INI host line with a bare word', file: 'hosts', text: '[web]\n  node1 ansible_host=1.2.3.4 oops\n', code: 'PARSE', message: /expected key=value host variable, got "oops"/, line: 2, col: 30 },
  { name: 'INI unterminated quote', file: 'hosts', text: '[web]\nnode1 labels="a b\n', code: 'PARSE', message: /unterminated quote/, line: 2, col: 14 },
  { name: 'INI bad range', file: 'hosts', text: '[web]\nn1\nnode[01:100] x=1\n', code: 'PARSE', message: /bad host range in "node\[01:100\]": .*different widths/, line: 3, col: 1 },
  { name: 'INI unknown section type', file: 'hosts', text: '[web:hostz]\n', code: 'PARSE', message: /section \[web:hostz\] has unknown type "hostz"/, line: 1, col: 6 },
  { name: 'INI section with spaces', file: 'hosts', text: 'a\n[web servers]\n', code: 'PARSE', message: /invalid section header \[web servers\]/, line: 2, col: 1 },
  { name: 'INI vars line without =', file: 'hosts', text: '[web]\na\n[web:vars]\nx: 1\n', code: 'PARSE', message: /expected key=value in \[web:vars\], got "x: 1"/, line: 4, col: 1 },
  { name: 'INI children line that is not a name', file: 'hosts', text: '[p:children]\nweb db\n', code: 'PARSE', message: /expected a group name in \[p:children\]/, line: 2, col: 1 },
  { name: 'INI undefined child group', file: 'hosts', text: '[web]\na\n[prod:children]\nwbe\n', code: 'SCHEMA', message: /\[prod:children\] includes undefined group "wbe" \(did you mean "web"\?\)/, line: 4, col: 1 },
  { name: 'INI vars for an undefined group', file: 'hosts', text: 'a\n[nope:vars]\nx=1\n', code: 'SCHEMA', message: /\[nope:vars\] is for group "nope", which is never defined/, line: 2, col: 1 },
  { name: 'INI child group cycle', file: 'hosts', text: '[a:children]\nb\n[b:children]\na\n', code: 'SCHEMA', message: /adding group "a" as a child of "b" makes a cycle: b -> a -> b/, line: 4, col: 1 },
  { name: 'group_vars file that is not a mapping', file: 'group_vars/all.yml', text: '- a\n- b\n', code: 'SCHEMA', message: /a vars file must be a mapping of variable names, got a list/, line: 1, col: 1 },
];

describe('bad inventories name file:line:col', () => {
  it.each(cases)('$name', async (c) => {
    const root = writeTree({ [c.file]: c.text, ...(c.file.startsWith('group_vars') ? { hosts: 'a\n' } : {}) });
    const source = c.file.startsWith('group_vars') ? join(root, 'hosts') : join(root, c.file);
    const err = await loadInventory([source]).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TsrunError);
    const e = err as TsrunError;
    expect(e.message).toMatch(c.message);
    expect(e.code).toBe(c.code);
    expect(e.location).toEqual({ file: join(root, c.file), line: c.line, col: c.col });
  });

  it('names a missing source and how to write a host list', async () => {
    await expect(loadInventory(['/nonexistent/inventory'])).rejects.toThrow(/inventory source "\/nonexistent\/inventory" is neither a file, a directory nor a host list/);
  });
});
