import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addHostKey, checkHostKey, fingerprint, hostFieldMatches, knownHostName, knownKeyTypes } from '../../../src/connection/known-hosts';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAIBgHq5R1X9ZV3wC0xXu9mY8Lw4q0l9qzj6yZ1m3vQb8t';
const blob = Buffer.from(KEY, 'base64');

describe('known_hosts', () => {
  // hashed lines written by `ssh-keygen -H` for [web.example]:2222 and db.example
  const hashedWeb = '|1|Rej/FnM9cjw4yyO7EVTSERWRS+c=|xoKlZs0W4vwlCH6Pw3islT8Q8Pg=';
  const hashedDb = '|1|OBgALc7vd+gebFn27k7lrS9+JuU=|rRJ3DEG1hRWTmhDW1/2r14G7gW8=';

  const fieldCases: [string, string, boolean][] = [
    [hashedWeb, '[web.example]:2222', true],
    [hashedWeb, 'web.example', false],
    [hashedDb, 'db.example', true],
    ['web.example,10.0.0.1', '10.0.0.1', true],
    ['*.example', 'web.example', true],
    ['*.example,!db.example', 'db.example', false],
    ['[10.0.0.?]:2222', '[10.0.0.5]:2222', true],
    ['[10.0.0.?]:2222', '[10.0.0.5]:22', false],
    ['WEB.example', 'web.example', true],
  ];
  for (const [field, name, expected] of fieldCases) {
    it(`host field ${field} ${expected ? 'matches' : 'does not match'} ${name}`, () => {
      expect(hostFieldMatches(field, name)).toBe(expected);
    });
  }

  it('names a host as OpenSSH does', () => {
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('h', 2222)).toBe('[h]:2222');
  });

  it('prints the fingerprint ssh-keygen -l prints', () => {
    expect(fingerprint(blob)).toBe('SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU');
  });

  const dir = mkdtempSync(join(tmpdir(), 'tsrun-kh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  const verdictCases: { name: string; text: string; host: string; port: number; status: string }[] = [
    { name: 'hashed, matching', text: `${hashedWeb} ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 2222, status: 'known' },
    { name: 'comment and blank lines', text: `# c\n\nweb.example ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'known' },
    { name: 'no entry', text: `other ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'unknown' },
    { name: 'only another key type', text: `web.example ssh-rsa AAAAB3NzaC1yc2E=\n`, host: 'web.example', port: 22, status: 'unknown' },
    { name: 'a different key of the type', text: `web.example ssh-ed25519 ${OTHER}\n`, host: 'web.example', port: 22, status: 'changed' },
    { name: 'revoked', text: `@revoked * ssh-ed25519 ${KEY}\nweb.example ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'revoked' },
    { name: 'a plain name among others, any case', text: `a.example,WEB.example ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'known' },
    { name: 'a plain line excluded by a later negation', text: `web.example ssh-ed25519 ${OTHER}\n*,!web.example ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'changed' },
    { name: 'a wildcard key before a plain one', text: `*.example ssh-ed25519 ${KEY}\nweb.example ssh-ed25519 ${OTHER}\n`, host: 'web.example', port: 22, status: 'known' },
    { name: 'a hashed line revoking a key a plain line accepts', text: `[web.example]:2222 ssh-ed25519 ${KEY}\n@revoked ${hashedWeb} ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 2222, status: 'revoked' },
    { name: 'cert-authority lines are not host keys', text: `@cert-authority * ssh-ed25519 ${KEY}\n`, host: 'web.example', port: 22, status: 'unknown' },
  ];
  for (const c of verdictCases) {
    it(`check: ${c.name} -> ${c.status}`, () => {
      expect(checkHostKey([join(dir, 'missing'), file(`${c.status}-${c.name}`, c.text)], c.host, c.port, blob).status).toBe(c.status);
    });
  }

  it('records an accepted key and prefers known key types', () => {
    const f = join(dir, 'sub', 'known_hosts');
    addHostKey(f, '127.0.0.5', 2200, blob);
    expect(readFileSync(f, 'utf8')).toBe(`[127.0.0.5]:2200 ssh-ed25519 ${KEY}\n`);
    expect(checkHostKey([f], '127.0.0.5', 2200, blob).status).toBe('known');
    expect(knownKeyTypes([f], '127.0.0.5', 2200)).toEqual(['ssh-ed25519']);
    expect(knownKeyTypes([f], '127.0.0.5', 22)).toEqual([]);
  });
  it('sees a file changed since it was read: a key appended, a key replaced, the file removed', () => {
    // a thousand hosts, as a large lab writes them: each lookup reads the parsed file, not the disk
    const many = Array.from({ length: 1000 }, (_, i) => `10.9.${i >> 8}.${i & 255} ssh-ed25519 ${KEY}`).join('\n');
    const f = file('changing', `${many}\n`);
    expect(checkHostKey([f], '10.9.3.231', 22, blob).status).toBe('known');
    expect(checkHostKey([f], 'new.example', 22, blob).status).toBe('unknown');
    addHostKey(f, 'new.example', 22, blob);
    expect(checkHostKey([f], 'new.example', 22, blob).status).toBe('known');
    writeFileSync(f, `${many.replace(`10.9.3.231 ssh-ed25519 ${KEY}`, `10.9.3.231 ssh-ed25519 ${OTHER}`)}\n`);
    expect(checkHostKey([f], '10.9.3.231', 22, blob).status).toBe('changed');
    rmSync(f);
    expect(checkHostKey([f], '10.9.3.231', 22, blob).status).toBe('unknown');
  });
  it('reports the first line, in file order, whether it names the host plainly or by a pattern', () => {
    const f = file('order', `# keys\n10.1.1.* ssh-ed25519 ${OTHER}\n10.1.1.7 ssh-ed25519 ${OTHER}\n`);
    expect(checkHostKey([f], '10.1.1.7', 22, blob)).toEqual({ status: 'changed', file: f, line: 2 });
    const g = file('order2', `10.1.1.7 ssh-ed25519 ${OTHER}\n10.1.1.* ssh-ed25519 ${OTHER}\n`);
    expect(checkHostKey([g], '10.1.1.7', 22, blob)).toEqual({ status: 'changed', file: g, line: 1 });
    expect(checkHostKey([f, g], '10.1.1.7', 22, blob)).toEqual({ status: 'changed', file: f, line: 2 });
  });
});
