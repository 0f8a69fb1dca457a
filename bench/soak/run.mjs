#!/usr/bin/env node
// The soak: the real agent (dist/cli/main.js) for --minutes N under everything a long-lived
// node agent meets, reporting each minute how it holds up, and failing on what must never
// happen.
//
// Load (all local):
// - Two agents, both at a 1 s poll with a process group (process-exporter's process_names)
//   over a fork-and-exit churn: a bash whose children (subshells that burn a little CPU,
//   /bin/true, sleeps of 0.1 s to 2 s) start and exit all the time, so group members come
//   and go every poll. Agent "plain" serves plain HTTP; agent "tls" serves HTTPS with basic
//   auth (a self-signed certificate made by openssl, a bcrypt user, as in the tests).
// - Scrapes at 10 per second in all (6 to plain, 4 to tls; every other one asks for gzip),
//   on keep-alive connections as Prometheus scrapes, each bounded by a 10 s timeout. Every
//   answer is parsed.
// - An OTLP/HTTP receiver both agents push to every 2 s, which cycles through stretches of
//   15 s: accept, answer 503, accept, hang (the agent's 2 s timeout ends each push), accept,
//   drop the connection.
// - A SIGHUP to each agent every 20 s (its config rewritten, same settings).
//
// Measured per agent every 10 s: RSS, threads (/proc/<pid>/status), open descriptors
// (/proc/<pid>/fd), and, through bench/soak/probe.cjs preloaded into the agent, the V8 heap
// after two forced full GCs and the event-loop delay (perf_hooks.monitorEventLoopDelay).
//
// Fails (exit 1, each reason printed) on: any scrape error (a transport error or timeout,
// non-200, a wrong Content-Encoding, an exposition that does not parse, the churn group
// missing from a poll whose process collector succeeded; a reset of a reused keep-alive
// connection before any answer, the idle-close race, is retried once and counted, as
// Prometheus's Go client retries it), any counter that went backwards (every counter and
// *_total series compared with the same series in the previous poll, by poll start), a failed
// reload, OTLP pushes that do not resume after the receiver recovers, an agent that exits, and
// a leak the trend makes certain (bench/soak/check.mjs): descriptor or thread floors whose last
// half is above their first half by more than an allowance, heap after GC with a rising slope
// AND every sample of the last half above every sample of the first half AND the halves'
// means apart by more than a margin.
//
// Usage: npm run build && npm run soak -- --minutes N [--json FILE]
// Needs: openssl. Prints a per-minute table, then a JSON summary (also written to --json).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { CounterTracker, countLeak, heapLeak, parseExposition } from './check.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const PROBE = join(HERE, 'probe.cjs');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : def;
};
const MINUTES = Number(opt('minutes', '5'));
const JSON_OUT = opt('json', '');
if (!Number.isInteger(MINUTES) || MINUTES < 1) {
  console.error(`soak: --minutes must be a whole number >= 1 (got ${opt('minutes', '')})`);
  process.exit(2);
}

const SCRAPES_PER_SECOND = 10;
const SCRAPE_TIMEOUT_MS = 10_000;
const SAMPLE_EVERY_MS = 10_000;
const RELOAD_EVERY_MS = 20_000;
const OTLP_STRETCH_MS = 15_000;
const OTLP_PHASES = ['accept', '503', 'accept', 'hang', 'accept', 'reset'];
const WARMUP_MS = 15_000;
const CHURN_GROUP = 'churn-bash';
// Leak thresholds (see check.mjs). Descriptors: the scrapers keep up to 4 keep-alive
// connections per agent and OTLP one, so the floor moves by a few; threads: the libuv pool
// and bcrypt workers start on first use. Heap: a leak of 1 kB per scrape is 360 kB a minute.
const FD_ALLOWANCE = 8;
const THREAD_ALLOWANCE = 2;
const HEAP_SLOPE = 256 * 1024;
const HEAP_MARGIN = 2 * 1024 * 1024;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now();
const reasons = [];
const fail = (msg) => {
  if (reasons.length < 200) reasons.push(msg);
};

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

