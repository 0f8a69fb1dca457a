#!/usr/bin/env node
// Process-table benchmark (not a test): scans the whole process table for psutil's common
// attribute set with a few hundred extra processes running, side by side in one run with
//   - hostprobe scanProcesses() (libuv pool; timed with and without turning rows into objects)
//   - psutil 5.x process_iter(attrs) (Debian /usr/bin/python3)
//   - systeminformation processes() (devDependency)
//   - a minimal C program making the same system calls (bench/process/floor.c, the floor)
// Each is timed in its own process with many iterations; medians are compared. Prints the
// machine, the process count, the medians, the three ratios and the result's bytes/process.
//
//   node bench/process/run.mjs [--sleepers 300] [--iterations 40] [--json]
//
// Needs a built checkout (npm run build): it imports dist/index.js.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : def;
};
const SLEEPERS = opt('sleepers', 300);
const ITER = opt('iterations', 40);
const SI_ITER = opt('si-iterations', 5);
const JSON_OUT = args.includes('--json');

const ATTRS = [
  'name',
  'cmdline',
  'status',
  'cpuTimes',
  'memoryInfo',
  'numThreads',
  'numFds',
  'numCtxSwitches',
  'ioCounters',
  'createTime',
  'ppid',
  'username',
];
const PSUTIL_ATTRS = [
  'name',
  'cmdline',
  'status',
  'cpu_times',
  'memory_info',
  'num_threads',
  'num_fds',
  'num_ctx_switches',
  'io_counters',
  'create_time',
  'ppid',
  'username',
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const log = (...a) => {
  if (!JSON_OUT) console.log(...a);
};

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = cpuinfo.match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  return { cpu: model, cpus: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), kernel, node: process.version, loadavg };
}

function buildFloor() {
  const out = join(here, 'build');
  mkdirSync(out, { recursive: true });
  const bin = join(out, 'floor');
  execFileSync('cc', ['-O2', '-o', bin, join(here, 'floor.c')], { stdio: 'inherit' });
  return bin;
}

async function startSleepers(n) {
  const kids = [];
  for (let i = 0; i < n; i++) kids.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  await Promise.all(kids.map((k) => new Promise((r) => k.once('spawn', r))));
  return kids;
}

