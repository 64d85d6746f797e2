import { describe, expect, it } from 'vitest';
import { MASK, Secrets } from '../../../src/core/secrets';

describe('Secrets', () => {
  it('masks a value, its URL-encoded and JSON-escaped forms, everywhere in a string', () => {
    const s = new Secrets();
    s.add('p@ss w/"rd"');
    expect(s.mask('a p@ss w/"rd" b p%40ss%20w%2F%22rd%22 c p@ss%20w/%22rd%22 d p@ss w/\\"rd\\"')).toBe(`a ${MASK} b ${MASK} c ${MASK} d ${MASK}`);
  });

  it("masks Python's URL-encoded forms too, as Jinja's urlencode writes them", () => {
    const s = new Secrets();
    s.add("it's(a)*secret!/x");
    expect(s.mask('q=it%27s%28a%29%2Asecret%21/x r=it%27s%28a%29%2Asecret%21%2Fx')).toBe(`q=${MASK} r=${MASK}`);
  });

  it("masks a URL and the URL's password on its own", () => {
    const s = new Secrets();
    s.add('http://u:S3cr%21t@proxy:3128');
    expect(s.mask('proxy=http://u:S3cr%21t@proxy:3128 pw=S3cr!t raw=S3cr%21t')).toBe(`proxy=${MASK} pw=${MASK} raw=${MASK}`);
  });

  it('masks the longer of two overlapping secrets whole, and walks objects, lists and keys', () => {
    const s = new Secrets();
    s.add(['abcdef', { x: 'abc' }]);
    expect(s.maskDeep({ abc: ['xx abcdef yy', 3, true], n: null })).toEqual({ [MASK]: [`xx ${MASK} yy`, 3, true], n: null });
  });

  it('ignores values too short to mean anything and leaves text alone when nothing is secret', () => {
    const s = new Secrets();
    expect(s.mask('no')).toBe('no');
    s.add('no');
    s.add(true);
    expect(s.empty).toBe(true);
    expect(s.mask('no yes')).toBe('no yes');
  });
});
