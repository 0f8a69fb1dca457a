#!/usr/bin/env node
// npm run fuzz -- --seconds N [--jobs J] [--only a,b] [--native-only | --ts-only]
//
// Runs every fuzz target for N seconds each and reports:
//  - the C++ core's libFuzzer targets (native/fuzz/): built into build-fuzz/ with clang,
//    libFuzzer, ASan and UBSan (cmake -DHOSTPROBE_FUZZ=ON), each seeded from the fixture
//    trees (native/fuzz/seeds.txt -> build-fuzz/seeds/<target>/) and from its kept
//    regression inputs, growing its corpus in build-fuzz/corpus/<target>/ (kept between runs);
//  - the TypeScript property tests (test/fuzz/*.test.ts, fast-check) with FUZZ_SECONDS=N:
//    each property runs for N seconds instead of its bounded number of runs;
//  - the linear-time property of the TypeScript parsers and validators (scripts/fuzz-scaling.mjs,
//    over ./dist, so npm run build first; --only linear-time selects it): CPU time of inputs of
//    n and 16n units, failing when the ratio exceeds 64 twice (a quadratic parser gives ~256).
//
// Every input that fails is copied into test/fixtures/fuzz-regressions/<target>/, where the
// normal suite runs it (test/native/fuzz_regressions_test.cc, test/fuzz/*.test.ts): commit
// it with the fix. Exit status 1 when any target failed. The report (targets, seconds,
// executions, coverage, findings) is printed and written to build-fuzz/report.md.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  lstatSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOUND, FACTOR, runScaling } from './fuzz-scaling.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build-fuzz');
const fixtures = join(root, 'test/fixtures');
const regressions = join(fixtures, 'fuzz-regressions');

function usage(msg) {
  console.error(`fuzz: ${msg}\nusage: npm run fuzz -- --seconds N [--jobs J] [--only a,b] [--native-only | --ts-only]`);
  process.exit(2);
}

const opts = { seconds: 60, jobs: 1, only: null, native: true, ts: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--seconds') opts.seconds = Number(value());
  else if (a === '--jobs') opts.jobs = Number(value());
  else if (a === '--only') opts.only = new Set(value().split(','));
  else if (a === '--native-only') opts.ts = false;
  else if (a === '--ts-only') opts.native = false;
  else usage(`unknown argument ${a}`);
}
if (!Number.isInteger(opts.seconds) || opts.seconds < 1) usage('--seconds must be a whole number >= 1');
if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage('--jobs must be a whole number >= 1');

