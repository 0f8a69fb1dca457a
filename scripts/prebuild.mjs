#!/usr/bin/env node
// Builds the prebuilt addons that `npm pack` ships: prebuilds/linux-<arch>/hostprobe.node,
// for linux-x64 natively and linux-arm64 with Debian's cross compiler
// (g++-aarch64-linux-gnu). Each is compiled with cmake-js (Release) and copied; its highest
// GLIBC and GLIBCXX symbol versions (objdump -T) must not exceed Debian 12's (glibc 2.36,
// GCC 12's libstdc++), so a prebuilt loads there and on anything newer; a newer one is
// refused with the symbol that needs it. Run by the `prepack` script, so the tarball always
// carries fresh ones.
//
// Usage: node scripts/prebuild.mjs [x64] [arm64]   (default: both, or HOSTPROBE_PREBUILD_ARCHES="x64 arm64")
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Debian 12: glibc 2.36, libstdc++ from GCC 12 (GLIBCXX_3.4.30).
export const GLIBC_BASELINE = '2.36';
export const GLIBCXX_BASELINE = '3.4.30';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** How each architecture is built on an x64 Debian 12 host. */
const TARGETS = {
  x64: { native: 'x64', out: 'build', objdump: 'objdump', cmake: [] },
  arm64: {
    native: 'arm64',
    out: 'build-arm64',
    objdump: 'aarch64-linux-gnu-objdump',
    compiler: 'aarch64-linux-gnu-g++',
    cmake: [
      '--arch',
      'arm64',
      '--CDCMAKE_SYSTEM_NAME=Linux',
      '--CDCMAKE_SYSTEM_PROCESSOR=aarch64',
      '--CDCMAKE_C_COMPILER=aarch64-linux-gnu-gcc',
      '--CDCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++',
    ],
  },
};

function fail(msg) {
  console.error(`hostprobe prebuild: ${msg}`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/** [2, 34] of "2.34". */
function version(v) {
  return v.split('.').map((p) => Number.parseInt(p, 10));
}
function newer(a, b) {
  const x = version(a);
  const y = version(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  }
  return false;
}

/** The highest version of one symbol-version family (GLIBC, GLIBCXX) in `objdump -T` output, and a symbol needing it. */
function highest(dump, family) {
  let max = '0';
  let symbol = '';
  const re = new RegExp(`\\(${family}_(\\d+(?:\\.\\d+)+)\\)\\s+(\\S+)\\s*$`);
  for (const line of dump.split('\n')) {
    const m = re.exec(line);
    if (m && newer(m[1], max)) {
      max = m[1];
      symbol = m[2];
    }
  }
  return { max, symbol };
}

function prebuild(arch) {
  const t = TARGETS[arch];
  if (!t) fail(`unknown architecture ${JSON.stringify(arch)} (known: ${Object.keys(TARGETS).join(', ')})`);
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== arch)) {
    fail(`builds prebuilt addons on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  for (const tool of [t.compiler, t.objdump].filter(Boolean)) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      fail(
        `${tool} not found, needed for the linux-${arch} prebuilt (Debian: apt-get install ${arch === 'arm64' ? 'g++-aarch64-linux-gnu' : 'binutils'}; HOSTPROBE_PREBUILD_ARCHES=x64 builds only linux-x64)`,
      );
    }
  }
  run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--out', t.out, '--config', 'Release', ...t.cmake]);
  const built = join(root, t.out, 'Release', 'hostprobe.node');
  const dest = join(root, 'prebuilds', `linux-${arch}`, 'hostprobe.node');
  const dump = spawnSync(t.objdump, ['-T', built], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (dump.error) fail(`${t.objdump}: ${dump.error.message}`);
  if (dump.status !== 0) fail(`${t.objdump} -T ${built} failed: ${dump.stderr.trim()}`);
  const glibc = highest(dump.stdout, 'GLIBC');
  const glibcxx = highest(dump.stdout, 'GLIBCXX');
  if (glibc.max === '0') fail(`${t.objdump} -T ${built} lists no GLIBC symbol versions`);
  for (const [family, found, baseline] of [
    ['GLIBC', glibc, GLIBC_BASELINE],
    ['GLIBCXX', glibcxx, GLIBCXX_BASELINE],
  ]) {
    if (found.max !== '0' && newer(found.max, baseline)) {
      fail(
        `${built} needs ${family}_${found.max} (${found.symbol}), newer than Debian 12's ${family}_${baseline}: build the prebuilt on Debian 12`,
      );
    }
  }
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(built, dest);
  console.log(
    `hostprobe prebuild: ${relative(root, dest)}: needs GLIBC_${glibc.max} (${glibc.symbol}), GLIBCXX_${glibcxx.max} (${glibcxx.symbol}); ` +
      `baseline Debian 12: GLIBC_${GLIBC_BASELINE}, GLIBCXX_${GLIBCXX_BASELINE}`,
  );
}

process.env.CMAKE_BUILD_PARALLEL_LEVEL ??= '2';
const args = process.argv.slice(2);
const arches = args.length ? args : (process.env.HOSTPROBE_PREBUILD_ARCHES ?? 'x64 arm64').split(/\s+/).filter(Boolean);
for (const arch of arches) prebuild(arch);
