import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CommonJS and ESM builds; @apollo/server loads the CommonJS one, so the code under test must too,
    // as in production: with two builds loaded, `instanceof GraphQLError` tells nothing.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files run in parallel processes; each test owns its queues and files, so they do not interfere.
    pool: 'forks',
    fileParallelism: true,
  },
});
