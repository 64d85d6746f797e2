import { expect } from 'vitest';
import { TsrunError } from '../../../src/core/errors';

/** Runs fn, which must throw a TsrunError, and returns that error for its message and location. */
export function failure(fn: () => unknown): TsrunError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TsrunError);
    return err as TsrunError;
  }
  throw new Error('expected an error');
}
