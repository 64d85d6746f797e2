import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseYaml } from '../../src/yaml/load';
import { closeLab, labInventory, openLab, remoteEvidence, resetHosts, type LabCase, type LabTarget } from './lab';

/**
 * The differential suite: each file in cases/ is one playbook (play vars + tasks) run on the controller with the
 * local connection (or, with `lab: N`, over SSH on lab hosts: lab.ts), and what ansible-playbook did with it
 * (recorded under `expected`). One runner runs either tool
 * and reduces its run to the same outcome: the exit code and, per task, its status and what debug printed.
 */

/** One task's outcome on one host, the same shape for both tools. */
export interface TaskOutcome {
  name: string;
  /** The host, when it is not `h` (the one host of most cases). */
  host?: string;
  status: 'ok' | 'changed' | 'skipped' | 'failed' | 'ignored' | 'unreachable' | 'unknown';
  /** What a debug task printed (msg, or the value of var). */
  out?: unknown;
}

export interface Outcome {
  exit: number;
  tasks: TaskOutcome[];
  /** The content of each file named in the case's `compare_files` after the run (null: it does not exist). */
  files?: Record<string, string | null>;
  /** A lab case's `compare_remote` output, keyed `host: command`. */
  remote?: Record<string, string>;
  /** With the case's `compare_recap`: the recap's counts per host. */
  recap?: Record<string, Record<string, number>>;
}

/** A case file: one playbook, the files beside it, and what each tool did with it. */
export interface Case extends LabCase {
  description: string;
  /** The short form: one play on host h with these vars, tasks and handlers. */
  vars?: Record<string, unknown>;
  tasks?: unknown[];
  handlers?: unknown[];
  /** The long form: the whole playbook (a list of plays). */
  plays?: unknown[];
  /** The inventory file's text (default: hosts h and h2 on the local connection). */
  inventory?: string;
  /** Files written into the workspace before the run, by path relative to it (roles, group_vars, templates...). */
  files?: Record<string, string>;
  /** `-e` arguments (each `k=v` or a JSON mapping). */
  extra_vars?: string[];
  /** Run with --check. */
  check?: boolean;
  /** Workspace files whose content after the run is compared. */
  compare_files?: string[];
  /** Compare the recap's counts per host (ok, changed, unreachable, failed, skipped, rescued, ignored). */
  compare_recap?: boolean;
  /** A deliberate difference (documented in docs/ansible-differences.md): what tsrun does instead. */
  tsrun?: Outcome;
  expected?: Outcome;
}

const here = fileURLToPath(new URL('.', import.meta.url));
export const CASES_DIR = join(here, 'cases');
const ROOT = join(here, '..', '..');
const CALLBACKS = join(here, 'callback');
const DEFAULT_INVENTORY = 'h ansible_connection=local ansible_host=127.0.0.1\nh2 ansible_connection=local ansible_host=127.0.0.2\n\n[all:vars]\naddr="{{ ansible_host }}"\n';

export function caseFiles(): string[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.yml')).sort().map((f) => join(CASES_DIR, f));
}

export function readCase(file: string): Case {
  // YAML 1.1 as PyYAML reads it (`n: 3` is a key n, not false), as both tools read the playbook made from it
  return parseYaml(readFileSync(file, 'utf8'), file) as Case;
}

/** How many outcomes a case file compares: each task on each host and each file (at least its exit code). */
export function caseCount(c: Case): number {
  const o = c.tsrun ?? c.expected;
  return o ? Math.max(1, o.tasks.length + Object.keys(o.files ?? {}).length + Object.keys(o.remote ?? {}).length + Object.keys(o.recap ?? {}).length) : 0;
}

interface Workspace { dir: string; args: string[] }

/** A fresh directory with the playbook, inventory and files; `workdir` (an extra var) names it. */
function workspace(c: Case, lab?: LabTarget): Workspace {
  if (c.lab && !lab) throw new Error(`the case needs a lab of ${c.lab} hosts (openLab)`);
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-conformance-'));
  const play = join(dir, 'play.yml');
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, c.lab && lab ? labInventory(c, lab) : c.inventory ?? DEFAULT_INVENTORY);
  if (c.lab && lab) resetHosts(c, lab);
  for (const [path, text] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const plays = c.plays ?? [{ hosts: c.lab ? 'all' : 'h', gather_facts: false, vars: c.vars ?? {}, tasks: c.tasks ?? [], ...(c.handlers ? { handlers: c.handlers } : {}) }];
  writeFileSync(play, YAML.stringify(plays));
  const args = ['-i', inventory, play, '-e', `workdir=${dir}`];
  for (const e of c.extra_vars ?? []) args.push('-e', e);
  if (c.check) args.push('--check');
  return { dir, args };
}

function readFiles(c: Case, dir: string): Record<string, string | null> | undefined {
  if (!c.compare_files) return undefined;
  return Object.fromEntries(c.compare_files.map((f) => [f, existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : null]));
}

