// SPDX-License-Identifier: MIT
import { defineConfig } from 'vitest/config';

// Guest tests boot a real kernel under v86 and browser tests drive Chromium:
// run files one at a time (2 cores) with generous timeouts (noisy machines).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
