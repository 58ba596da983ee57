import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on CI: run test files in parallel, one worker per core.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
  },
});