interface Line { type: string; name?: string; task?: string; host?: string; status?: string; ignored?: boolean; debug?: unknown; stats?: Record<string, Record<string, number>> }

const RECAP_COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];

/** The last recap's counts per host, in the keys both tools have (tsrun's `unknown` is its own, for --check). */
function recapOf(c: Case, lines: Line[]): Outcome['recap'] {
  if (!c.compare_recap) return undefined;
  const stats = lines.filter((l) => l.type === 'recap').at(-1)?.stats ?? {};
  return Object.fromEntries(Object.keys(stats).sort().map((h) => [h, Object.fromEntries(RECAP_COUNTS.map((k) => [k, stats[h][k] ?? 0]))]));
}

/**
 * Per task, its hosts' outcomes sorted by host name (both tools report hosts in finishing order); `var:` output
 * reduced to the value, as both tools print it under the variable's name.
 */
function outcomes(lines: Line[], varNames: Set<string>): TaskOutcome[] {
  const groups: TaskOutcome[][] = [];
  for (const e of lines) {
    if (e.type === 'task_start') { groups.push([]); continue; }
    if (e.type !== 'host_result' || e.task === undefined) continue;
    if (groups.length === 0) groups.push([]);
    const st = e.status === 'failed' && e.ignored ? 'ignored' : e.status as TaskOutcome['status'];
    const t: TaskOutcome = { name: e.task, ...(e.host && e.host !== 'h' ? { host: e.host } : {}), status: st };
    if (e.debug !== undefined) t.out = isVarOutput(e.debug, varNames) ? Object.values(e.debug)[0] : e.debug;
    groups[groups.length - 1].push(t);
  }
  return groups.flatMap((g) => g.sort((a, b) => (a.host ?? 'h').localeCompare(b.host ?? 'h')));
}

function jsonLines(stdout: string): Line[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

/** Runs a case with tsrun (its CLI, --json). */
export function runTsrun(c: Case, lab?: LabTarget): Outcome {
  const ws = workspace(c, lab);
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/tsrun.js'), 'playbook', ...ws.args, '--json'], { encoding: 'utf8', cwd: ws.dir, env: { ...process.env, NO_COLOR: '1' } });
    const lines = jsonLines(r.stdout).map((e) => e.type === 'host_result' ? { ...e, ...(e as { result?: object }).result, type: e.type, task: e.task } as Line : e);
    return withExtras({ exit: r.status ?? -1, tasks: outcomes(lines, debugVars([c.tasks, c.handlers, c.plays])) }, { files: readFiles(c, ws.dir), remote: lab && remoteEvidence(c, lab), recap: recapOf(c, lines) });
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

/** Runs a case with ansible-playbook (this suite's callback, callback/conformance.py). */
export function runAnsible(c: Case, lab?: LabTarget): Outcome {
  const ws = workspace(c, lab);
  try {
    const r = spawnSync('ansible-playbook', ws.args, {
      encoding: 'utf8',
      cwd: ws.dir,
      env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'conformance', ANSIBLE_CALLBACK_PLUGINS: CALLBACKS, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_HOST_KEY_CHECKING: '0', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_DEPRECATION_WARNINGS: '0' },
    });
    const lines = jsonLines(r.stdout);
    return withExtras({ exit: r.status ?? -1, tasks: outcomes(lines, debugVars([c.tasks, c.handlers, c.plays])) }, { files: readFiles(c, ws.dir), remote: lab && remoteEvidence(c, lab), recap: recapOf(c, lines) });
  } finally {
    rmSync(ws.dir, { recursive: true, force: true });
  }
}

/** The outcome with the compared extras the case asked for (none is written as undefined). */
function withExtras(o: Outcome, extras: Pick<Outcome, 'files' | 'remote' | 'recap'>): Outcome {
  return { ...o, ...Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined)) };
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

/**
 * Values as both tools can be compared: Ansible's debug prints a whole-expression number as text ("4"),
 * tsrun keeps the number (a documented difference), so scalars compare by their text.
 */
export function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, normalise((v as Record<string, unknown>)[k])]));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).replace(/^true$/, 'True').replace(/^false$/, 'False');
  // one number type in JavaScript: 3.0 prints as 3 (documented in docs/ansible-differences.md)
  if (typeof v === 'string') return v.replace(/(^|[\s[(,])(-?\d+)\.0(?=$|[\s\]),])/g, '$1$2');
  return v;
}

/**
 * Ansible turns text that looks like a Python literal ("[]", "{'a': 1}") into that value; tsrun keeps the text. Both
 * print the same, so text compares with the other side's Python form.
 */
function sameOutput(got: unknown, want: unknown): boolean {
  if (JSON.stringify(normalise(got)) === JSON.stringify(normalise(want))) return true;
  if (typeof got === 'string' && typeof want === 'object' && want !== null) return got === pyText(want);
  if (typeof want === 'string' && typeof got === 'object' && got !== null) return want === pyText(got);
  return false;
}

