#!/usr/bin/env node
// Builds the native addon (cmake-js, offline through node-api-headers) and then the
// TypeScript, so that one `npm ci` leaves a usable checkout. Run by npm's install hook.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`hostprobe build: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2';
process.env.CMAKE_BUILD_PARALLEL_LEVEL = jobs;
run(process.execPath, [cmakeJs, 'compile', '--out', 'build', '--config', 'Release']);

// tsc is a dev dependency: present in a checkout, absent in a published install (which ships dist/).
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(tsc) && existsSync(join(root, 'tsconfig.json'))) {
  run(process.execPath, [tsc, '-p', 'tsconfig.json']);
}
