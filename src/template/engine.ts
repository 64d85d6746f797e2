import type Handlebars from 'handlebars';
import { lazyRequire } from '../core/lazy-require';
import { closest } from 'fastest-levenshtein';
import { TsrunError } from '../core/errors';
import type { Node } from '../expr/ast';
import { type Scope, value } from '../expr/evaluate';
import { isMapping, ownProperty, typeName } from '../expr/values';
import { printed } from './jinja';
import { stringify } from './filters/data';
import { filters, filtersByName } from './filters/index';
import { CAPTURE, GET, OUT, TRY } from './rewrite';

/** Where in the template a helper failed (line 1-based, column 0-based), with the error to report. */
export class TemplateFault extends Error {
  constructor(readonly inner: TsrunError, readonly pos: { line: number; column: number } | undefined) {
    super(inner.message);
  }
}

/** The box a whole-expression template stores its typed value in (passed as `@tsrunCapture`). */
export interface CaptureBox {
  value?: unknown;
}

/** Helpers whose arguments may be undefined variables. */
export const lenientHelpers: ReadonlySet<string> = new Set(filters.filter((f) => f.lenient).flatMap((f) => [f.name, ...(f.aliases ?? [])]));

function optionsOf(args: unknown[]): Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation; name?: string } {
  return args.pop() as Handlebars.HelperOptions & { loc?: hbs.AST.SourceLocation };
}

function fault(err: unknown, options: { loc?: hbs.AST.SourceLocation }): TemplateFault {
  if (err instanceof TemplateFault) return err;
  const inner = err instanceof TsrunError ? err : new TsrunError('SCHEMA', (err as Error).message ?? String(err), { cause: err });
  return new TemplateFault(inner, options.loc?.start);
}

/** Walks `head.seg.seg` strictly; `strict` false returns undefined instead of failing. */
function walk(args: unknown[], strict: boolean): unknown {
  const options = optionsOf(args);
  const [found, headName, ...segments] = args as [unknown, string, ...string[]];
  // Handlebars' compat lookup skips null values; the variables themselves are the last word.
  const root = (options.data as { root?: unknown } | undefined)?.root;
  const head = found === undefined && /^\w+$/.test(headName) ? ownProperty(root, headName) : found;
  if (head === undefined) {
    if (!strict) return undefined;
    throw fault(new TsrunError('UNDEFINED', `undefined variable '${headName}'`), options);
  }
  let current = head;
  let name = headName;
  for (const seg of segments) {
    const next = ownProperty(current, seg);
    if (next === undefined) {
      if (!strict) return undefined;
      const what = current === null ? 'null' : `a ${typeName(current)}`;
      throw fault(new TsrunError('UNDEFINED', `undefined variable '${name}.${seg}': '${name}' is ${what} without '${seg}'`), options);
    }
    current = next;
    name = `${name}.${seg}`;
  }
  return current;
}

/** The helper that evaluates a Jinja expression embedded among Handlebars blocks (see render.ts). */
export const JX = '__jx';

/**
 * Variables seen by a Jinja expression inside a Handlebars block: `this`, then the block's context (an item of
 * `{{#each}}`, the value of `{{#with}}`), then the template's variables.
 */
function blockScope(ctx: unknown, root: unknown): Scope {
  const vars = isMapping(root) ? root : {};
  return {
    get: (name) => {
      if (name === 'this') return ctx;
      if (ctx !== root && isMapping(ctx) && Object.hasOwn(ctx, name)) return ctx[name];
      return ownProperty(vars, name);
    },
    where: {},
    vars,
  };
}

/** The Handlebars package itself, loaded with the first template (start-up does not pay for it). */
export const handlebarsLib = lazyRequire<typeof Handlebars>('handlebars');

let shared: typeof Handlebars | undefined;

/** The one Handlebars environment for tsrun: our helpers, no HTML escaping, strictness by rewriting. */
export function handlebars(): typeof Handlebars {
  return (shared ??= createEnvironment());
}

function createEnvironment(): typeof Handlebars {
  const env = handlebarsLib().create();
  env.registerHelper(GET, (...args: unknown[]) => walk(args, true));
  env.registerHelper(TRY, (...args: unknown[]) => walk(args, false));
  env.registerHelper(JX, function jinjaExpression(this: unknown, index: number, options: Handlebars.HelperOptions) {
    const data = options.data as { root?: unknown; tsrunJinja: { node: Node; pos: { line: number; column: number } }[] };
    const e = data.tsrunJinja[index];
    try {
      return printed(value(blockScope(this, data.root), e.node));
    } catch (err) {
      throw new TemplateFault(err instanceof TsrunError ? err : new TsrunError('SCHEMA', (err as Error).message, { cause: err }), e.pos);
    }
  });
  env.registerHelper(OUT, (value: unknown) => stringify(value));
  env.registerHelper(CAPTURE, (value: unknown, options: Handlebars.HelperOptions) => {
    (options.data.tsrunCapture as CaptureBox).value = value;
    return '';
  });
  // Handlebars' own lookup would skip strictness; this one fails on a missing key like any other lookup.
  env.registerHelper('lookup', (...args: unknown[]) => {
    const options = optionsOf(args);
    const [container, key] = args;
    const found = ownProperty(container, String(key));
    if (found === undefined) throw fault(new TsrunError('UNDEFINED', `lookup: no key '${String(key)}' in ${typeName(container)}`), options);
    return found;
  });
  env.registerHelper('helperMissing', (...args: unknown[]) => {
    const options = optionsOf(args);
    const name = String(options.name);
    const expected = `a helper such as ${closest(name, [...filtersByName.keys()])}`;
    throw fault(new TsrunError('UNDEFINED', `unknown template helper '${name}'`, { expected }), options);
  });
  for (const [name, filter] of filtersByName) {
    env.registerHelper(name, (...args: unknown[]) => {
      const options = optionsOf(args);
      try {
        return filter.fn(args, { ...(options.hash as Record<string, unknown>) });
      } catch (err) {
        throw fault(err, options);
      }
    });
  }
  return env;
}