function pyText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyText).join(', ')}]`;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pyText(k)}: ${pyText(x)}`).join(', ')}}`;
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** What differs between two outcomes, one line each; empty when they agree. */
export function differences(got: Outcome, want: Outcome): string[] {
  const out: string[] = [];
  if (got.exit !== want.exit) out.push(`exit ${got.exit}, expected ${want.exit}`);
  const n = Math.max(got.tasks.length, want.tasks.length);
  for (let i = 0; i < n; i++) {
    const [g, w] = [got.tasks[i], want.tasks[i]];
    if (!g || !w) { out.push(`task ${i + 1}: ${g ? `extra ${g.name}` : `missing ${w.name}`}`); continue; }
    const where = `task ${i + 1} (${w.name}${w.host ? ` on ${w.host}` : ''})`;
    if (g.name !== w.name || g.host !== w.host) out.push(`${where}: got ${g.name}${g.host ? ` on ${g.host}` : ''}`);
    if (g.status !== w.status) out.push(`${where}: status ${g.status}, expected ${w.status}`);
    // a failure's message is each tool's own (documented): only what a task that ran printed is compared
    if (w.out !== undefined && !['failed', 'ignored'].includes(w.status) && !sameOutput(g.out, w.out)) {
      out.push(`${where}: printed ${JSON.stringify(g.out)}, expected ${JSON.stringify(w.out)}`);
    }
  }
  for (const [f, text] of Object.entries(want.files ?? {})) {
    if ((got.files ?? {})[f] !== text) out.push(`file ${f}: ${JSON.stringify((got.files ?? {})[f])}, expected ${JSON.stringify(text)}`);
  }
  for (const [k, text] of Object.entries(want.remote ?? {})) {
    if ((got.remote ?? {})[k] !== text) out.push(`${k}: ${JSON.stringify((got.remote ?? {})[k])}, expected ${JSON.stringify(text)}`);
  }
  if (want.recap && JSON.stringify(got.recap) !== JSON.stringify(want.recap)) out.push(`recap ${JSON.stringify(got.recap)}, expected ${JSON.stringify(want.recap)}`);
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

/**
 * `npm run conformance [NAME...]`: both tools on every case (or the files whose name holds NAME). A case passes when
 * tsrun does what ansible-playbook does, or, for a documented difference, what the case's `tsrun` says while
 * ansible-playbook still does what `expected` says. `--record` writes ansible-playbook's outcome into the files;
 * `--tsrun-only` compares tsrun with the recorded outcomes (the unit test's mode, without Ansible). Lab cases share
 * one light lab (`conformance`, or $TSRUN_CONFORMANCE_LAB), brought up for them and taken down at the end.
 */
async function main(): Promise<void> {
  const tsrunOnly = process.argv.includes('--tsrun-only');
  if (!tsrunOnly && !hasAnsible()) {
    console.error('ansible-playbook is not installed (apt-get install ansible-core; bin/setup.sh installs it)');
    process.exit(1);
  }
  const record = process.argv.includes('--record');
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const started = performance.now();
  const count = { files: 0, cases: 0, identical: 0, differences: 0, failed: 0 };
  const files = caseFiles().filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  const labNodes = Math.max(0, ...files.map((f) => readCase(f).lab ?? 0));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const lab = labNodes ? await openLab(labNodes, 'conformance', log) : undefined;
  try {
    for (const file of files) {
      const c = readCase(file);
      let ansible = c.expected;
      if (!tsrunOnly) {
        ansible = runAnsible(c, lab);
        if (record) {
          const doc = YAML.parseDocument(readFileSync(file, 'utf8'), { version: '1.1' });
          doc.set('expected', doc.createNode(ansible));
          writeFileSync(file, doc.toString({ lineWidth: 0 }));
          c.expected = ansible;
        }
      }
      if (!ansible) { console.log(`FAIL ${basename(file)}\n  no recorded outcome: run with --record`); count.failed++; continue; }
      const diff = differences(runTsrun(c, lab), c.tsrun ?? ansible);
      // a documented difference still holds only while ansible-playbook does what the case recorded
      if (c.tsrun && c.expected && !tsrunOnly) diff.push(...differences(ansible, c.expected).map((d) => `ansible-playbook changed: ${d}`));
      const n = caseCount(c);
      count.files++;
      count.cases += n;
      if (diff.length) { count.failed += n; console.log(`FAIL ${basename(file)}\n  ${diff.join('\n  ')}`); continue; }
      if (c.tsrun) count.differences += n; else count.identical += n;
      console.log(`ok   ${basename(file)} (${n}${c.tsrun ? ', documented difference' : ''})`);
    }
  } finally {
    if (lab) await closeLab(lab, log);
  }
  const secs = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`${count.files} files, ${count.cases} cases: ${count.identical} identical, ${count.differences} documented differences, ${count.failed} failed (${secs} s)`);
  process.exit(count.failed ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
