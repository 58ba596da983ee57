import { expect } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';

/** The ConfigError `fn` throws (fails the test if it throws nothing or something else). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
