import { describe, expect, it } from 'vitest';
import { jinjaUrlencode, pyQuote } from '../../../src/core/url-quote';

describe("Python's quote and Jinja's urlencode", () => {
  it('encodes what encodeURIComponent leaves, keeps the safe characters', () => {
    expect(pyQuote("a b/c!'()*~_.-")).toBe('a%20b/c%21%27%28%29%2A~_.-');
    expect(pyQuote('a/b', '')).toBe('a%2Fb');
    expect(pyQuote('é')).toBe('%C3%A9');
  });

  it('writes a mapping or a list of pairs as a query string with + for spaces', () => {
    expect(jinjaUrlencode({ q: 'a b', 'x/y': '&' })).toBe('q=a+b&x%2Fy=%26');
    expect(jinjaUrlencode([['k', 1]])).toBe('k=1');
    expect(jinjaUrlencode('p@ss w/rd')).toBe('p%40ss%20w/rd');
  });
});
