// The sanitizer run (scripts/test-sanitize.sh): the project's vitest config plus a setup
// file that loads the ASan+UBSan addon into each worker and keeps the ASan preload away
// from the processes the tests spawn.
//
// It runs the library's suites: the tests of src/*.ts, src/internal and src/cli/agent-deps
// under test/unit (the agent side's tests, test/unit/{agent,collectors,config,http,sinks}
// and the CLI's, drive the same addon calls through servers and child processes and stay
// out of the ASan run), and test/live.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

const config = mergeConfig(
  base,
  defineConfig({
    test: {
      setupFiles: ['test/helpers/sanitize-setup.ts'],
    },
  }),
);
// Set, not merged: mergeConfig would append these to the base's test/**/*.test.ts.
config.test!.include = [
  'test/unit/*.test.ts',
  'test/unit/internal/**/*.test.ts',
  'test/unit/cli/agent-deps.test.ts',
  'test/live/**/*.test.ts',
];
export default config;
