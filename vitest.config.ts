import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fixture trees hold symlinks into the real file system (proc-*/1/cwd -> /): never search them.
    exclude: ['test/fixtures/**', '**/node_modules/**'],
    // Empty fixture directories git cannot store (test/fixtures/EMPTY_DIRS).
    globalSetup: ['test/helpers/fixture-dirs.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests spawn real processes and servers; keep files in separate forks.
    pool: 'forks',
    // One file at a time: live cross-checks compare against the kernel at the same moment,
    // and some files spawn process storms, FUSE mounts and namespaces that would disturb
    // another file's counts on a 2-core machine.
    fileParallelism: false,
    reporters: ['default'],
  },
});
