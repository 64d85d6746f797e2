import { FAILSAFE_SCHEMA, Type, type Schema } from 'js-yaml';
import { isScalar, parseDocument, type ScalarTag } from 'yaml';
import { pyyamlTags } from './tags';

/** Thrown when a plain scalar's resolution would be an error on the `yaml` path: that path reports it. */
export const UNRESOLVED = new Error('plain scalar not resolvable as YAML 1.1');

/** The tag js-yaml gives a plain scalar that one of these tags resolved. */
export const PLAIN_TAG = 'tag:tsrun,yaml-1.1-plain';

let schema: Schema | undefined;

/**
 * A js-yaml schema whose plain scalars resolve exactly as the `yaml` library's YAML 1.1 tags (after `pyyamlTags`)
 * resolve them: the same tests, tried in the same order, and the same `resolve` functions (yes/no, 0644, 1_000,
 * sexagesimal, ~). One implicit type holds them all, as js-yaml keeps one implicit type per tag name.
 */
export function yaml11Schema(): Schema {
  if (schema) return schema;
  const options = { version: '1.1' as const, customTags: pyyamlTags };
  const tags = (parseDocument('', options).schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test && t.resolve);
  const fail = (): void => {
    throw UNRESOLVED;
  };
  let match: ScalarTag | undefined;
  const implicit = new Type(PLAIN_TAG, {
    kind: 'scalar',
    resolve: (data) => (match = tags.find((t) => t.test!.test(data))) !== undefined,
    construct: (data) => {
      // some tags (the booleans) resolve to a Scalar node, as `yaml` keeps their source text
      const value = match!.resolve(data, fail, options as never);
      return isScalar(value) ? value.value : value;
    },
  });
  schema = FAILSAFE_SCHEMA.extend({ implicit: [implicit] });
  return schema;
}
