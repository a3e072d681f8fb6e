import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The integration tests run the built CLI (worker threads load dist/), on a
    // shared 2-core machine: generous limits, and one file at a time so that two
    // benchmarks never fight over the cores.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
