import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture trees hold symlinks into the real file system (proc-*/1/cwd -> /): never search them.
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes and servers; keep files in separate forks.
    pool: 'forks',
    reporters: ['default'],
  },
});
