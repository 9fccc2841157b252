import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Sockets and timers are real in integration tests; forks isolate them per file.
    pool: 'forks',
  },
});
