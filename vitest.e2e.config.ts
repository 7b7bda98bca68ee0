// Browser end-to-end tests (tests/e2e/*.e2e.ts): one file at a time, each starting its own
// servers and a headless system Chromium. Run through scripts/e2e.mjs, which builds the renderer first.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
