import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFiles, differences, readCase, runTsrun } from '../conformance/runner';

// tsrun-only mode of the differential suite: tsrun's outcome against ansible-playbook's, recorded in each case file
// by `npm run conformance -- --record` (which runs both tools; `npm run conformance` compares them live).
describe('conformance with ansible-playbook (recorded outcomes)', () => {
  process.env.TSRUN_CONFORMANCE_ENV = 'set';
  for (const file of caseFiles()) {
    const c = readCase(file);
    it(`${basename(file)}: ${c.description}`, () => {
      const want = c.tsrun ?? c.expected;
      if (!want) throw new Error(`${basename(file)} has no recorded outcome: run npm run conformance -- --record ${basename(file)}`);
      expect(differences(runTsrun(c), want)).toEqual([]);
    }, 120_000);
  }
});
