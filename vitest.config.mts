import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files run in parallel processes; each test owns its queues and files, so they do not interfere.
    pool: 'forks',
    fileParallelism: true,
  },
});
