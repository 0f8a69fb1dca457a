#!/usr/bin/env node
// Library benchmark: every public call of hostprobe against the psutil call it stands for.
//
//   node bench/library.mjs [filter ...] [--json] [--samples N] [--batch-ms MS] [--clock cpu|wall]
//
// Each bench/library/<area>.mjs exports `cases = [{ name, js: (h) => ..., py: '...' }]`,
// where `h` is the built library (dist/index.js), `js` may return a Promise (awaited), and
// `py` is a Python expression evaluated with psutil, os, glob and platform imported (or
// null when psutil has no equivalent). Filters keep the cases whose area or name contains
// one of them.
//
// Method, the same on both sides: warm up, size a batch of calls to take about
// --batch-ms (default 20 ms), then time --samples (default 9) batches and report the
// median per-call time. Python runs every expression in ONE process (Debian's
// /usr/bin/python3 with psutil, timeit, which disables the GC while timing); Node runs the
// cases in this process, awaiting async calls one at a time. The batches of the two
// sides alternate (Node, Python, Node, ...) so that both see the same machine load.
//
// --clock cpu (default) times the process's CPU time (user + system, all threads: libuv
// pool work included), which other processes' load does not inflate on a shared machine;
// --clock wall times elapsed time. Both sides always use the same clock.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { filters: [], json: false, samples: 9, batchMs: 20, clock: 'cpu' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--samples') opts.samples = Math.max(3, Number(argv[++i]));
    else if (a === '--batch-ms') opts.batchMs = Math.max(1, Number(argv[++i]));
    else if (a === '--clock') {
      opts.clock = argv[++i];
      if (opts.clock !== 'cpu' && opts.clock !== 'wall') throw new Error('--clock is cpu or wall');
    } else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/library.mjs [filter ...] [--json] [--samples N] [--batch-ms MS] [--clock cpu|wall]');
      process.exit(0);
    } else opts.filters.push(a.toLowerCase());
  }
  return opts;
}

async function loadCases(filters) {
  const dir = join(root, 'bench', 'library');
  const out = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort()) {
    const area = file.replace(/\.mjs$/, '');
    const mod = await import(pathToFileURL(join(dir, file)).href);
    (mod.cases ?? []).forEach((c, i) => {
      const hay = `${area} ${c.name}`.toLowerCase();
      if (filters.length && !filters.some((f) => hay.includes(f))) return;
      out.push({ area, key: `${area}#${i}`, ...c });
    });
  }
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const wallUs = () => Number(process.hrtime.bigint()) / 1e3;
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Prepares one js case: warms it up and sizes its batch. Returns `batch()`, which runs one
 * batch and resolves with the µs per call, and whether the call is async.
 */
async function prepareJs(fn, h, { batchMs, clock }) {
  const now = clock === 'cpu' ? cpuUs : wallUs;
  const first = fn(h);
  const isAsync = first && typeof first.then === 'function';
  if (isAsync) await first;
  // A fresh function per case (like timeit's compiled template), so that the call site in
  // the loop stays monomorphic instead of sharing type feedback across all cases.
  const runBatch = new Function(
    'fn',
    'h',
    'now',
    isAsync
      ? 'return async function (n) { const t0 = now(); for (let i = 0; i < n; i++) await fn(h); return now() - t0; };'
      : 'return async function (n) { const t0 = now(); for (let i = 0; i < n; i++) fn(h); return now() - t0; };',
  )(fn, h, now);
  const target = batchMs * 1000;
  // warm-up (lets the JIT settle): about 5 batches' worth of wall time
  const warmEnd = wallUs() + target * 5;
  let n = 1;
  while (wallUs() < warmEnd) {
    const t = await runBatch(n);
    if (t < target / 4) n = Math.min(n * 2, 1 << 20);
  }
  // size the batch
  let size = 1;
  for (;;) {
    const t = await runBatch(size);
    if (t >= target || size >= 1 << 20) break;
    size = Math.min(size * Math.max(2, Math.ceil(target / Math.max(t, 1))), 1 << 20);
  }
  return { isAsync, batch: async () => (await runBatch(size)) / size };
}

// The Python side: one process answering one JSON line per request.
//   {"op": "prepare", "key", "expr"} -> {"ok": true} | {"error"}   (compiles, warms up, sizes the batch)
//   {"op": "run", "key"}             -> {"us"}                     (one batch, µs per call)
const PY = String.raw`
import gc, glob, json, os, platform, sys, time, timeit
import psutil
clock = time.process_time if sys.argv[1] == 'cpu' else time.perf_counter
batch_s = float(sys.argv[2]) / 1000.0
ns = {'psutil': psutil, 'os': os, 'glob': glob, 'platform': platform}
timers = {}
def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()
reply({'psutil': psutil.__version__, 'python': platform.python_version()})
for line in sys.stdin:
    req = json.loads(line)
    try:
        if req['op'] == 'prepare':
            t = timeit.Timer(req['expr'], timer=clock, globals=ns)
            t.timeit(1)
            end = time.perf_counter() + batch_s * 5
            while time.perf_counter() < end:
                t.timeit(1)
            number = 1
            while True:
                dt = t.timeit(number)
                if dt >= batch_s or number >= 1 << 20:
                    break
                number = min(number * max(2, int(batch_s / max(dt, 1e-9)) + 1), 1 << 20)
            timers[req['key']] = (t, number)
            reply({'ok': True})
        elif req['op'] == 'run':
            t, number = timers[req['key']]
            reply({'us': t.timeit(number) / number * 1e6})
    except Exception as e:
        reply({'error': '%s: %s' % (type(e).__name__, e)})
`;

