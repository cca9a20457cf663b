import { defineConfig } from 'vitest/config';

/**
 * make test-cluster: the suite on a real cluster (PostgreSQL, Temporal server, MinIO, two workers,
 * the API), started once by the global setup from scripts/cluster. Its files run one after the other:
 * they restart the cluster's processes under each other's books.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
