import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: the fault-and-load suite (test/chaos/README.md).
 * One file at a time: each scenario times faults against the lease TTL, and
 * a neighbour's load would blur what is measured.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
