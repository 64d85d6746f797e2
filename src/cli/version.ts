import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/paths';
import { findConfigFile } from './config';

/** tsrun's version, read from its own package.json (one small file; no module is loaded for it). */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What `--version` prints: tsrun's version, the configuration file in use, and Node's version (as ansible's). */
export function versionText(): string {
  let config: string;
  try {
    config = findConfigFile() ?? 'None';
  } catch (err) {
    config = (err as Error).message;
  }
  return `tsrun ${PACKAGE_VERSION}\n  config file = ${config}\n  node version = ${process.version}`;
}
