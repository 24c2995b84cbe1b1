import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: DuckDB and chromium tests compete for them, so keep files to two at a time.
    maxWorkers: 2,
  },
});
