import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDir, readState } from '../../src/lab/state';
import { closeLab, openLab, type LabTarget } from '../conformance/lab';
import { caseFiles, CASES_DIR, differences, readCase, runTsrun } from '../conformance/runner';
import { labLeftovers } from './lab-helpers';

// The differential suite's lab cases (`lab: N`), tsrun-only: tsrun over SSH on light lab hosts against what
// ansible-playbook did on the same kind of hosts (recorded by `npm run conformance -- --record lab-`). One light lab
// serves every case; test/unit/conformance.test.ts runs the controller-only cases.
const cases = caseFiles().map((file) => ({ file, c: readCase(file) })).filter(({ c }) => c.lab);
const name = `${(process.env.TSRUN_TEST_LAB ?? 'test').slice(0, 15)}-conf`;
const log = (line: string) => process.stderr.write(`${line}\n`);

describe('conformance with ansible-playbook on lab hosts (recorded outcomes)', () => {
  let lab: LabTarget;
  const differencesDoc = readFileSync(join(CASES_DIR, '..', '..', '..', 'docs', 'ansible-differences.md'), 'utf8');

  beforeAll(async () => {
    lab = await openLab(Math.max(...cases.map(({ c }) => c.lab ?? 0)), name, log);
  });

  afterAll(async () => {
    if (!lab) return;
    const bridge = readState(lab.name)?.bridge;
    await closeLab(lab, log);
    if (lab.own) expect(await labLeftovers(lab.name, labDir(lab.name), bridge)).toEqual([]);
  });

  it('has lab cases with host evidence', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const { file, c } of cases) expect(c.compare_remote?.length, `${basename(file)} compares nothing on the hosts`).toBeGreaterThan(0);
  });

  for (const { file, c } of cases) {
    it(`${basename(file)}: ${c.description}`, () => {
      if (!c.expected) throw new Error(`${basename(file)} has no recorded outcome: run npm run conformance -- --record ${basename(file)}`);
      if (c.tsrun) expect(differencesDoc, `${basename(file)} is not listed in docs/ansible-differences.md`).toContain(basename(file));
      expect(differences(runTsrun(c, lab), c.tsrun ?? c.expected)).toEqual([]);
    });
  }
});
