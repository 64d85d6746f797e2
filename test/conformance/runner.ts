import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseYaml } from '../../src/yaml/load';

/**
 * The differential suite: each file in cases/ is one playbook (play vars + tasks) run on the controller with the
 * local connection, and what ansible-playbook did with it (recorded under `expected`). One runner runs either tool
 * and reduces its run to the same outcome: the exit code and, per task, its status and what debug printed.
 */

/** One task's outcome, the same shape for both tools. */
export interface TaskOutcome {
  name: string;
  status: 'ok' | 'changed' | 'skipped' | 'failed' | 'ignored';
  /** What a debug task printed (msg, or the value of var). */
  out?: unknown;
}

export interface Outcome {
  exit: number;
  tasks: TaskOutcome[];
}

/** A case file. */
export interface Case {
  description: string;
  vars?: Record<string, unknown>;
  tasks: unknown[];
  handlers?: unknown[];
  /** A deliberate difference (documented in docs/ansible-differences.md): what tsrun does instead. */
  tsrun?: Outcome;
  expected?: Outcome;
}

const here = fileURLToPath(new URL('.', import.meta.url));
export const CASES_DIR = join(here, 'cases');
const ROOT = join(here, '..', '..');

export function caseFiles(): string[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.yml')).sort().map((f) => join(CASES_DIR, f));
}

export function readCase(file: string): Case {
  // YAML 1.1 as PyYAML reads it (`n: 3` is a key n, not false), as both tools read the playbook made from it
  return parseYaml(readFileSync(file, 'utf8'), file) as Case;
}

function workspace(c: Case): { dir: string; play: string; inventory: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-conformance-'));
  const play = join(dir, 'play.yml');
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, 'h ansible_connection=local ansible_host=127.0.0.1\nh2 ansible_connection=local ansible_host=127.0.0.2\n\n[all:vars]\naddr="{{ ansible_host }}"\n');
  const vars = { ...c.vars, workdir: dir };
  writeFileSync(play, YAML.stringify([{ hosts: 'h', gather_facts: false, vars, tasks: c.tasks, ...(c.handlers ? { handlers: c.handlers } : {}) }]));
  return { dir, play, inventory };
}

function status(failed: boolean, ignored: boolean, skipped: boolean, changed: boolean): TaskOutcome['status'] {
  if (failed) return ignored ? 'ignored' : 'failed';
  if (skipped) return 'skipped';
  return changed ? 'changed' : 'ok';
}

