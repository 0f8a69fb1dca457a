#!/usr/bin/env node
// Run by npm's install hook, and by `npm run build`.
//
// In a checkout (tsconfig.json is there): builds the native addon from source (cmake-js,
// offline through node-api-headers) and then the TypeScript, so that one `npm ci` leaves a
// usable checkout.
//
// In an installed package (which ships dist/ and prebuilds/): uses the prebuilt addon for
// this platform and architecture when it loads here, printing one line; otherwise (none
// for this platform, or it does not load, or HOSTPROBE_BUILD_FROM_SOURCE=1) it says so in
// one line first and builds from source, which needs cmake, g++ and the optional peer
// dependencies cmake-js, node-addon-api and node-api-headers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const checkout = existsSync(join(root, 'tsconfig.json'));
const tag = `${process.platform}-${process.arch}`;
const SOURCE_DEPS = ['cmake-js', 'node-addon-api', 'node-api-headers'];

function fail(msg) {
  console.error(`hostprobe: ${msg}`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`build: ${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** Why the prebuilt addon does not load in this Node (in a child: a crash stays there), or null. */
function loadError(file) {
  const r = spawnSync(process.execPath, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status === 0) return null;
  const why = (r.stderr || '').split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.status ?? r.signal}`;
  return why.trim();
}

if (!checkout && process.env.HOSTPROBE_BUILD_FROM_SOURCE !== '1') {
  const rel = `prebuilds/${tag}/hostprobe.node`;
  const prebuilt = join(root, rel);
  if (existsSync(prebuilt)) {
    const why = loadError(prebuilt);
    if (why === null) {
      console.log(`hostprobe: using the prebuilt addon ${rel} (no compiler needed)`);
      process.exit(0);
    }
    console.log(
      `hostprobe: the prebuilt addon ${rel} does not load here (${why}); building from source with cmake-js (needs cmake, g++) ...`,
    );
  } else {
    console.log(`hostprobe: no prebuilt addon for ${tag}; building from source with cmake-js (needs cmake, g++) ...`);
  }
} else if (!checkout) {
  console.log('hostprobe: HOSTPROBE_BUILD_FROM_SOURCE=1; building from source with cmake-js (needs cmake, g++) ...');
}

const missing = SOURCE_DEPS.filter((d) => {
  try {
    require.resolve(`${d}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length) {
  fail(
    `building the addon from source needs ${missing.join(', ')} (optional peer dependencies), not installed: ` +
      `npm install ${SOURCE_DEPS.join(' ')} && npm rebuild hostprobe`,
  );
}
for (const tool of ['cmake', 'g++']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
    fail(`building the addon from source needs ${tool} on PATH (Debian: apt-get install cmake g++ make)`);
  }
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
const jobs = process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2';
process.env.CMAKE_BUILD_PARALLEL_LEVEL = jobs;
run(process.execPath, [cmakeJs, 'compile', '--out', 'build', '--config', 'Release']);

// tsc is a dev dependency: present in a checkout, absent in a published install (which ships dist/).
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (existsSync(tsc) && checkout) {
  run(process.execPath, [tsc, '-p', 'tsconfig.json']);
}
