import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths';

/** What a controller package is needed for: the lab, the test suite, or the benchmark. */
export type Use = 'lab' | 'test' | 'bench';

/** One line of bin/packages.txt: a Debian package, what it brings that tsrun looks for, and why it is needed. */
export interface Requirement {
  pkg: string;
  /** Commands looked up on PATH, or absolute paths that must exist. */
  provides: string[];
  uses: Use[];
  why: string;
}

/** The controller's package list, the one that bin/setup.sh installs and checks. */
export const PACKAGES_FILE = join(PACKAGE_ROOT, 'bin', 'packages.txt');

/** Parses bin/packages.txt (whitespace-separated columns; `#` starts a comment line). */
export function parseRequirements(text: string): Requirement[] {
  return text
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'))
    .map((line) => {
      const [pkg, provides, uses, ...why] = line.trim().split(/\s+/);
      return { pkg, provides: provides.split(','), uses: uses.split(',') as Use[], why: why.join(' ') };
    });
}

/** The Debian packages needed for one use, in the list's order. */
export function packagesFor(use: Use, file = PACKAGES_FILE): string[] {
  return parseRequirements(readFileSync(file, 'utf8'))
    .filter((r) => r.uses.includes(use))
    .map((r) => r.pkg);
}
