#!/usr/bin/env node
// A legitimate scrape's latency under a flood of wrong passwords, hostprobe and node_exporter
// in turn, the same flood and the same web config (basic auth, one bcrypt user):
//
// 1. Each server is started with the web config; one correct scrape warms its credential cache.
// 2. The flood: --clients keep-alive connections, each sending GET /metrics with a wrong
//    password (a new one every request, half for the real user, half for unknown users)
//    as soon as its previous answer came, for --seconds (and at most --max-requests).
// 3. Meanwhile one scraper with the correct password scrapes every --interval ms (each
//    scrape bounded by a 10 s timeout, counted as 10 s if it times out), on one keep-alive
//    connection as Prometheus does. It runs on a worker thread of its own, so the flood's
//    event loop does not delay its timing.
//
// Reports the scrape's p50/p99/max latency for both servers and their ratio, and the flood's
// answers (401, 503, errors) and rate. Loopback only; the flood is bounded in count and time.
//
// Usage: npm run build && node bench/auth/run.mjs [--seconds N] [--clients N] [--cost N]
//        [--interval MS] [--max-requests N] [--json FILE]
// Needs: node_exporter 1.12.1 in ~/go/bin (.ci/install.d/45-node-exporter.sh).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const SECONDS = Number(opt('seconds', '15'));
const CLIENTS = Number(opt('clients', '64'));
const COST = Number(opt('cost', '10'));
const INTERVAL_MS = Number(opt('interval', '100'));
const MAX_REQUESTS = Number(opt('max-requests', '200000'));
const JSON_OUT = opt('json', '');
const NE_BIN = opt('node-exporter', join(homedir(), 'go', 'bin', 'node_exporter'));
const SCRAPE_TIMEOUT_MS = 10_000;
// The collectors hostprobe replaces (as bench/agent), so both serve comparable expositions.
const SHARED = [
  'cpu',
  'cpufreq',
  'stat',
  'loadavg',
  'meminfo',
  'vmstat',
  'filesystem',
  'diskstats',
  'netdev',
  'netclass',
  'sockstat',
  'netstat',
  'tcpstat',
  'uname',
  'time',
  'os',
  'filefd',
  'entropy',
  'pressure',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const basic = (user, pass) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function start(cmd, argv) {
  const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  p.tail = () => err;
  return p;
}

async function stop(p) {
  if (p.exitCode !== null) return;
  p.kill('SIGTERM');
  await Promise.race([new Promise((r) => p.once('exit', r)), sleep(5000).then(() => p.kill('SIGKILL'))]);
}

/** One GET; resolves with status and milliseconds, or status 0 on error or timeout. */
function get(port, path, auth, agent) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const req = request({ host: '127.0.0.1', port, path, agent, headers: auth ? { Authorization: auth } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: ms() }));
    });
    req.setTimeout(SCRAPE_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: ms(), error: e.message }));
    req.end();
  });
}

