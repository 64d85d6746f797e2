import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the repository', () => {
  it('holds no unresolved merge conflict markers', () => {
    const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
    const marked = files.filter((f) => !f.startsWith('bench-results/') && /^(<{7}|>{7}) /m.test(readFileSync(f, 'utf8')));
    expect(marked).toEqual([]);
  });
});
