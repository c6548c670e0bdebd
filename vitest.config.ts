import { defineConfig } from 'vitest/config';

// Two test files at a time: vitest's default on this 2-core machine is one (cores - 1), which ran
// the suite file after file (867 s of tests in 913 s on 2026-12-02). The timeout leaves room for
// the longest test (a naive BFS, 94 s alone then) slowed by the other file running beside it.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
