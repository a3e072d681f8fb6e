import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Files that run worker threads (and child processes) one at a time: with
    // several at once, more threads spin than the machine has cores.
    fileParallelism: false,
  },
});
