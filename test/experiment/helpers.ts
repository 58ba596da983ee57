import { expect } from 'vitest';
import { ConfigError } from '../../src/sim/errors.js';

/** The smallest valid experiment: a name and a workload. */
export const minimal = (): Record<string, unknown> => ({
  name: 'quick',
  workload: { kind: 'incast', senders: 3, bytes: 65536 },
});

/** The ConfigError `fn` throws; fails the test if it returns or throws anything else. */
export function configError(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a ConfigError').toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}
