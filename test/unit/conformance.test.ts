import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseFiles, CASES_DIR, differences, readCase, runTsrun } from '../conformance/runner';

// tsrun-only mode of the differential suite: tsrun's outcome against ansible-playbook's, recorded in each case file
// by `npm run conformance -- --record` (which runs both tools; `npm run conformance` compares them live).
describe('conformance with ansible-playbook (recorded outcomes)', () => {
  process.env.TSRUN_CONFORMANCE_ENV = 'set';
  const differencesDoc = readFileSync(join(CASES_DIR, '..', '..', '..', 'docs', 'ansible-differences.md'), 'utf8');
  // the lab cases (`lab: N`, over SSH) run in test/e2e/conformance-lab.test.ts, on a lab
  for (const file of caseFiles().filter((f) => !readCase(f).lab)) {
    const c = readCase(file);
    it(`${basename(file)}: ${c.description}`, () => {
      if (!c.expected) throw new Error(`${basename(file)} has no recorded outcome: run npm run conformance -- --record ${basename(file)}`);
      // a deliberate difference is documented, with the case that shows it
      if (c.tsrun) expect(differencesDoc, `${basename(file)} is not listed in docs/ansible-differences.md`).toContain(basename(file));
      expect(differences(runTsrun(c), c.tsrun ?? c.expected)).toEqual([]);
    }, 120_000);
  }
});
