import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The cluster suite runs on its own cluster: make test-cluster (vitest.cluster.config.ts).
    exclude: ['**/node_modules/**', 'test/cluster/**'],
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file that needs Temporal starts its own server; two cores run two files at a time.
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default'],
  },
});
