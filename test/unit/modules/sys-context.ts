import { LocalConnection } from '../../../src/connection/local';
import { validateArgs } from '../../../src/modules/args';
import type { Module, ModuleContext, ModuleResult } from '../../../src/modules/types';

/** A module context on the controller itself, for tests of the system modules. */
export function sysContext(over: Partial<ModuleContext> = {}): ModuleContext {
  return {
    conn: new LocalConnection('localhost'),
    check: false,
    diff: true,
    vars: {},
    findFile: (_kind, name) => name,
    render: (t) => t,
    evaluate: () => {
      throw new Error('evaluate is not used by system modules');
    },
    ...over,
  };
}

/** Validates raw arguments as the executor does, then runs the module. */
export function runModule(mod: Module<never>, raw: Record<string, unknown>, over: Partial<ModuleContext> = {}): Promise<ModuleResult> {
  const args = validateArgs(mod.args, raw, { module: mod.name });
  return (mod as unknown as Module).run(sysContext(over), args);
}
