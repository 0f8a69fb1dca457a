#!/usr/bin/env node
// hostprobe/otel beside @opentelemetry/host-metrics: CPU per collection (not a test:
// numbers for the README).
//
//   node bench/otel/run.mjs [--rounds 10] [--reps 20] [--json]
//
// Two MeterProviders in this process, each with a reader whose collections the benchmark
// runs: one with hostprobe's registerHostMetrics (the default collectors), one with
// @opentelemetry/host-metrics' HostMetrics (all its metrics). Rounds interleave the two;
// each round measures --reps collections of one provider in process CPU time (user +
// system), plus the CPU of child processes that ended meanwhile (/proc/self/stat
// cutime + cstime; hostprobe starts none). Reports medians per collection, the data points
// each collection carries, and the ratio host-metrics / hostprobe. Needs a build
// (`npm run build`).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { HostMetrics } from '@opentelemetry/host-metrics';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(join(process.env.HOSTPROBE_DIST ?? join(root, 'dist'), p));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : Number(args[i + 1]);
};
const ROUNDS = opt('rounds', 10);
const REPS = opt('reps', 20);
const JSON_OUT = args.includes('--json');

class ManualReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/** CPU of waited-for children, µs (/proc/self/stat fields 16 and 17, clock ticks at 100 Hz). */
function childrenCpuUs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10_000;
}

function points(resourceMetrics, scopeName) {
  let n = 0;
  for (const sm of resourceMetrics.scopeMetrics) {
    if (scopeName && sm.scope.name !== scopeName) continue;
    for (const m of sm.metrics) n += m.dataPoints.length;
  }
  return n;
}

async function measure(reader, reps) {
  const c0 = childrenCpuUs();
  const t0 = process.cpuUsage();
  let pts = 0;
  for (let i = 0; i < reps; i++) {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length) throw new Error(`collection failed: ${errors.map(String).join('; ')}`);
    pts = points(resourceMetrics);
  }
  const d = process.cpuUsage(t0);
  return { us: (d.user + d.system) / reps, childUs: (childrenCpuUs() - c0) / reps, points: pts };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { registerHostMetrics } = await dist('integrations/otel.js');
const readerHp = new ManualReader();
const providerHp = new MeterProvider({ readers: [readerHp] });
const hp = await registerHostMetrics({ meterProvider: providerHp });
const readerHm = new ManualReader();
const providerHm = new MeterProvider({ readers: [readerHm] });
const hm = new HostMetrics({ meterProvider: providerHm, name: 'host-metrics-bench' });
hm.start();

// Warm-up: first collections load modules and fill caches.
await measure(readerHp, 3);
await measure(readerHm, 3);

const r = { hostprobe: [], hostMetrics: [], hostprobeChildren: [], hostMetricsChildren: [], ratio: [] };
let ptsHp = 0;
let ptsHm = 0;
for (let i = 0; i < ROUNDS; i++) {
  const a = await measure(readerHp, REPS);
  const b = await measure(readerHm, REPS);
  r.hostprobe.push(a.us + a.childUs);
  r.hostprobeChildren.push(a.childUs);
  r.hostMetrics.push(b.us + b.childUs);
  r.hostMetricsChildren.push(b.childUs);
  r.ratio.push((b.us + b.childUs) / (a.us + a.childUs));
  ptsHp = a.points;
  ptsHm = b.points;
}
await hp.close();
await providerHp.shutdown();
await providerHm.shutdown();

const out = {
  rounds: ROUNDS,
  repsPerRound: REPS,
  hostprobe: { cpuUsPerCollection: median(r.hostprobe), childCpuUsPerCollection: median(r.hostprobeChildren), points: ptsHp },
  hostMetrics: { cpuUsPerCollection: median(r.hostMetrics), childCpuUsPerCollection: median(r.hostMetricsChildren), points: ptsHm },
  hostMetricsOverHostprobe: median(r.ratio),
};
if (JSON_OUT) console.log(JSON.stringify(out, null, 2));
else {
  console.log(`${ROUNDS} interleaved rounds of ${REPS} collections each, medians (CPU = process user+system + ended children)`);
  console.log(
    `hostprobe/otel:                ${(out.hostprobe.cpuUsPerCollection / 1000).toFixed(2)} ms CPU per collection, ${ptsHp} points`,
  );
  console.log(
    `@opentelemetry/host-metrics:   ${(out.hostMetrics.cpuUsPerCollection / 1000).toFixed(2)} ms CPU per collection, ${ptsHm} points`,
  );
  console.log(`host-metrics / hostprobe:      ${out.hostMetricsOverHostprobe.toFixed(2)}x CPU per collection`);
  const perPoint = (o) => (o.points ? (o.cpuUsPerCollection / o.points).toFixed(1) : 'n/a');
  console.log(`CPU per data point:            hostprobe ${perPoint(out.hostprobe)} µs, host-metrics ${perPoint(out.hostMetrics)} µs`);
}
