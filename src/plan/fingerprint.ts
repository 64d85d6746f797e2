import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Fingerprint } from './types';

const SKIP = new Set(['.git', 'node_modules']);
/** What a play reads beside its playbook: these folders whole, and the YAML, JSON and template files at the top. */
const PLAY_DIRS = ['roles', 'templates', 'files', 'group_vars', 'host_vars', 'tasks', 'handlers', 'vars', 'defaults', 'meta'];
const PLAY_FILES = /\.(ya?ml|json|j2|tpl)$/;
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Every file below a path (or the file itself), hashed; hidden entries and the excluded paths are left out. */
function hashTree(path: string, out: Record<string, string>, exclude: Set<string>): void {
  if (exclude.has(path) || !existsSync(path)) return;
  const st = statSync(path);
  if (st.isFile()) {
    out[path] = sha(readFileSync(path));
    return;
  }
  if (!st.isDirectory()) return;
  for (const e of readdirSync(path).sort()) if (!e.startsWith('.') && !SKIP.has(e)) hashTree(join(path, e), out, exclude);
}

/** What a plan depends on, as a sorted JSON text, so the same inputs always give the same digest. */
export interface FingerprintInput {
  playbooks: string[];
  inventory: string[];
  extraVars: Record<string, unknown>;
  limit?: string;
  tags: string[];
  skipTags: string[];
  /** Files never part of the fingerprint: the plan itself, the timeline. */
  exclude: string[];
}

/** The playbooks and what sits beside them (roles, templates, files, group_vars...), the inventory sources, the roles path and the variables. */
export function fingerprint(input: FingerprintInput, env: NodeJS.ProcessEnv = process.env): Fingerprint {
  const files: Record<string, string> = {};
  const exclude = new Set(input.exclude.map((p) => resolve(p)));
  for (const p of input.playbooks) {
    const dir = dirname(resolve(p));
    hashTree(resolve(p), files, exclude);
    for (const e of readdirSync(dir).sort()) {
      const path = join(dir, e);
      if (PLAY_DIRS.includes(e)) hashTree(path, files, exclude);
      else if (PLAY_FILES.test(e) && statSync(path).isFile()) hashTree(path, files, exclude);
    }
  }
  for (const src of input.inventory) {
    if (existsSync(src)) hashTree(resolve(src), files, exclude);
    else files[`inventory:${src}`] = sha(src);
  }
  for (const dir of (env.TSRUN_ROLES_PATH ?? env.ANSIBLE_ROLES_PATH ?? '').split(':').filter(Boolean)) hashTree(resolve(dir), files, exclude);
  const extraVars = sha(canonical(input.extraVars));
  const rest = { extraVars, limit: input.limit, tags: [...input.tags].sort(), skipTags: [...input.skipTags].sort() };
  const digest = sha(JSON.stringify({ files: Object.entries(files).sort(), ...rest }));
  return { digest, files, ...rest };
}

/** What differs between the fingerprint a plan was made with and today's: one line per difference. */
export function fingerprintChanges(then: Fingerprint, now: Fingerprint): string[] {
  const out: string[] = [];
  for (const [f, h] of Object.entries(then.files)) {
    if (!(f in now.files)) out.push(`${f}: removed`);
    else if (now.files[f] !== h) out.push(`${f}: changed`);
  }
  for (const f of Object.keys(now.files)) if (!(f in then.files)) out.push(`${f}: added`);
  if (then.extraVars !== now.extraVars) out.push('extra variables (-e): changed');
  if (then.limit !== now.limit) out.push(`--limit: ${then.limit ?? '(none)'} -> ${now.limit ?? '(none)'}`);
  if (then.tags.join(',') !== now.tags.join(',') || then.skipTags.join(',') !== now.skipTags.join(',')) out.push('--tags/--skip-tags: changed');
  return out;
}

/** JSON with object keys sorted at every level. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}