function run(cmd, args, extra = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...extra });
  if (r.error) throw new Error(`fuzz: ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`fuzz: ${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function seedPatterns() {
  const out = new Map();
  for (const line of readFileSync(join(root, 'native/fuzz/seeds.txt'), 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`native/fuzz/seeds.txt: no ':' in "${line}"`);
    out.set(
      line.slice(0, colon).trim(),
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/),
    );
  }
  return out;
}

function buildNative() {
  for (const tool of ['clang++', 'cmake', 'ninja']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0)
      throw new Error(`fuzz: ${tool} not found (apt-get install clang libfuzzer-14-dev cmake ninja-build)`);
  }
  run(
    'cmake',
    [
      '-S',
      '.',
      '-B',
      buildDir,
      '-G',
      'Ninja',
      '-DHOSTPROBE_FUZZ=ON',
      '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
      '-DCMAKE_CXX_COMPILER=clang++',
      '-DCMAKE_C_COMPILER=clang',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  run('cmake', ['--build', buildDir, '-j', process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? '2']);
}

// glob(3) over test/fixtures for the patterns of seeds.txt ('*', '?', '[...]' within one path
// segment), the same matches as the GoogleTest's glob(); symlinks are not followed (fixture
// trees hold links into the real file system).
function globFiles(base, pattern) {
  const toRe = (seg) =>
    new RegExp(
      '^' +
        seg
          .replace(/[.+^${}()|\\]/g, '\\$&')
          .replaceAll('*', '[^/]*')
          .replaceAll('?', '[^/]')
          .replace(/\[!/g, '[^') +
        '$',
    );
  let paths = [''];
  for (const seg of pattern.split('/')) {
    const re = toRe(seg);
    const next = [];
    for (const p of paths) {
      const dir = join(base, p);
      let names;
      try {
        if (!lstatSync(dir).isDirectory()) continue;
        names = readdirSync(dir).sort();
      } catch {
        continue;
      }
      for (const n of names) if (re.test(n) && (n[0] !== '.' || seg[0] === '.')) next.push(p ? `${p}/${n}` : n);
    }
    paths = next;
  }
  return paths.filter((p) => lstatSync(join(base, p)).isFile());
}

function prepareSeeds(name, patterns) {
  const dir = join(buildDir, 'seeds', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const pattern of patterns) {
    const files = globFiles(fixtures, pattern);
    if (files.length === 0) throw new Error(`fuzz: ${name}: seed pattern ${pattern} matches nothing under test/fixtures`);
    for (const f of files) {
      copyFileSync(join(fixtures, f), join(dir, f.replaceAll('/', '__')));
      n++;
    }
  }
  return { dir, n };
}

const stat = (text, key) => {
  const m = text.match(new RegExp(`stat::${key}:\\s+(\\d+)`));
  return m ? Number(m[1]) : null;
};

function runTarget(name, patterns) {
  const bin = join(buildDir, `fuzz_${name}`);
  const seeds = prepareSeeds(name, patterns);
  const corpus = join(buildDir, 'corpus', name);
  const artifacts = join(buildDir, 'artifacts', name);
  const keep = join(regressions, name);
  mkdirSync(corpus, { recursive: true });
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  mkdirSync(join(buildDir, 'logs'), { recursive: true });
  const logPath = join(buildDir, 'logs', `${name}.log`);
  const args = [
    `-max_total_time=${opts.seconds}`,
    '-timeout=30',
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    `-artifact_prefix=${artifacts}/`,
    corpus,
    seeds.dir,
  ];
  if (existsSync(keep)) args.push(keep);
  return new Promise((done) => {
    const log = createWriteStream(logPath);
    let text = '';
    const child = spawn(bin, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
    });
    const take = (d) => {
      log.write(d);
      text += d;
      if (text.length > 1 << 20) text = text.slice(-(1 << 19));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('close', (code, signal) => {
      log.end();
      const done_ = [...text.matchAll(/^#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+) corp: (\d+)/gm)].at(-1);
      const kept = [];
      for (const f of readdirSync(artifacts)) {
        const bytes = readFileSync(join(artifacts, f));
        const kind = f.split('-')[0];
        const dest = join(keep, `${kind}-${createHash('sha1').update(bytes).digest('hex').slice(0, 16)}`);
        mkdirSync(keep, { recursive: true });
        copyFileSync(join(artifacts, f), dest);
        kept.push(dest.slice(root.length + 1));
      }
      const failed = code !== 0 || kept.length > 0;
      done({
        name,
        kind: 'C++',
        seconds: opts.seconds,
        execs: stat(text, 'number_of_executed_units'),
        perSecond: stat(text, 'average_exec_per_sec'),
        cov: done_ ? Number(done_[2]) : null,
        ft: done_ ? Number(done_[3]) : null,
        corpus: done_ ? Number(done_[4]) : null,
        seeds: seeds.n,
        failed,
        detail: failed
          ? `exit ${code ?? signal}; log ${logPath.slice(root.length + 1)}; kept ${kept.join(', ') || 'nothing'}\n` +
            text
              .split('\n')
              .filter((l) => /ERROR|violated|runtime error|SUMMARY|==\d+==/.test(l))
              .slice(0, 8)
              .join('\n')
          : '',
      });
    });
  });
}

async function runNative() {
  buildNative();
  const patterns = seedPatterns();
  const built = readdirSync(buildDir)
    .filter((f) => f.startsWith('fuzz_'))
    .map((f) => f.slice(5))
    .sort();
  for (const name of built) if (!patterns.has(name)) throw new Error(`fuzz: ${name} has no line in native/fuzz/seeds.txt`);
  const names = built.filter((n) => !opts.only || opts.only.has(n));
  const results = [];
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const r = await runTarget(name, patterns.get(name));
      console.log(
        `fuzz: ${r.failed ? 'FAIL' : 'ok  '} ${name}: ${r.execs ?? '?'} execs (${r.perSecond ?? '?'}/s), cov ${r.cov ?? '?'}, ft ${r.ft ?? '?'}, corpus ${r.corpus ?? '?'}`,
      );
      if (r.failed) console.log(r.detail);
      results.push(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.jobs, names.length) }, worker));
  return results;
}

function runTs() {
  const reportPath = join(buildDir, 'ts-report.jsonl');
  mkdirSync(buildDir, { recursive: true });
  rmSync(reportPath, { force: true });
  const files = globFiles(root, 'test/fuzz/*.test.ts');
  const args = ['vitest', 'run', ...files, '--testTimeout', String((opts.seconds * 3 + 60) * 1000)];
  const env = { ...process.env, FUZZ_SECONDS: String(opts.seconds), FUZZ_REPORT: reportPath };
  // --only: properties outside the list return at once (test/fuzz/property.ts).
  if (opts.only) env.FUZZ_ONLY = [...opts.only].join(',');
  const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
  const rows = existsSync(reportPath)
    ? readFileSync(reportPath, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const results = rows.map((row) => ({
    name: row.name,
    kind: 'TS',
    seconds: opts.seconds,
    execs: row.runs,
    perSecond: Math.round(row.runs / Math.max(row.seconds, 1e-3)),
    cov: null,
    ft: null,
    corpus: null,
    seeds: row.regressions,
    failed: row.failed,
    detail: row.failed ? `kept ${row.kept ?? 'nothing'}` : '',
  }));
  if (r.status !== 0 && !results.some((x) => x.failed))
    results.push({ name: 'vitest test/fuzz', kind: 'TS', failed: true, detail: `vitest exited with ${r.status}` });
  if (results.length === 0 && !opts.only)
    results.push({ name: 'test/fuzz', kind: 'TS', failed: true, detail: 'no property reported a run' });
  return results;
}

// The linear-time property (scripts/fuzz-scaling.mjs): one result row for the summary table,
// and the scaling rows for their own table.
async function runLinearTime() {
  if (!existsSync(join(root, 'dist/collectors/textfile/parse.js')))
    throw new Error('fuzz: linear time: dist/ is not built (npm run build)');
  const rows = await runScaling(root);
  const bad = rows.filter((r) => !r.ok);
  return {
    rows,
    result: {
      name: 'linear-time',
      kind: 'TS',
      seconds: null,
      execs: rows.length,
      failed: bad.length > 0,
      detail: bad.map((r) => `${r.name}: ${r.error ?? `ratio ${r.ratio.toFixed(1)} > ${BOUND}`}`).join('; '),
    },
  };
}

const started = Date.now();
const results = [];
let scaling = [];
try {
  if (opts.native) results.push(...(await runNative()));
  if (opts.ts) results.push(...runTs());
  if (opts.ts && (!opts.only || opts.only.has('linear-time'))) {
    const lt = await runLinearTime();
    scaling = lt.rows;
    results.push(lt.result);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
const cell = (v) => (v === null || v === undefined ? '' : String(v));
const lines = [
  `# fuzz report (${new Date().toISOString()}, ${opts.seconds} s per target, ${Math.round((Date.now() - started) / 1000)} s in all)`,
  '',
  '| target | kind | seconds | executions | exec/s | cov | ft | corpus | seeds/regressions | result |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.kind} | ${cell(r.seconds)} | ${cell(r.execs)} | ${cell(r.perSecond)} | ${cell(r.cov)} | ${cell(r.ft)} | ${cell(r.corpus)} | ${cell(r.seeds)} | ${r.failed ? 'FAIL' : 'ok'} |`,
  ),
];
if (scaling.length > 0) {
  const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(1) : '');
  lines.push(
    '',
    `## linear time: CPU time at n and ${FACTOR}n units (median of 5), fails above ratio ${BOUND} (re-measured once)`,
    '',
    `| parser | n | ms | ${FACTOR}n | ms | ratio | result |`,
    '|---|---|---|---|---|---|---|',
    ...scaling.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${ms(r.base)} | ${r.bigN} | ${ms(r.big)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(1) : ''}${r.remeasured ? ' (re-measured)' : ''} | ${r.ok ? 'ok' : 'FAIL'} |`,
    ),
  );
}
const failed = results.filter((r) => r.failed);
lines.push('', failed.length === 0 ? `all ${results.length} targets passed` : `${failed.length} of ${results.length} targets FAILED`);
for (const f of failed) lines.push(`- ${f.name}: ${f.detail}`);
writeFileSync(join(buildDir, 'report.md'), lines.join('\n') + '\n');
console.log('\n' + lines.join('\n'));
process.exit(failed.length === 0 ? 0 : 1);
