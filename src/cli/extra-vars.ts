import { readFileSync } from 'node:fs';
import { TsrunError } from '../core/errors';
import { parseKv } from '../playbook/kv';
import { loadYaml } from '../yaml/load';

/** Parses one `-e` value: `@file.yml`, a JSON/YAML mapping, or `k=v k2=v2`. Later values win. */
export function parseExtraVars(values: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    if (value.startsWith('@')) {
      const data = loadYaml(value.slice(1));
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new TsrunError('USAGE', `-e ${value}: the file must hold a mapping`);
      Object.assign(out, data);
    } else if (value.trim().startsWith('{')) {
      try {
        Object.assign(out, JSON.parse(value));
      } catch (err) {
        throw new TsrunError('USAGE', `-e: not valid JSON: ${(err as Error).message}`);
      }
    } else {
      Object.assign(out, parseKv(value, undefined, new Set()));
      if ('_raw_params' in out) throw new TsrunError('USAGE', `-e "${value}": expected key=value pairs, JSON, or @file`);
    }
  }
  return out;
}

/** Reads a file the user named, or fails with a usage error. */
export function readUserFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new TsrunError('USAGE', `cannot read ${path}`);
  }
}
