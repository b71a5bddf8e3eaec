import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration suites start real processes (docker-registry, redis-server): give them room,
    // but keep a ceiling so a hung child process fails the run instead of stalling CI.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/support/setup.ts'],
    // The usual console report, plus a JSON summary that CI turns into one plain closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest-results.json' },
  },
});