// ---------------------------------------------------------------- churn
// $0 carries the marker the process group matches (children: true adds every descendant).
const CHURN = `
n=0
while :; do
  n=$((n+1))
  ( i=0; while [ $i -lt 300 ]; do i=$((i+1)); done ) &
  sleep 0.$((RANDOM % 10 + 1)) &
  [ $((n % 5)) -eq 0 ] && sleep $((RANDOM % 3)) &
  /bin/true
  sleep 0.1
  [ $((n % 20)) -eq 0 ] && wait
done
`;

// ---------------------------------------------------------------- OTLP receiver
function startReceiver() {
  const start = now();
  const stats = { plain: {}, tls: {} };
  const lastOk = { plain: 0, tls: 0 };
  let forced;
  const hung = new Set();
  const phase = () => forced ?? OTLP_PHASES[Math.floor((now() - start) / OTLP_STRETCH_MS) % OTLP_PHASES.length];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const who = req.url?.startsWith('/plain/') ? 'plain' : req.url?.startsWith('/tls/') ? 'tls' : undefined;
      const p = phase();
      const count = (k) => who && (stats[who][k] = (stats[who][k] ?? 0) + 1);
      if (!who) {
        res.writeHead(404).end();
        return;
      }
      if (p === 'accept') {
        count('ok');
        lastOk[who] = now();
        res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
      } else if (p === '503') {
        count('503');
        res.writeHead(503, { 'Retry-After': '1' }).end('unavailable');
      } else if (p === 'hang') {
        count('hang');
        hung.add(res);
        res.on('close', () => hung.delete(res));
      } else {
        count('reset');
        req.socket.destroy();
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        stats,
        lastOk,
        phase,
        /** From now on every push is accepted. */
        acceptAll() {
          forced = 'accept';
          for (const r of hung) r.socket?.destroy();
        },
        close() {
          for (const r of hung) r.socket?.destroy();
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      }),
    ),
  );
}

// ---------------------------------------------------------------- agents
function configYaml(a, receiverPort, reload) {
  return `# hostprobe soak (${a.name}), reload ${reload}
poll_interval: 1s
collector_timeout: 10s
log:
  level: error
http:
  address: 127.0.0.1
  port: ${a.port}
${a.web ? `  web_config_file: ${a.web}\n` : ''}collectors:
  process:
    enabled: true
    groups:
      - name: "churn-{{.Comm}}"
        cmdline: ["hostprobe-soak-churn"]
otlp:
  metrics_endpoint: http://127.0.0.1:${receiverPort}/${a.name}/v1/metrics
  interval: 2s
  timeout: 2s
  retry:
    enabled: true
    initial_backoff: 1s
    max_backoff: 4s
`;
}

function startAgent(a) {
  const p = spawn(process.execPath, ['--expose-gc', '--require', PROBE, CLI, `--config.file=${a.config}`], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  p.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
  p.tail = () => err.trim().split('\n').slice(-10).join('\n');
  const waiting = new Map();
  let nextId = 0;
  p.on('message', (m) => {
    const w = waiting.get(m?.id);
    if (w) {
      waiting.delete(m.id);
      w(m);
    }
  });
  /** Asks the probe for heap-after-GC and event-loop delay; undefined if no answer in 30 s. */
  p.probe = () =>
    new Promise((resolve) => {
      const id = nextId++;
      const t = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, 30_000);
      waiting.set(id, (m) => {
        clearTimeout(t);
        resolve(m);
      });
      try {
        p.send({ type: 'sample', id });
      } catch {
        clearTimeout(t);
        waiting.delete(id);
        resolve(undefined);
      }
    });
  return p;
}

async function stopAgent(p) {
  if (p.exitCode !== null || p.signalCode !== null) return { code: p.exitCode, signal: p.signalCode };
  const exited = new Promise((r) => p.once('exit', (code, signal) => r({ code, signal })));
  p.kill('SIGTERM');
  const res = await Promise.race([exited, sleep(10_000).then(() => undefined)]);
  if (res) return res;
  p.kill('SIGKILL');
  return { ...(await exited), killed: true };
}

function procStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    rss: kb('VmRSS') * 1024,
    threads: kb('Threads'),
    fds: readdirSync(`/proc/${pid}/fd`).length,
    tasks: readdirSync(`/proc/${pid}/task`).length,
  };
}

