import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, selectHosts, splitPattern, type Inventory } from '../../../src/inventory';
import { TsrunError } from '../../../src/core/errors';
import { writeTree } from './tree';

const INI = `lone
[web]
web1
web2
web3
[db]
db1
db2
[prod:children]
web
db
[staging]
web3
stage1
[empty]
`;

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory([join(writeTree({ hosts: INI }), 'hosts')]);
});

describe('selectHosts', () => {
  const table: [string, string[], string?][] = [
    ['all', ['lone', 'web1', 'web2', 'web3', 'db1', 'db2', 'stage1']],
    ['*', ['lone', 'web1', 'web2', 'web3', 'db1', 'db2', 'stage1']],
    ['web', ['web1', 'web2', 'web3']],
    ['ungrouped', ['lone']],
    ['db2', ['db2']],
    ['db:web', ['web1', 'web2', 'web3', 'db1', 'db2']],
    ['db,web', ['web1', 'web2', 'web3', 'db1', 'db2']],
    ['prod:&staging', ['web3']],
    ['prod:!web', ['db1', 'db2']],
    ['!web', ['lone', 'db1', 'db2', 'stage1']],
    ['&staging', ['web3', 'stage1']],
    // Exclusions apply last, whatever their position.
    ['prod:!web3:staging', ['web1', 'web2', 'db1', 'db2', 'stage1']],
    ['!db:web:&staging', ['web3']],
    ['web*', ['web1', 'web2', 'web3']],
    ['*1', ['web1', 'db1', 'stage1']],
    ['web[!1]', ['web2', 'web3']],
    ['web?', ['web1', 'web2', 'web3']],
    ['~web[12]', ['web1', 'web2']],
    ['~(web|db)1', ['web1', 'db1']],
    ['web[0]', ['web1']],
    ['web[-1]', ['web3']],
    ['web[1:]', ['web2', 'web3']],
    ['web[0:1]', ['web1', 'web2']],
    ['empty', []],
    ['localhost', ['localhost']],
    ['web:localhost', ['web1', 'web2', 'web3', 'localhost']],
    ['all', ['web1', 'web2'], 'web:!web3'],
    ['prod', ['db1'], 'db1,lone'],
    ['web', [], 'db'],
  ];
  it.each(table)('%s (limit %s)', (pattern, expected, limit) => {
    expect(selectHosts(inv, pattern, limit)).toEqual(expected);
  });

  const misses: [string, string | undefined, RegExp][] = [
    ['wbe', undefined, /host pattern "wbe" matches no host or group \(did you mean "web"\?\)/],
    ['web:!nosuch', undefined, /"nosuch" matches no host or group/],
    ['all', 'dbb', /"dbb" matches no host or group \(did you mean "db/],
    ['nomatch*', undefined, /"nomatch\*" matches no host/],
    ['~web(', undefined, /invalid regular expression/],
    ['web[7]', undefined, /no hosts matched the subscripted pattern "web\[7\]"/],
  ];
  it.each(misses)('rejects %s (limit %s)', (pattern, limit, msg) => {
    expect(() => selectHosts(inv, pattern, limit)).toThrow(TsrunError);
    expect(() => selectHosts(inv, pattern, limit)).toThrow(msg);
  });
});

describe('splitPattern', () => {
  it.each([
    ['a:b:&c:!d', ['a', 'b', '&c', '!d']],
    ['a, b ,!c', ['a', 'b', '!c']],
    ['web[0:2]:db', ['web[0:2]', 'db']],
  ])('%s', (p, terms) => expect(splitPattern(p)).toEqual(terms));
});
