import { describe, expect, it } from 'vitest';
import { parseGroup, parsePasswd } from '../../../src/core/passwd';

describe('/etc/passwd and /etc/group lines', () => {
  it('reads every field, a shell with a colon kept whole', () => {
    expect(parsePasswd('deploy:x:1500:1500:Deploy,,,:/home/deploy:/bin/sh')).toEqual({
      name: 'deploy', uid: 1500, gid: 1500, comment: 'Deploy,,,', home: '/home/deploy', shell: '/bin/sh',
    });
    expect(parsePasswd('odd:x:7:7::/:/bin/a:b')?.shell).toBe('/bin/a:b');
    expect(parseGroup('sudo:x:27:deploy,ops')).toEqual({ name: 'sudo', gid: 27, members: ['deploy', 'ops'] });
    expect(parseGroup('users:x:100:')).toEqual({ name: 'users', gid: 100, members: [] });
  });

  it('skips a short line, a comment and an id that is not a number, as the C library does', () => {
    expect(parsePasswd('')).toBeUndefined();
    expect(parsePasswd('# root:x:0:0:root:/root:/bin/bash')).toBeUndefined();
    expect(parsePasswd('bad:x::0:Bad:/:/bin/sh')).toBeUndefined();
    expect(parsePasswd('bad:x:12a:0:Bad:/:/bin/sh')).toBeUndefined();
    expect(parsePasswd('bad:x:1:-1:Bad:/:/bin/sh')).toBeUndefined();
    expect(parseGroup('g:x:')).toBeUndefined();
    expect(parseGroup('g:x::a')).toBeUndefined();
    expect(parseGroup('+nis')).toBeUndefined();
  });
});
