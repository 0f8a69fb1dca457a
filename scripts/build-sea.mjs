#!/usr/bin/env node
// `npm run build:sea`: the single-file binary build/sea/hostprobe (Node's single executable
// application), which runs on a Linux host with no Node installed.
//
//   1. esbuild bundles the built CLI (dist/cli/main.js, from `npm run build`) and its
//      dependencies into one CommonJS file;
//   2. the native addon (build/Release/hostprobe.node), package.json and bcryptjs (for the
//      bcrypt worker threads) go in as SEA assets (src/sea.ts reads them);
//   3. the Node running this script writes the SEA blob, and postject injects it into a
//      copy of that same Node binary.
//
// The inputs are hashed: when build/sea/hostprobe was built from the same inputs it is
// kept (the tests call this script). --force rebuilds. Each run works in its own
// directory and renames the result into place, so concurrent runs do not collide. Run it with Node >= 22 (the tests
// and CI use Node 24 from ~/.node24: the binary is that Node).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'sea');
const work = join(out, `work-${process.pid}`);
const binary = join(out, 'hostprobe');
const stampFile = join(out, 'inputs.sha256');
const entry = join(root, 'dist', 'cli', 'main.js');
const addon = join(root, 'build', 'Release', 'hostprobe.node');
const packageJson = join(root, 'package.json');
const require = createRequire(import.meta.url);
const bcryptjs = require.resolve('bcryptjs');
const force = process.argv.includes('--force');
// The fuse postject flips so that Node looks for the blob (Node's documented value).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function fail(message) {
  process.stderr.write(`build-sea: ${message}\n`);
  process.exit(1);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) fail(`Node >= 22 is needed to build the binary (this is ${process.version})`);
for (const [what, file] of [
  ['the built CLI', entry],
  ['the native addon', addon],
]) {
  if (!existsSync(file)) fail(`${what} is missing: ${relative(root, file)} (run "npm run build" first)`);
}

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile() && p.endsWith('.js')) yield p;
  }
}

// The inputs: every built module, the addon, package.json, bcryptjs, this script, and the
// Node binary the result is made of.
const hash = createHash('sha256');
const node = statSync(process.execPath);
hash.update(`node ${process.execPath} ${process.version} ${node.size} ${node.mtimeMs}\n`);
for (const f of [...files(join(root, 'dist'))].sort()) hash.update(`${relative(root, f)}\n`).update(readFileSync(f));
for (const f of [addon, packageJson, bcryptjs, fileURLToPath(import.meta.url)]) hash.update(`${f}\n`).update(readFileSync(f));
const inputs = hash.digest('hex');
if (!force && existsSync(binary) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === inputs) {
  process.stdout.write(`build-sea: ${relative(root, binary)} is up to date (inputs ${inputs.slice(0, 12)})\n`);
  process.exit(0);
}

const t0 = Date.now();
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// 1. One CommonJS file. import.meta.url becomes the binary's own file URL (in a SEA,
// __filename is the executable); the code that reads files beside itself asks src/sea.ts
// first.
const bundle = join(work, 'hostprobe.cjs');
const result = await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  define: { 'import.meta.url': '__hostprobe_import_meta_url' },
  banner: { js: 'var __hostprobe_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'silent',
  legalComments: 'none',
});
// A warning here is a module the bundle may lack at run time (an import() of a computed
// name, say): fail rather than ship a binary that breaks later.
if (result.warnings.length) {
  for (const w of result.warnings) {
    process.stderr.write(`build-sea: ${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}\n`);
  }
  fail(`esbuild reported ${result.warnings.length} warning(s) bundling ${relative(root, entry)}`);
}

// 2. bcryptjs as one CommonJS file for the worker threads (they cannot share the bundle).
const bcryptBundle = join(work, 'bcryptjs.cjs');
await build({
  entryPoints: [bcryptjs],
  outfile: bcryptBundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  logLevel: 'error',
});

// 3. The blob (asset keys: SEA_ASSETS in src/sea.ts).
const blob = join(work, 'sea-prep.blob');
const seaConfig = {
  main: bundle,
  output: blob,
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets: {
    'hostprobe.node': addon,
    'package.json': packageJson,
    'bcryptjs.cjs': bcryptBundle,
  },
};
writeFileSync(join(work, 'sea-config.json'), JSON.stringify(seaConfig, null, 2));
const gen = spawnSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { encoding: 'utf8' });
if (gen.status !== 0) fail(`node --experimental-sea-config failed (status ${gen.status}):\n${gen.stderr}${gen.stdout}`);

// 4. A copy of this Node with the blob injected.
const tmp = join(work, 'hostprobe');
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });

// 5. It runs with an empty environment; then it replaces the previous one.
const check = spawnSync(tmp, ['--version'], { encoding: 'utf8', env: {}, timeout: 60_000 });
if (check.status !== 0 || !check.stdout.startsWith('hostprobe ')) {
  fail(`the binary does not run: hostprobe --version exited ${check.status}:\n${check.stdout}${check.stderr}`);
}
renameSync(tmp, binary);
writeFileSync(`${stampFile}.${process.pid}`, `${inputs}\n`);
renameSync(`${stampFile}.${process.pid}`, stampFile);
const mb = (statSync(binary).size / 1e6).toFixed(1);
process.stdout.write(
  `build-sea: ${relative(root, binary)} (${mb} MB) built in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${check.stdout}`,
);