// ---------------------------------------------------------------- scraping
/**
 * One scrape. A request on a reused keep-alive connection that the agent closed as idle
 * (keepAliveTimeout) in the instant it was sent fails with ECONNRESET before any answer; it
 * is sent once more on a new connection and counted, as Go's http.Transport (Prometheus)
 * retries a GET there, and as Node's docs advise (request.reusedSocket). Any other error,
 * and an error on a new connection, is a scrape error.
 */
async function get(a, gzip) {
  const r = await getOnce(a, gzip);
  if (r.status === 0 && r.reused && !r.answered && /ECONNRESET|EPIPE|socket hang up/.test(r.error ?? '')) {
    a.idleRetries = (a.idleRetries ?? 0) + 1;
    return getOnce(a, gzip);
  }
  return r;
}

function getOnce(a, gzip) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const headers = {
      'Accept-Encoding': gzip ? 'gzip' : 'identity',
      Accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1',
      'X-Prometheus-Scrape-Timeout-Seconds': '10',
      ...(a.auth ? { Authorization: a.auth } : {}),
    };
    const mod = a.ca ? https : http;
    const req = mod.request({ host: '127.0.0.1', port: a.port, path: '/metrics', agent: a.httpAgent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks), ms: ms() }),
      );
      res.on('error', (e) => resolve({ status: 0, error: e.message, ms: ms() }));
    });
    let answered = false;
    req.once('response', () => (answered = true));
    req.setTimeout(SCRAPE_TIMEOUT_MS, () => req.destroy(new Error(`timeout after ${SCRAPE_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e) =>
      resolve({
        status: 0,
        error: `${e.message}${req.reusedSocket ? ' (reused connection)' : ''}`,
        reused: req.reusedSocket,
        answered,
        ms: ms(),
      }),
    );
    req.end();
  });
}

function minuteOf(t, t0) {
  return Math.floor((t - t0) / 60_000);
}

function bucket(a, minute) {
  // What lands after the end (the last sample, the last scrapes) closes the last minute.
  const m = Math.min(minute, MINUTES - 1);
  a.minutes[m] ??= { scrapes: 0, gzip: 0, errors: 0, collectorFailures: 0, backwards: 0, lat: [], samples: [], reloads: 0 };
  return a.minutes[m];
}

async function scrapeOnce(a, gzip, t0) {
  a.inFlight++;
  const r = await get(a, gzip);
  a.inFlight--;
  // Scrapes of the warm-up are checked like the others, and tallied apart.
  const b = now() < t0 ? a.warmup : bucket(a, minuteOf(now(), t0));
  b.scrapes++;
  if (gzip) b.gzip++;
  b.lat.push(r.ms);
  const error = (msg) => {
    b.errors++;
    a.errors++;
    fail(`${a.name}: scrape error at ${((now() - t0) / 1000).toFixed(1)} s: ${msg}`);
  };
  if (r.status !== 200) return error(r.error ?? `HTTP ${r.status}: ${r.body?.toString('utf8', 0, 200)}`);
  if (gzip !== (r.encoding === 'gzip')) return error(`asked ${gzip ? 'gzip' : 'identity'}, got Content-Encoding ${r.encoding ?? '(none)'}`);
  let parsed;
  try {
    parsed = parseExposition((gzip ? gunzipSync(r.body) : r.body).toString('utf8'));
  } catch (e) {
    return error(`exposition: ${e.message}`);
  }
  const s = parsed.samples;
  const pollTime = s.get('hostprobe_poll_timestamp_seconds');
  if (pollTime === undefined) return error('no hostprobe_poll_timestamp_seconds');
  const before = a.tracker.backwards.length;
  a.tracker.observe(parsed, pollTime, `${a.name} ${gzip ? 'gzip' : 'plain'}`);
  const added = a.tracker.backwards.length - before;
  if (added) {
    b.backwards += added;
    for (const x of a.tracker.backwards.slice(before))
      fail(`${a.name}: counter went backwards: ${x.series} ${x.from} -> ${x.to} (polls ${x.fromPoll} -> ${x.toPoll})`);
  }
  const processOk = s.get('node_scrape_collector_success{collector="process"}');
  let failed = 0;
  for (const [k, v] of s) if (k.startsWith('node_scrape_collector_success{') && v === 0) failed++;
  if (failed) b.collectorFailures++;
  if (processOk === 1 && !(s.get(`namedprocess_namegroup_num_procs{groupname="${CHURN_GROUP}"}`) > 0))
    return error(`the process collector succeeded without group ${CHURN_GROUP}`);
  if (s.get('hostprobe_config_last_reload_successful') === 0) return error('hostprobe_config_last_reload_successful 0: a reload failed');
  const reloadAt = s.get('hostprobe_config_last_reload_success_timestamp_seconds');
  if (reloadAt !== undefined && pollTime >= a.lastPollTime) {
    if (reloadAt > a.reloadAt && a.reloadAt > 0) b.reloads++;
    if (reloadAt > a.reloadAt) a.reloadAt = reloadAt;
  }
  a.lastPollTime = Math.max(a.lastPollTime, pollTime);
  a.series = s.size;
}

async function waitUp(a) {
  for (let i = 0; i < 600; i++) {
    if (a.proc.exitCode !== null) throw new Error(`agent ${a.name} exited (${a.proc.exitCode}) while starting: ${a.proc.tail()}`);
    const r = await get(a, false);
    if (r.status === 200) return;
    await sleep(100);
  }
  throw new Error(`agent ${a.name} did not serve /metrics within 60 s: ${a.proc.tail()}`);
}

// ---------------------------------------------------------------- report
const MiB = (n) => (n / 1048576).toFixed(1);
const pct = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const min = (xs) => (xs.length ? Math.min(...xs) : NaN);
const max = (xs) => (xs.length ? Math.max(...xs) : NaN);

function minuteRow(a, m, b) {
  const ss = b.samples;
  const heap = ss.map((x) => x.heapAfterGc).filter(Number.isFinite);
  return {
    agent: a.name,
    minute: m + 1,
    scrapes: b.scrapes,
    gzip: b.gzip,
    scrapeErrors: b.errors,
    countersBackwards: b.backwards,
    collectorFailures: b.collectorFailures,
    reloads: b.reloads,
    scrapeP50Ms: Number(pct(b.lat, 50).toFixed(1)),
    scrapeP99Ms: Number(pct(b.lat, 99).toFixed(1)),
    rssBytes: ss.at(-1)?.rss ?? NaN,
    heapAfterGcMinBytes: min(heap),
    heapAfterGcMaxBytes: max(heap),
    fdsMin: min(ss.map((x) => x.fds)),
    fdsMax: max(ss.map((x) => x.fds)),
    threadsMin: min(ss.map((x) => x.threads)),
    threadsMax: max(ss.map((x) => x.threads)),
    eventLoopP99Ms: Number(max(ss.map((x) => x.eld?.p99 ?? NaN)).toFixed(1)),
    eventLoopMaxMs: Number(max(ss.map((x) => x.eld?.max ?? NaN)).toFixed(1)),
  };
}

function printRow(r) {
  console.log(
    [
      r.agent.padEnd(5),
      String(r.minute).padStart(3),
      String(r.scrapes).padStart(7),
      String(r.scrapeErrors).padStart(6),
      String(r.countersBackwards).padStart(5),
      String(r.collectorFailures).padStart(6),
      String(r.reloads).padStart(7),
      `${r.scrapeP50Ms}/${r.scrapeP99Ms}`.padStart(12),
      MiB(r.rssBytes).padStart(7),
      `${MiB(r.heapAfterGcMinBytes)}-${MiB(r.heapAfterGcMaxBytes)}`.padStart(12),
      `${r.fdsMin}-${r.fdsMax}`.padStart(7),
      `${r.threadsMin}-${r.threadsMax}`.padStart(7),
      `${r.eventLoopP99Ms}/${r.eventLoopMaxMs}`.padStart(12),
    ].join(' '),
  );
}

const HEADER = `${'agent'.padEnd(5)} min scrapes errors backw collfl reloads  p50/p99 ms  RSS MiB  heap-GC MiB     fds threads  ELD p99/max`;

// ---------------------------------------------------------------- main
async function main() {
  // Ctrl-C or a SIGTERM ends the run at its next step, stopping the agents and the churn.
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => fail(`interrupted (${sig})`));
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-soak-'));
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  console.log(
    `soak: ${MINUTES} min, ${model}, ${cpus().length} cores, node ${process.version}, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  let churn;
  let receiver;
  const agents = [];
  const timers = [];
  try {
    // TLS material and a bcrypt user, as test/agent/http.test.ts and bench/auth make them.
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          join(dir, 'server.key'),
          '-out',
          join(dir, 'server.crt'),
          '-days',
          '2',
          '-subj',
          '/CN=hostprobe-soak',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'pipe' },
      );
    } catch (e) {
      throw new Error(`openssl could not make the soak's certificate (apt-get install openssl): ${e.stderr?.toString() ?? e.message}`, {
        cause: e,
      });
    }
    const web = join(dir, 'web.yml');
    writeFileSync(
      web,
      `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync('soak secret', 10)}\n`,
    );

    churn = spawn('bash', ['-c', CHURN, 'hostprobe-soak-churn'], { stdio: 'ignore', detached: true });
    receiver = await startReceiver();

    for (const name of ['plain', 'tls']) {
      const a = {
        name,
        port: await freePort(),
        config: join(dir, `${name}.yml`),
        web: name === 'tls' ? web : undefined,
        ca: name === 'tls' ? readFileSync(join(dir, 'server.crt')) : undefined,
        auth: name === 'tls' ? `Basic ${Buffer.from('prometheus:soak secret').toString('base64')}` : undefined,
        tracker: new CounterTracker(),
        minutes: [],
        samples: [],
        inFlight: 0,
        skipped: 0,
        errors: 0,
        warmup: { scrapes: 0, gzip: 0, errors: 0, collectorFailures: 0, backwards: 0, lat: [], samples: [], reloads: 0 },
        reloadAt: 0,
        lastPollTime: 0,
        reloadsSent: 0,
        series: 0,
      };
      a.httpAgent = a.ca
        ? new https.Agent({ keepAlive: true, maxSockets: 4, ca: a.ca })
        : new http.Agent({ keepAlive: true, maxSockets: 4 });
      writeFileSync(a.config, configYaml(a, receiver.port, 0));
      a.proc = startAgent(a);
      a.proc.on('exit', (code, signal) => {
        if (!a.stopping) fail(`${a.name}: agent exited (code ${code}, signal ${signal}): ${a.proc.tail()}`);
      });
      agents.push(a);
    }
    for (const a of agents) await waitUp(a);

    const t0 = now() + WARMUP_MS;
    const end = t0 + MINUTES * 60_000;
    console.log(`agents up (plain :${agents[0].port}, tls :${agents[1].port}); ${WARMUP_MS / 1000} s warm-up, then ${MINUTES} min\n`);

    // Scrapes: 10 per second, 6 plain-agent, 4 tls-agent, odd ones gzip. The timer catches
    // up when this process was late (at most 2 s of scrapes at once); a scrape finding 8 of
    // its agent's scrapes in flight is skipped and counted.
    let tick = 0;
    const scrapeStart = now();
    const pending = new Set();
    timers.push(
      setInterval(() => {
        const due = Math.floor(((now() - scrapeStart) * SCRAPES_PER_SECOND) / 1000);
        if (due - tick > 2 * SCRAPES_PER_SECOND) tick = due - 2 * SCRAPES_PER_SECOND;
        while (tick < due) {
          const i = tick++;
          const a = agents[i % 10 < 6 ? 0 : 1];
          if (a.inFlight >= 8) {
            a.skipped++;
            continue;
          }
          const p = scrapeOnce(a, i % 2 === 1, t0);
          pending.add(p);
          p.finally(() => pending.delete(p));
        }
      }, 1000 / SCRAPES_PER_SECOND),
    );
    // Reloads.
    let reloadN = 0;
    timers.push(
      setInterval(() => {
        reloadN++;
        for (const a of agents) {
          writeFileSync(a.config, configYaml(a, receiver.port, reloadN));
          if (a.proc.exitCode === null) {
            a.proc.kill('SIGHUP');
            a.reloadsSent++;
          }
        }
      }, RELOAD_EVERY_MS),
    );
    // Samples.
    const sample = async () => {
      const t = now();
      await Promise.all(
        agents.map(async (a) => {
          if (a.proc.exitCode !== null) return;
          let ps;
          try {
            ps = procStats(a.proc.pid);
          } catch (e) {
            fail(`${a.name}: /proc/${a.proc.pid} unreadable: ${e.message}`);
            return;
          }
          const pr = await a.proc.probe();
          if (!pr) fail(`${a.name}: the heap probe did not answer within 30 s`);
          else if (!pr.gc) fail(`${a.name}: the probe has no gc() (--expose-gc missing)`);
          const s = { t, minute: (t - t0) / 60_000, ...ps, heapAfterGc: pr?.heapUsed ?? NaN, external: pr?.external ?? NaN, eld: pr?.eld };
          if (t >= t0) {
            a.samples.push(s);
            bucket(a, minuteOf(t, t0)).samples.push(s);
          }
        }),
      );
    };
    let lastPrinted = -1;
    console.log(HEADER);
    while (now() < end && reasons.length === 0) {
      await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, end - now())));
      await sample();
      const m = minuteOf(now(), t0) - 1;
      for (; lastPrinted < m && lastPrinted < MINUTES - 1;) {
        lastPrinted++;
        for (const a of agents) if (a.minutes[lastPrinted]) printRow(minuteRow(a, lastPrinted, a.minutes[lastPrinted]));
      }
    }
    for (const t of timers) clearInterval(t);
    timers.length = 0;
    await Promise.all(pending);
    // The last sample closes the last minute.
    if (reasons.length === 0) await sample();
    for (; lastPrinted < MINUTES - 1;) {
      lastPrinted++;
      for (const a of agents) if (a.minutes[lastPrinted]) printRow(minuteRow(a, lastPrinted, a.minutes[lastPrinted]));
    }

    // OTLP recovery: from now on the receiver accepts; each agent must push again (bounded).
    const recoverFrom = now();
    receiver.acceptAll();
    if (reasons.length === 0) {
      for (let i = 0; i < 600 && agents.some((a) => receiver.lastOk[a.name] <= recoverFrom); i++) await sleep(100);
      for (const a of agents)
        if (receiver.lastOk[a.name] <= recoverFrom) fail(`${a.name}: no OTLP push accepted within 60 s after the receiver recovered`);
    }
    // Reloads: at least one applied reload seen per agent when any was sent.
    for (const a of agents) {
      const seen = a.minutes.reduce((n, b) => n + (b?.reloads ?? 0), 0);
      if (a.reloadsSent > 1 && seen === 0) fail(`${a.name}: ${a.reloadsSent} SIGHUPs sent, no applied reload seen in the scrapes`);
    }

    // Leaks.
    const leaks = {};
    for (const a of agents) {
      const floors = (k) =>
        a.minutes
          .filter(Boolean)
          .map((b) => min(b.samples.map((s) => s[k])))
          .filter(Number.isFinite);
      const halves = (pts, allowance) => {
        const h = Math.floor(pts.length / 2);
        if (h < 1) return undefined;
        const firstMax = max(pts.slice(0, h));
        const lastMin = min(pts.slice(pts.length - h));
        return lastMin - firstMax > allowance
          ? (countLeak(pts, { allowance }) ?? { rise: lastMin - firstMax, from: firstMax, to: lastMin })
          : undefined;
      };
      const fd = halves(floors('fds'), FD_ALLOWANCE);
      const th = halves(floors('threads'), THREAD_ALLOWANCE);
      const heap = heapLeak(
        a.samples.filter((s) => Number.isFinite(s.heapAfterGc)).map((s) => ({ minute: s.minute, bytes: s.heapAfterGc })),
        { slopePerMinute: HEAP_SLOPE, margin: HEAP_MARGIN },
      );
      leaks[a.name] = {
        fds: fd ?? null,
        threads: th ?? null,
        heapAfterGc: heap ?? null,
        fdFloors: floors('fds'),
        threadFloors: floors('threads'),
      };
      if (fd)
        fail(
          `${a.name}: descriptors leak: per-minute floors ${floors('fds').join(' ')} (last half above first half by more than ${FD_ALLOWANCE})`,
        );
      if (th)
        fail(
          `${a.name}: threads leak: per-minute floors ${floors('threads').join(' ')} (last half above first half by more than ${THREAD_ALLOWANCE})`,
        );
      if (heap)
        fail(
          `${a.name}: heap after GC leaks: slope ${MiB(heap.slopePerMinute)} MiB/min, every sample of the last half (>= ${MiB(heap.lastHalfMin)} MiB) above the first half (<= ${MiB(heap.firstHalfMax)} MiB), means ${MiB(heap.rise)} MiB apart`,
        );
    }

    const exits = {};
    for (const a of agents) {
      a.stopping = true;
      exits[a.name] = await stopAgent(a.proc);
      if (exits[a.name].killed || exits[a.name].code !== 0)
        fail(`${a.name}: did not stop cleanly on SIGTERM: ${JSON.stringify(exits[a.name])} ${a.proc.tail()}`);
    }

    const summary = {
      minutes: MINUTES,
      node: process.version,
      cpus: cpus().length,
      ok: reasons.length === 0,
      reasons,
      agents: Object.fromEntries(
        agents.map((a) => {
          const heap = a.samples.map((s) => s.heapAfterGc).filter(Number.isFinite);
          return [
            a.name,
            {
              scrapes: a.minutes.reduce((n, b) => n + (b?.scrapes ?? 0), 0),
              warmupScrapes: a.warmup.scrapes,
              scrapeErrors: a.errors,
              skippedScrapes: a.skipped,
              idleConnectionRetries: a.idleRetries ?? 0,
              countersChecked: a.tracker.checked,
              monotonicSeries: a.tracker.last.size,
              seriesPerScrape: a.series,
              countersBackwards: a.tracker.backwards.length,
              collectorFailurePolls: a.minutes.reduce((n, b) => n + (b?.collectorFailures ?? 0), 0),
              reloadsSent: a.reloadsSent,
              reloadsSeen: a.minutes.reduce((n, b) => n + (b?.reloads ?? 0), 0),
              otlp: receiver.stats[a.name],
              rssBytes: { first: a.samples[0]?.rss, last: a.samples.at(-1)?.rss, max: max(a.samples.map((s) => s.rss)) },
              heapAfterGcBytes: { first: heap[0], last: heap.at(-1), min: min(heap), max: max(heap) },
              fds: { first: a.samples[0]?.fds, last: a.samples.at(-1)?.fds, max: max(a.samples.map((s) => s.fds)) },
              threads: { first: a.samples[0]?.threads, last: a.samples.at(-1)?.threads, max: max(a.samples.map((s) => s.threads)) },
              eventLoopDelayMs: { p99Max: max(a.samples.map((s) => s.eld?.p99 ?? NaN)), max: max(a.samples.map((s) => s.eld?.max ?? NaN)) },
              leaks: leaks[a.name],
              exit: exits[a.name],
              perMinute: a.minutes.map((b, m) => (b ? minuteRow(a, m, b) : null)).filter(Boolean),
              samples: a.samples.map((x) => ({
                minute: Number(x.minute.toFixed(3)),
                rss: x.rss,
                heapAfterGc: x.heapAfterGc,
                external: x.external,
                fds: x.fds,
                threads: x.threads,
                eldP99Ms: x.eld?.p99,
                eldMaxMs: x.eld?.max,
              })),
            },
          ];
        }),
      ),
    };
    const text = JSON.stringify(summary, null, 2);
    console.log(
      `\nsummary:\n${JSON.stringify({ ok: summary.ok, reasons, agents: Object.fromEntries(Object.entries(summary.agents).map(([k, v]) => [k, { ...v, perMinute: undefined, samples: undefined }])) }, null, 2)}`,
    );
    if (JSON_OUT) writeFileSync(JSON_OUT, text + '\n');
  } finally {
    for (const t of timers) clearInterval(t);
    for (const a of agents) {
      a.stopping = true;
      await stopAgent(a.proc);
      a.httpAgent?.destroy();
    }
    if (churn?.pid) {
      try {
        process.kill(-churn.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (reasons.length) {
    console.error(`\nsoak FAILED (${reasons.length} reason${reasons.length > 1 ? 's' : ''}):`);
    for (const r of reasons) console.error(`  - ${r}`);
    process.exit(1);
  }
  console.log('\nsoak passed');
}

main().catch((e) => {
  console.error(`soak: ${e.stack ?? e.message}`);
  process.exit(1);
});
