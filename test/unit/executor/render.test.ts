import { describe, expect, it } from 'vitest';
import { expand, hasTemplate } from '../../../src/executor/render';

describe('values holding templates', () => {
  it('a Jinja comment alone makes a template, as in Ansible', () => {
    expect(hasTemplate('a{# hidden #}b')).toBe(true);
    expect(expand({ msg: 'a{# hidden #}b' }, {}, {})).toEqual({ msg: 'ab' });
  });
  it('text without {{, {% or {# is left as it is', () => {
    expect(hasTemplate('a{b}#c')).toBe(false);
  });
});
