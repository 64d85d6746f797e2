import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';
import { labDown, labUp, type LabInfo } from '../../src/lab/index';
import { BASE_DIR } from '../../src/lab/base';
import { labDir, readState } from '../../src/lab/state';
import { alive } from '../../src/lab/sys';
import { labLeftovers } from './lab-helpers';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The lab the e2e tests run against: 3 nodes and 1 lb, named `test` unless $TSRUN_TEST_LAB says otherwise. */
    lab: LabInfo;
    /** How long `labUp` took in this run, and whether the base root filesystem was already cached. */
    labUpMs: number;
    labBaseCached: boolean;
  }
}

/** Brings the `test` lab (or $TSRUN_TEST_LAB, for runs side by side) up once for the e2e project and down after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const name = process.env.TSRUN_TEST_LAB ?? 'test';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // Every e2e test needs the controller's packages: stop here, naming what is missing, rather than in a
  // test's teardown or as a silent skip.
  const preflight = await execa('sh', ['bin/setup.sh', '--check'], { reject: false, all: true });
  if (preflight.exitCode !== 0) throw new Error(String(preflight.all));
  // A run that was killed may have left its lab behind, changed by its tests: start from a fresh one. But a run
  // still going (a CI rehearsal beside a developer's run) would fail if its lab went down under it.
  const ownerFile = join(labDir(name), 'e2e-owner.pid');
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : 0;
  if (owner > 0 && owner !== process.pid && alive(owner)) {
    throw new Error(`lab ${name} is in use by the e2e run of process ${owner}: set TSRUN_TEST_LAB to another name to run beside it (or, if that process is not a test run, tsrun lab down --name ${name})`);
  }
  await labDown(name, log);
  const cached = existsSync(BASE_DIR);
  const started = performance.now();
  const lab = await labUp({ name, nodes: 3, lb: 1, log });
  const ms = performance.now() - started;
  writeFileSync(ownerFile, String(process.pid));
  log(`lab ${name}: up in ${(ms / 1000).toFixed(2)} s (base ${cached ? 'cached' : 'built'})`);
  project.provide('lab', lab);
  project.provide('labUpMs', ms);
  project.provide('labBaseCached', cached);
  const bridge = readState(name)?.bridge;
  return async () => {
    await labDown(name, log);
    // The run must leave nothing behind; fail it loudly if it did.
    const left = await labLeftovers(name, lab.dir, bridge);
    if (left.length) throw new Error(`lab ${name} left behind:\n${left.join('\n')}`);
  };
}
