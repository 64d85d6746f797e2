import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { validateArgs } from '../../../src/modules/args';
import { blockinfile, planBlockinfile } from '../../../src/modules/blockinfile';
import { copy, planCopy } from '../../../src/modules/copy';
import { file, planFile } from '../../../src/modules/file';
import { lineinfile, planLineinfile } from '../../../src/modules/lineinfile';
import type { Diff, Module, Plan } from '../../../src/modules/types';

/** One plan() case: arguments, the state read from the host, and what the plan must say. */
interface Case {
  name: string;
  args: Record<string, unknown>;
  state?: Record<string, unknown>;
  expect: {
    changed?: boolean;
    /** Content after the change (the file diff's `after`). */
    after?: string;
    /** The readable diff lines, all of them, in order. */
    lines?: string[];
    msg?: string;
    /** A regular expression the thrown error must match. */
    error?: string;
    data?: Record<string, unknown>;
  };
}

type PlanFn = (state: never, args: never) => Plan;
const modules: Record<string, { module: Module<never>; plan: PlanFn; fileKey: string }> = {
  copy: { module: copy as Module<never>, plan: planCopy as PlanFn, fileKey: 'file' },
  lineinfile: { module: lineinfile as Module<never>, plan: planLineinfile as PlanFn, fileKey: 'file' },
  blockinfile: { module: blockinfile as Module<never>, plan: planBlockinfile as PlanFn, fileKey: 'file' },
  file: { module: file as Module<never>, plan: planFile as PlanFn, fileKey: 'file' },
};

/** Fills a file state's defaults so cases only say what matters; content strings become Buffers. */
function fileState(raw: Record<string, unknown> | undefined, path: string): Record<string, unknown> {
  const f: Record<string, unknown> = { path, exists: false, parentExists: true, ...raw };
  if (f.exists) Object.assign(f, { type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, ...raw });
  if (typeof f.content === 'string') f.content = Buffer.from(f.content);
  return f;
}

function buildState(name: string, c: Case, args: Record<string, unknown>): Record<string, unknown> {
  const s: Record<string, unknown> = { user: 'root', group: 'root', mkdir: false, tree: [], ...c.state };
  const path = String(args.path ?? args.dest);
  s.file = fileState(c.state?.file as Record<string, unknown>, path);
  if (c.state?.src) s.src = fileState(c.state.src as Record<string, unknown>, String(args.src));
  if (typeof s.source === 'string') s.source = Buffer.from(s.source);
  if (name === 'file' && c.state?.tree) s.tree = c.state.tree;
  return s;
}

const fileDiff = (d: Diff[]): Extract<Diff, { kind: 'file' }> | undefined => d.find((x) => x.kind === 'file') as never;
const lineDiff = (d: Diff[]): string[] => d.flatMap((x) => (x.kind === 'lines' ? x.lines : []));

const root = join(import.meta.dirname, 'cases');
for (const name of readdirSync(root)) {
  const mod = modules[name];
  describe(`${name} plan()`, () => {
    for (const f of readdirSync(join(root, name)).filter((x) => x.endsWith('.yml'))) {
      const cases = YAML.parse(readFileSync(join(root, name, f), 'utf8'), { version: '1.1' }) as Case[];
      for (const c of cases) {
        it(`${f}: ${c.name}`, () => {
          const args = validateArgs(mod.module.args, c.args, { module: name });
          const state = buildState(name, c, args);
          const run = (): Plan => mod.plan(state as never, args as never);
          if (c.expect.error) {
            expect(run).toThrow(new RegExp(c.expect.error));
            return;
          }
          const p = run();
          // what `register` would hold is documented: every key the plan returns is declared in the module's returns
          for (const key of Object.keys(p.data ?? {})) expect(Object.keys(mod.module.returns), `${name} returns "${key}" without declaring it`).toContain(key);
          if (c.expect.changed !== undefined) expect(p.changed).toBe(c.expect.changed);
          if (c.expect.msg !== undefined) expect(p.msg).toBe(c.expect.msg);
          if (c.expect.lines !== undefined) expect(lineDiff(p.diff)).toEqual(c.expect.lines);
          if (c.expect.data !== undefined) expect(p.data).toMatchObject(c.expect.data);
          if (c.expect.after !== undefined) {
            expect(fileDiff(p.diff)?.after).toBe(c.expect.after);
            // idempotence: once the planned content and attributes are in place, the same task changes nothing
            const f = state[mod.fileKey] as Record<string, unknown>;
            const again = { ...state, [mod.fileKey]: { ...f, exists: true, type: 'file', parentExists: true, content: Buffer.from(c.expect.after), mode: p.data?.mode ?? f.mode, owner: p.data?.owner ?? f.owner, group: p.data?.group ?? f.group } };
            const p2 = mod.plan(again as never, args as never);
            expect(p2.changed, 'the second run must change nothing').toBe(false);
          } else if (c.expect.changed === true && name !== 'file') {
            expect(fileDiff(p.diff), 'no content diff expected').toBeUndefined();
          }
        });
      }
    }
  });
}
