import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // unit tests run real shells and nginx: a loaded machine (CI's fresh root, helpers side by side) needs more than 5 s
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-lab.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