function findPython() {
  for (const p of [process.env.HOSTPROBE_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!p) continue;
    const r = spawnSync(p, ['-c', 'import psutil'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  return null;
}

/** A persistent Python worker: `ask(obj)` resolves with its one-line JSON reply. */
function startPython(path, opts) {
  const child = spawn(path, ['-c', PY, opts.clock, String(opts.batchMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => waiting.shift()?.resolve(JSON.parse(l)));
  child.on('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`python exited (${code})`));
  });
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  const hello = next();
  return {
    hello,
    ask(obj) {
      const p = next();
      child.stdin.write(`${JSON.stringify(obj)}\n`);
      return p;
    },
    close() {
      child.stdin.end();
    },
  };
}

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1];
  } catch {
    // no /proc/cpuinfo: keep os.cpus()'s model
  }
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', [], { encoding: 'utf8' }).trim();
  } catch {
    // no nproc: keep os.cpus()'s count
  }
  return { nproc, model, kernel: release(), node: process.version };
}

function fmt(us) {
  if (us === undefined || us === null || Number.isNaN(us)) return '—';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(us < 10 ? 2 : 1)}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dist = join(root, 'dist', 'index.js');
  if (!existsSync(dist)) {
    console.error('bench/library: dist/index.js not found; run "npm run build" first');
    process.exit(1);
  }
  // A plain object copy of the module namespace: property loads from it are as cheap as the
  // named imports an application would use (a namespace object's are not), and as
  // psutil's module attribute lookups on the Python side.
  const h = { ...(await import(pathToFileURL(dist).href)) };
  const cases = await loadCases(opts.filters);
  if (cases.length === 0) {
    console.error('bench/library: no cases match');
    process.exit(1);
  }

  const python = findPython();
  const py = python ? startPython(python, opts) : null;
  const versions = py ? await py.hello : { psutil: null, python: null };
  if (!py) console.error('bench/library: no python3 with psutil (apt-get install python3-psutil); psutil column empty');

  const results = {};
  for (const c of cases) {
    const r = (results[c.key] = { js: [], py: [], jsError: null, pyError: null, async: false });
    let js = null;
    try {
      js = await prepareJs(c.js, h, opts);
      r.async = js.isAsync;
    } catch (e) {
      r.jsError = `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
    }
    let pyReady = false;
    if (py && c.py) {
      const ans = await py.ask({ op: 'prepare', key: c.key, expr: c.py });
      if (ans.error) r.pyError = ans.error;
      else pyReady = true;
    }
    // alternate the two sides' batches
    for (let s = 0; s < opts.samples; s++) {
      if (js && !r.jsError) {
        try {
          r.js.push(await js.batch());
        } catch (e) {
          r.jsError = `${e?.name ?? 'Error'}: ${e?.message ?? e}`;
        }
      }
      if (pyReady) {
        const ans = await py.ask({ op: 'run', key: c.key });
        if (ans.error) {
          r.pyError = ans.error;
          pyReady = false;
        } else r.py.push(ans.us);
      }
    }
  }
  py?.close();

  const m = machine();
  const rows = cases.map((c) => {
    const r = results[c.key];
    const hostprobeUs = r.js.length ? median(r.js) : null;
    const psutilUs = r.py.length ? median(r.py) : null;
    return {
      area: c.area,
      name: c.name + (r.async && !c.name.includes('(async)') ? ' (async)' : ''),
      hostprobeUs,
      psutilUs,
      ratio: hostprobeUs && psutilUs ? psutilUs / hostprobeUs : null,
      error: r.jsError ?? r.pyError ?? null,
    };
  });

  if (opts.json) {
    console.log(
      JSON.stringify({ machine: { ...m, ...versions }, samples: opts.samples, batchMs: opts.batchMs, clock: opts.clock, rows }, null, 2),
    );
    return;
  }
  console.log(
    `machine: ${m.nproc} CPUs, ${m.model}, Linux ${m.kernel}; node ${m.node}; psutil ${versions.psutil ?? '-'} on Python ${versions.python ?? '-'}`,
  );
  console.log(
    `method: ${opts.clock === 'cpu' ? 'process CPU time' : 'wall time'} per call, median of ${opts.samples} alternating batches of ~${opts.batchMs} ms after warm-up; ratio = psutil / hostprobe (> 1: hostprobe faster)\n`,
  );
  const header = ['area', 'name', 'hostprobe µs', 'psutil µs', 'ratio'];
  const body = rows.map((r) => [
    r.area,
    r.name,
    r.error && r.hostprobeUs === null ? 'error' : fmt(r.hostprobeUs),
    r.error && r.psutilUs === null && r.hostprobeUs !== null ? 'error' : fmt(r.psutilUs),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((hd, i) => Math.max(hd.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
  for (const b of body) console.log(line(b));
  const errors = rows.filter((r) => r.error);
  if (errors.length) {
    console.log('\nerrors:');
    for (const r of errors) console.log(`  ${r.area} ${r.name}: ${r.error}`);
  }
  const slower = rows.filter((r) => r.ratio !== null && r.ratio < 1);
  if (slower.length) console.log(`\nslower than psutil: ${slower.map((r) => `${r.area} ${r.name} (${r.ratio.toFixed(2)}x)`).join(', ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