/** Runs a case with tsrun (its CLI, --json). */
export function runTsrun(c: Case): Outcome {
  const ws = workspace(c);
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsrun.js'), 'playbook', '-i', ws.inventory, ws.play, '--json'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const tasks: TaskOutcome[] = [];
    const varNames = debugVars([c.tasks, c.handlers]);
    for (const line of r.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      const e = JSON.parse(line) as { type: string; task: string; status: string; ignored?: boolean; debug?: unknown; result?: Record<string, unknown> };
      if (e.type !== 'host_result') continue;
      const t: TaskOutcome = { name: e.task, status: status(e.status === 'failed', e.ignored === true, e.status === 'skipped', e.status === 'changed') };
      // debug's var prints {name: value}; Ansible's json callback gives the value under the var's name too
      if (e.debug !== undefined) t.out = isVarOutput(e.debug, varNames) ? Object.values(e.debug)[0] : e.debug;
      tasks.push(t);
    }
    return { exit: r.status ?? -1, tasks };
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

/** Runs a case with ansible-playbook (json callback). */
export function runAnsible(c: Case): Outcome {
  const ws = workspace(c);
  try {
    const r = spawnSync('ansible-playbook', ['-i', ws.inventory, ws.play], {
      encoding: 'utf8', env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_HOST_KEY_CHECKING: '0' },
    });
    const tasks: TaskOutcome[] = [];
    const start = r.stdout.indexOf('{');
    if (start >= 0) {
      const doc = JSON.parse(r.stdout.slice(start)) as { plays: { tasks: { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[] }[] };
      for (const t of doc.plays[0]?.tasks ?? []) {
        const h = t.hosts.h;
        if (!h) continue;
        const o: TaskOutcome = { name: t.task.name, status: status(h.failed === true, h._ansible_ignore_errors === true || (h.failed === true && ignoredByTask(c, tasks.length)), h.skipped === true, h.changed === true) };
        // a loop's items are not compared one by one: the task's status is
        if (h.action === 'debug' && h.skipped !== true && h.results === undefined) {
          const key = Object.keys(h).find((k) => !k.startsWith('_') && !['action', 'changed', 'failed'].includes(k));
          if (key !== undefined) o.out = h[key];
        }
        tasks.push(o);
      }
    }
    return { exit: r.status ?? -1, tasks };
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

function isVarOutput(v: unknown, varNames: Set<string>): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && varNames.has(Object.keys(v)[0]);
}

/** The names debug tasks print with `var:` (anywhere in the case, blocks included). */
function debugVars(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => debugVars(v, out));
  else if (value && typeof value === 'object') {
    const debug = (value as Record<string, unknown>).debug as Record<string, unknown> | undefined;
    if (debug && typeof debug.var === 'string') out.add(debug.var);
    Object.values(value).forEach((v) => debugVars(v, out));
  }
  return out;
}

/** The json callback does not say whether a failure was ignored: the task's own keyword does. */
function ignoredByTask(c: Case, index: number): boolean {
  const t = c.tasks[index] as Record<string, unknown> | undefined;
  return t?.ignore_errors === true;
}

/**
 * Values as both tools can be compared: Ansible's debug prints a whole-expression number as text ("4"),
 * tsrun keeps the number (a documented difference), so scalars compare by their text.
 */
export function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  // the json callback sorts keys
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise((v as Record<string, unknown>)[k])]));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).replace(/^true$/, 'True').replace(/^false$/, 'False');
  // one number type in JavaScript: 3.0 prints as 3 (documented in docs/ansible-differences.md)
  if (typeof v === 'string') return v.replace(/(^|[\s[(,])(-?\d+)\.0(?=$|[\s\]),])/g, '$1$2');
  return v;
}

/** What differs between two outcomes, one line each; empty when they agree. */
export function differences(got: Outcome, want: Outcome): string[] {
  const out: string[] = [];
  if (got.exit !== want.exit) out.push(`exit ${got.exit}, expected ${want.exit}`);
  const n = Math.max(got.tasks.length, want.tasks.length);
  for (let i = 0; i < n; i++) {
    const [g, w] = [got.tasks[i], want.tasks[i]];
    if (!g || !w) { out.push(`task ${i + 1}: ${g ? `extra ${g.name}` : `missing ${w.name}`}`); continue; }
    if (g.status !== w.status) out.push(`task ${i + 1} (${w.name}): status ${g.status}, expected ${w.status}`);
    if (w.out !== undefined && JSON.stringify(normalise(g.out)) !== JSON.stringify(normalise(w.out))) {
      out.push(`task ${i + 1} (${w.name}): printed ${JSON.stringify(g.out)}, expected ${JSON.stringify(w.out)}`);
    }
  }
  return out;
}

function hasAnsible(): boolean {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `npm run conformance`: both tools on every case; `--record` writes ansible-playbook's outcome into the files. */
function main(): void {
  if (!hasAnsible()) {
    console.error('ansible-playbook is not installed (apt-get install ansible-core; bin/setup.sh installs it)');
    process.exit(1);
  }
  const record = process.argv.includes('--record');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  let failed = 0;
  let passed = 0;
  for (const file of caseFiles().filter((f) => only.length === 0 || only.some((o) => f.includes(o)))) {
    const c = readCase(file);
    const ansible = runAnsible(c);
    if (record) {
      const doc = YAML.parseDocument(readFileSync(file, 'utf8'), { version: '1.1' });
      doc.set('expected', doc.createNode(ansible));
      writeFileSync(file, doc.toString({ lineWidth: 0 }));
    }
    const diff = differences(runTsrun(c), c.tsrun ?? ansible);
    if (diff.length) { failed++; console.log(`FAIL ${basename(file)}\n  ${diff.join('\n  ')}`); } else { passed++; console.log(`ok   ${basename(file)}`); }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