async function waitUp(port, auth, proc) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${proc.tail()}`);
    const r = await get(port, '/metrics', auth, false);
    if (r.status === 200) return;
    await sleep(100);
  }
  throw new Error(`127.0.0.1:${port} did not serve /metrics: ${proc.tail()}`);
}

const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** The flood and the scraper against one server. */
async function measure(name, port) {
  const right = basic('prometheus', 'correct horse');
  // Baseline: 20 scrapes without a flood.
  const base = [];
  for (let i = 0; i < 20; i++) base.push((await get(port, '/metrics', right, false)).ms);

  const deadline = Date.now() + SECONDS * 1000;
  let sent = 0;
  const answers = { 401: 0, 503: 0, other: 0, errors: 0 };
  const errorKinds = {};
  const flooding = () => Date.now() < deadline && sent < MAX_REQUESTS;
  const client = async (c) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (flooding()) {
      const n = sent++;
      const user = n % 2 ? 'prometheus' : `intruder${c}`;
      const r = await get(port, '/metrics', basic(user, `guess-${c}-${n}`), agent);
      if (r.status === 401) answers[401]++;
      else if (r.status === 503) answers[503]++;
      else if (r.status === 0) {
        answers.errors++;
        errorKinds[r.error] = (errorKinds[r.error] ?? 0) + 1;
      } else answers.other++;
      // A refused or failed request is re-sent at once, like a hostile client.
    }
    agent.destroy();
  };
  // The scraper on its own thread (this file again, in scraper mode).
  const scraper = () =>
    new Promise((resolve, reject) => {
      const w = new Worker(fileURLToPath(import.meta.url), {
        workerData: { port, auth: right, untilMs: deadline, intervalMs: INTERVAL_MS },
      });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const t0 = Date.now();
  const [scrapes] = await Promise.all([scraper(), ...Array.from({ length: CLIENTS }, (_, c) => client(c))]);
  const seconds = (Date.now() - t0) / 1000;
  const r = {
    name,
    baseline: { p50: pct(base, 50), p99: pct(base, 99) },
    scrapes: scrapes.lat.length,
    scrapeStatuses: scrapes.statuses,
    p50: pct(scrapes.lat, 50),
    p99: pct(scrapes.lat, 99),
    max: Math.max(...scrapes.lat),
    flood: { requests: sent, perSecond: sent / seconds, ...answers, errorKinds },
  };
  return r;
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : String(n));

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-bench-auth-'));
  const hash = bcrypt.hashSync('correct horse', COST);
  const web = join(dir, 'web.yml');
  writeFileSync(web, `basic_auth_users:\n  prometheus: ${hash}\n`);
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  console.log(`machine: ${model}, ${cpus().length} cores, node ${process.version}`);
  console.log(
    `flood: ${CLIENTS} keep-alive clients of wrong passwords (half for the real user, half for unknown ones), ${SECONDS} s, bcrypt cost ${COST}; one correct scrape every ${INTERVAL_MS} ms\n`,
  );
  const results = [];
  try {
    const hpPort = await freePort();
    const hp = start(process.execPath, [
      CLI,
      `--web.listen-address=127.0.0.1:${hpPort}`,
      `--web.config.file=${web}`,
      '--poll.interval=15s',
      '--log.level=error',
    ]);
    try {
      await waitUp(hpPort, basic('prometheus', 'correct horse'), hp);
      results.push(await measure('hostprobe', hpPort));
    } finally {
      await stop(hp);
    }
    const nePort = await freePort();
    const ne = start(NE_BIN, [
      `--web.listen-address=127.0.0.1:${nePort}`,
      `--web.config.file=${web}`,
      '--collector.disable-defaults',
      ...SHARED.map((c) => `--collector.${c}`),
    ]);
    try {
      await waitUp(nePort, basic('prometheus', 'correct horse'), ne);
      results.push(await measure('node_exporter', nePort));
    } finally {
      await stop(ne);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    '                 no flood p50/p99 ms | under flood: scrapes  p50 ms   p99 ms   max ms | flood req/s    401    503  errors  other | scrape statuses',
  );
  for (const r of results) {
    if (r.flood.errors) console.log(`  (${r.name} flood errors: ${JSON.stringify(r.flood.errorKinds)})`);
    console.log(
      `  ${r.name.padEnd(14)} ${fmt(r.baseline.p50).padStart(8)} / ${fmt(r.baseline.p99).padEnd(8)} | ${String(r.scrapes).padStart(20)} ${fmt(r.p50).padStart(7)} ${fmt(r.p99).padStart(8)} ${fmt(r.max).padStart(8)} | ${fmt(r.flood.perSecond).padStart(11)} ${String(r.flood[401]).padStart(6)} ${String(r.flood[503]).padStart(6)} ${String(r.flood.errors).padStart(7)} ${String(r.flood.other).padStart(6)} | ${JSON.stringify(r.scrapeStatuses)}`,
    );
  }
  const [hp, ne] = results;
  console.log(`\n  ratio hostprobe / node_exporter under the flood: p50 ${fmt(hp.p50 / ne.p50, 3)}, p99 ${fmt(hp.p99 / ne.p99, 3)}`);
  if (JSON_OUT)
    writeFileSync(
      JSON_OUT,
      JSON.stringify({ seconds: SECONDS, clients: CLIENTS, cost: COST, intervalMs: INTERVAL_MS, results }, null, 2) + '\n',
    );
}

/** Scraper mode (a worker thread): one correct scrape every INTERVAL_MS until the deadline. */
async function scrape({ port, auth, untilMs, intervalMs }) {
  const lat = [];
  const statuses = {};
  // One keep-alive connection, as Prometheus scrapes.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  await sleep(500); // let the flood build up
  while (Date.now() < untilMs) {
    const t = Date.now();
    const r = await get(port, '/metrics', auth, agent);
    lat.push(r.status === 0 ? SCRAPE_TIMEOUT_MS : r.ms);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    await sleep(Math.max(0, intervalMs - (Date.now() - t)));
  }
  agent.destroy();
  parentPort.postMessage({ lat, statuses });
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  scrape(workerData).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
