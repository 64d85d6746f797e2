import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { LocalConnection } from '../../../src/connection/local';
import type { Become, Connection, ExecOptions, PutOptions } from '../../../src/connection/types';
import { validateArgs } from '../../../src/modules/args';
import type { Module, ModuleContext, ModuleResult } from '../../../src/modules/types';

/** Replaces `{{ name }}` with the variable's value: enough to test modules without the real template engine. */
export function tinyRender(vars: Record<string, unknown>): (template: string) => string {
  return (template) => template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => {
    if (!(name in vars)) throw new Error(`undefined variable ${name}`);
    return String(vars[name]);
  });
}

/** Options for a test context; everything has a harmless default. */
export interface TestContextOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  /** Where `files/` and `templates/` are looked up (the role or playbook directory). */
  baseDir?: string;
  render?: (template: string) => string;
  /** Use this connection instead of a fresh LocalConnection (a CountingConnection, say). */
  conn?: Connection;
}

/** A LocalConnection that records every call, to check that a module keeps to few round trips. */
export class CountingConnection extends LocalConnection {
  /** One entry per call: 'exec', 'put' or 'get' (put's own exec is not counted twice). */
  readonly calls: string[] = [];
  private inPut = false;

  override exec(command: string, opts?: ExecOptions) {
    if (!this.inPut) this.calls.push('exec');
    return super.exec(command, opts);
  }

  override async put(dest: string, content: string | Buffer, opts?: PutOptions) {
    this.calls.push('put');
    this.inPut = true;
    try {
      return await super.put(dest, content, opts);
    } finally {
      this.inPut = false;
    }
  }

  override get(path: string, opts?: { become?: Become }) {
    this.calls.push('get');
    return super.get(path, opts);
  }
}

/** A ModuleContext around LocalConnection, with findFile under baseDir and a trivial render. */
export function testContext(opts: TestContextOptions = {}): ModuleContext {
  const vars = opts.vars ?? {};
  return {
    conn: opts.conn ?? new LocalConnection('localhost'),
    check: opts.check ?? false,
    diff: opts.diff ?? true,
    vars,
    findFile: (kind, name) => (isAbsolute(name) ? name : join(opts.baseDir ?? process.cwd(), kind, name)),
    render: opts.render ?? tinyRender(vars),
    evaluate: (expression) => {
      throw new Error(`evaluate is not available in module tests: ${expression}`);
    },
  };
}

/** Validates raw arguments against the module's spec (as the executor does) and runs it. */
export function runModule(mod: Module<never>, ctx: ModuleContext, raw: Record<string, unknown>): Promise<ModuleResult> {
  const args = validateArgs(mod.args, raw, { module: mod.name });
  return (mod as unknown as Module).run(ctx, args);
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix = 'tsrun-mod-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
