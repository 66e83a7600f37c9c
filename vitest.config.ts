import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The chaos suite runs on its own (npm run test:chaos, vitest.chaos.config.ts): it takes minutes.
    exclude: [...configDefaults.exclude, 'test/chaos/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share one Docker engine and one emulator; two workers
    // match the two cores CI has and keep the emulators from being swamped.
    maxWorkers: 2,
  },
});