// A child process answering one timed scan per line written to its stdin ("<ms> <count>").
class LineServer {
  constructor(cmd, argv) {
    this.child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = [];
    this.waiters = [];
    let buf = '';
    this.child.stdout.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
  }
  next() {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  async request() {
    this.child.stdin.write('\n');
    const [ms, n] = (await this.next()).split(' ').map(Number);
    return { ms, n };
  }
  close() {
    this.child.stdin.end();
    this.child.kill();
  }
}

const PSUTIL_SERVER = `
import sys, time, psutil
attrs = ${JSON.stringify(PSUTIL_ATTRS)}
for _ in range(3): list(psutil.process_iter(attrs))
print('ready ' + psutil.__version__, flush=True)
for line in sys.stdin:
    t0 = time.perf_counter()
    procs = [p.info for p in psutil.process_iter(attrs)]
    print('%.4f %d' % ((time.perf_counter() - t0) * 1000, len(procs)), flush=True)
`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function loadSystemInformation() {
  try {
    return (await import('systeminformation')).default;
  } catch (e) {
    return { error: `systeminformation not installed (${e.message})` };
  }
}

/**
 * Interleaved rounds, so that the load of a shared machine hits every tool alike:
 * floor, hostprobe, psutil in each round; systeminformation in the first rounds (it
 * returns its cached list when called within 500 ms, so its calls are spaced >= 600 ms).
 */
async function runRounds(hp, floorBin) {
  const floor = new LineServer(floorBin, ['serve']);
  const py = existsSync('/usr/bin/python3') ? new LineServer('/usr/bin/python3', ['-c', PSUTIL_SERVER]) : null;
  const psutilVersion = py ? (await py.next()).replace('ready ', '') : null;
  const si = await loadSystemInformation();
  const t = { floor: [], scan: [], objects: [], psutil: [], si: [] };
  // Per-round ratios: the tools ran back to back, so these cancel the load's drift.
  const paired = { floor: [], psutil: [], si: [] };
  const n = { floor: 0, hostprobe: 0, psutil: 0, si: 0 };
  let table;
  try {
    for (let i = 0; i < 3; i++) {
      await floor.request();
      await hp.scanProcesses({ attrs: ATTRS });
    }
    if (!si.error) await si.processes();
    let lastSi = performance.now();
    for (let i = 0; i < ITER; i++) {
      const f = await floor.request();
      t.floor.push(f.ms);
      n.floor = f.n;

      const t0 = performance.now();
      table = await hp.scanProcesses({ attrs: ATTRS });
      const t1 = performance.now();
      table.toArray();
      const t2 = performance.now();
      t.scan.push(t1 - t0);
      t.objects.push(t2 - t0);
      n.hostprobe = table.length;

      paired.floor.push(t.scan.at(-1) / f.ms);
      if (py) {
        const r = await py.request();
        t.psutil.push(r.ms);
        n.psutil = r.n;
        paired.psutil.push(r.ms / t.objects.at(-1));
      }
      if (!si.error && i < SI_ITER) {
        const wait = 600 - (performance.now() - lastSi);
        if (wait > 0) await sleep(wait);
        const s0 = performance.now();
        const r = await si.processes();
        t.si.push(performance.now() - s0);
        paired.si.push(t.si.at(-1) / t.objects.at(-1));
        lastSi = performance.now();
        n.si = r.list.length;
      }
    }
  } finally {
    floor.close();
    py?.close();
  }
  return {
    floor: { ms: median(t.floor), processes: n.floor },
    hostprobe: {
      scanMs: median(t.scan),
      objectsMs: median(t.objects),
      processes: n.hostprobe,
      bytesPerProcess: table.byteLength / table.length,
    },
    psutil: py ? { ms: median(t.psutil), processes: n.psutil, version: psutilVersion } : { error: 'no /usr/bin/python3' },
    systeminformation: si.error ? { error: si.error } : { ms: median(t.si), processes: n.si, version: si.version() },
    paired: {
      hostprobeOverFloor: median(paired.floor),
      psutilOverHostprobe: paired.psutil.length ? median(paired.psutil) : null,
      systeminformationOverHostprobe: paired.si.length ? median(paired.si) : null,
    },
  };
}

async function main() {
  const dist = join(root, 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error('dist/index.js missing: run `npm run build` first');
  const hp = await import(pathToFileURL(dist).href);
  const floorBin = buildFloor();
  log(`machine: ${JSON.stringify(machine())}`);
  log(`starting ${SLEEPERS} sleepers...`);
  const kids = await startSleepers(SLEEPERS);
  try {
    log(`attributes: ${ATTRS.join(', ')}; ${ITER} interleaved rounds (systeminformation: ${SI_ITER}), medians`);
    const { floor, hostprobe: ours, psutil, systeminformation: sysinfo, paired } = await runRounds(hp, floorBin);
    const floorMs = floor.ms;
    const result = {
      machine: machine(), // loadavg again, after the run
      processes: ours.processes,
      hostprobe: ours,
      psutil,
      systeminformation: sysinfo,
      floor,
      ratios: {
        psutilOverHostprobe: psutil.ms ? psutil.ms / ours.objectsMs : null,
        systeminformationOverHostprobe: sysinfo.ms ? sysinfo.ms / ours.objectsMs : null,
        hostprobeOverFloor: ours.scanMs / floorMs,
      },
      pairedRatios: paired,
    };
    if (JSON_OUT) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const f = (x) => (x === undefined || x === null ? 'n/a' : `${x.toFixed(2)} ms`);
    log('');
    log(`load average after the run:     ${result.machine.loadavg} (the machine is shared: other work slows every tool)`);
    log(
      `processes in the table:         ${ours.processes} (floor ${floor.processes}, psutil ${psutil.processes ?? 'n/a'}, systeminformation ${sysinfo.processes ?? 'n/a'})`,
    );
    log(`C floor (same syscalls):        ${f(floorMs)}`);
    log(`hostprobe scanProcesses:        ${f(ours.scanMs)}   (+ rows as objects: ${f(ours.objectsMs)})`);
    log(`psutil ${psutil.version ?? ''} process_iter:    ${psutil.error ? psutil.error : f(psutil.ms)}`);
    log(`systeminformation ${sysinfo.version ?? ''} processes(): ${sysinfo.error ? sysinfo.error : f(sysinfo.ms)}`);
    log('');
    const r = result.ratios;
    const p = result.pairedRatios;
    const x = (v, d = 1) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(d)}x`);
    log('ratios (of the medians | median of the per-round ratios):');
    log(`psutil / hostprobe:             ${x(r.psutilOverHostprobe)} | ${x(p.psutilOverHostprobe)} faster   (target >= 3x)`);
    log(
      `systeminformation / hostprobe:  ${x(r.systeminformationOverHostprobe)} | ${x(p.systeminformationOverHostprobe)} faster   (target >= 15x)`,
    );
    log(`hostprobe / C floor:            ${x(r.hostprobeOverFloor, 2)} | ${x(p.hostprobeOverFloor, 2)}   (target <= 1.2x)`);
    log(`result memory:                  ${ours.bytesPerProcess.toFixed(0)} bytes/process (typed columns + strings)`);
  } finally {
    for (const k of kids) k.kill('SIGKILL');
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
