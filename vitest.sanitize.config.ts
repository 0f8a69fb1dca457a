// The sanitizer run (scripts/test-sanitize.sh): the project's vitest config plus a setup
// file that loads the ASan+UBSan addon into each worker and keeps the ASan preload away
// from the processes the tests spawn.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      setupFiles: ['test/helpers/sanitize-setup.ts'],
    },
  }),
);
