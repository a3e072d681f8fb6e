import { defineConfig } from 'vitest/config';

// The end-to-end test drives Chromium from Node (playwright-core), against
// the production build in dist/ (turbo runs `build` before `test`).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Generous: the machine is shared, and a loaded one slows every round.
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
