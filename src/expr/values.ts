/** Python-like value semantics shared by expressions and template helpers. */

/** Property names that would reach an object's prototype; never looked up. */
export const BLOCKED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Python truthiness: None, False, 0, '' and empty lists/dicts are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Whether a value is a plain mapping (YAML dict), not a list or null. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structural equality, as Python's `==` on lists and dicts. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A short type name for error messages, in YAML terms. */
export function typeName(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isMapping(value)) return 'mapping';
  return typeof value;
}

/**
 * Reads an own property only (so `x.constructor` or inherited methods are never reached); undefined when absent.
 * Strings expose their characters and length, as Python's indexing does.
 */
export function ownProperty(container: unknown, key: string | number): unknown {
  const name = String(key);
  if (BLOCKED_NAMES.has(name)) return undefined;
  if (typeof container === 'string') {
    if (name === 'length') return container.length;
    const index = Number(name);
    return Number.isInteger(index) ? container.at(index) : undefined;
  }
  if (Array.isArray(container)) {
    const index = Number(name);
    if (Number.isInteger(index)) return container.at(index);
    return name === 'length' ? container.length : undefined;
  }
  if (isMapping(container) && Object.hasOwn(container, name)) return container[name];
  return undefined;
}

/** Python's `item in container`: substring for text, member for lists, key for mappings; undefined otherwise. */
export function contains(container: unknown, item: unknown): boolean | undefined {
  if (typeof container === 'string') return typeof item === 'string' ? container.includes(item) : undefined;
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (isMapping(container)) return (typeof item === 'string' || typeof item === 'number') && Object.hasOwn(container, String(item));
  return undefined;
}
