#!/usr/bin/env node
// Builds the prebuilt addon that `npm pack` ships: prebuilds/<platform>-<arch>/hostprobe.node.
// The addon is compiled here (cmake-js, Release) and copied; its highest GLIBC symbol version
// (objdump -T) must not exceed the baseline, Debian 12's glibc 2.36, so the prebuilt loads
// there and on anything newer. A newer glibc is refused with the symbol that needs it.
// Run by the `prepack` script, so the tarball always carries a fresh one.
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

process.env.CMAKE_BUILD_PARALLEL_LEVEL ??= '2';
run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--out', 'build', '--config', 'Release']);

const built = join(root, 'build', 'Release', 'hostprobe.node');
const tag = `${process.platform}-${process.arch}`;
const dest = join(root, 'prebuilds', tag, 'hostprobe.node');

const dump = spawnSync('objdump', ['-T', built], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (dump.error) fail(`objdump (binutils) is needed to check the addon's glibc symbol versions: ${dump.error.message}`);
if (dump.status !== 0) fail(`objdump -T ${built} failed: ${dump.stderr.trim()}`);
/** The highest version of one symbol-version family (GLIBC, GLIBCXX) the addon needs, and a symbol needing it. */
function highest(family) {
  let max = '0';
  let symbol = '';
  const re = new RegExp(`\\(${family}_(\\d+(?:\\.\\d+)+)\\)\\s+(\\S+)\\s*$`);
  for (const line of dump.stdout.split('\n')) {
    const m = re.exec(line);
    if (m && newer(m[1], max)) {
      max = m[1];
      symbol = m[2];
    }
  }
  return { max, symbol };
}
const glibc = highest('GLIBC');
const glibcxx = highest('GLIBCXX');
if (glibc.max === '0') fail(`objdump -T ${built} lists no GLIBC symbol versions`);
for (const [family, found, baseline] of [
  ['GLIBC', glibc, GLIBC_BASELINE],
  ['GLIBCXX', glibcxx, GLIBCXX_BASELINE],
]) {
  if (found.max !== '0' && newer(found.max, baseline)) {
    fail(`${built} needs ${family}_${found.max} (${found.symbol}), newer than Debian 12's ${family}_${baseline}: build the prebuilt on Debian 12`);
  }
}

mkdirSync(dirname(dest), { recursive: true });
copyFileSync(built, dest);
console.log(
  `hostprobe prebuild: ${relative(root, dest)}: needs GLIBC_${glibc.max} (${glibc.symbol}), GLIBCXX_${glibcxx.max} (${glibcxx.symbol}); ` +
    `baseline Debian 12: GLIBC_${GLIBC_BASELINE}, GLIBCXX_${GLIBCXX_BASELINE}`,
);
