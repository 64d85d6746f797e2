import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { moduleDoc } from '../../../src/cli/doc';
import { moduleReference } from '../../../src/cli/module-docs';
import { registry } from '../../../src/modules/index';

describe('tsrun doc', () => {
  it('lists every module with its summary', () => {
    const list = moduleDoc();
    for (const m of registry.values()) expect(list).toMatch(new RegExp(`^${m.name}\\s+${m.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it("documents a module's arguments from its schema", () => {
    const doc = moduleDoc('copy');
    expect(doc).toMatch(/^copy: /);
    expect(doc).toMatch(/^ {2}dest \(path; required/m);
    expect(doc).toMatch(/^ {2}force \(bool; default: true; aliases: thirsty\)/m);
  });

  it('takes the ansible.builtin. names tasks take', () => {
    expect(moduleDoc('ansible.builtin.copy')).toBe(moduleDoc('copy'));
  });

  it('suggests the nearest module for a typo', () => {
    expect(() => moduleDoc('cpy')).toThrow(/no module named "cpy" \(did you mean "copy"\?\)/);
  });

  it('docs/modules.md is up to date (regenerate: npx tsx src/cli/module-docs.ts)', () => {
    expect(readFileSync(new URL('../../../docs/modules.md', import.meta.url), 'utf8')).toBe(moduleReference());
  });
});
