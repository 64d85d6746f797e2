import type Handlebars from 'handlebars';
import { lazyRequire } from '../core/lazy-require';
import { closest } from 'fastest-levenshtein';
import { TsrunError } from '../core/errors';
import { ownProperty, typeName } from '../expr/values';
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
