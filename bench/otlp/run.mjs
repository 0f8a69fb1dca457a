#!/usr/bin/env node
// OTLP export cost for the full host, against the cost of the same poll's Prometheus
// rendering (not a test: numbers for the README).
//
//   node bench/otlp/run.mjs [--polls 20] [--reps 50] [--json]
//
// Runs the agent's poller (built-in default config plus a process group) against this
// host, then for each snapshot measures, in process CPU time (user + system) per
// operation, averaged over --reps repetitions:
//   - OTLP encode: snapshot → ResourceMetrics → ExportMetricsServiceRequest (protobuf,
//     and JSON for comparison), then gzip;
//   - OTLP export: the whole sink path (encode + gzip + HTTP POST) to a local receiver in
//     a child process that answers 200 (its CPU is not counted);
//   - Prometheus: the same snapshot rendered to the text exposition, then gzip
//     (what /metrics caches once per poll).
// Bytes per export are the request body sizes. Needs a build (`npm run build`).
import { fork } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// HOSTPROBE_DIST: another tsc output directory (default: the package's dist/).
const dist = (p) => import(join(process.env.HOSTPROBE_DIST ?? join(root, 'dist'), p));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : Number(args[i + 1]);
};
const POLLS = opt('polls', 20);
const REPS = opt('reps', 50);

if (process.argv[2] === '--receiver') {
  // Child: a receiver that reads the body and answers 200.
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end());
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

function cpuUs(fn, reps) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / reps;
}

async function cpuUsAsync(fn, reps) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) await fn();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / reps;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const { checkConfigText } = await dist('config/load.js');
  const { Poller } = await dist('agent/poller.js');
  const { COLLECTORS } = await dist('collectors/index.js');
  const { nullLogger } = await dist('logger.js');
  const { OtlpMetricsBuilder, ResourceCache, OtlpSink, serializeRequest } = await dist('sinks/otlp/index.js');
  const prom = await dist('sinks/prometheus/index.js');

  const child = fork(fileURLToPath(import.meta.url), ['--receiver'], { stdio: 'inherit' });
  const port = await new Promise((resolve) => child.once('message', resolve));

  const yaml = `
collectors:
  process:
    groups:
      - name: "{{.Comm}}"
        comm: [node, systemd, bash, sh]
otlp:
  endpoint: http://127.0.0.1:${port}
  interval: 1s
  timeout: 1s
`;
  const { config, issues } = await checkConfigText(yaml, 'bench.yaml');
  if (!config) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  const poller = new Poller({ config, logger: nullLogger, table: COLLECTORS });
  await poller.init();
  const renderOpts = prom.renderOptions(config);
  const version = '0.0.0-bench';
  const builder = new OtlpMetricsBuilder({ naming: 'semconv', version });
  const resources = new ResourceCache({ version, rootfs: '/', envAttributes: {}, configAttributes: {} });
  let clock = 0;
  const sink = new OtlpSink({ config: config.otlp, version, rootfs: '/', now: () => clock });

  const rows = [];
  for (let p = 0; p < POLLS; p++) {
    const t0 = process.cpuUsage();
    const snap = await poller.pollOnce();
    const pollCpu = process.cpuUsage(t0);
    const resource = resources.get(snap);
    const built = builder.build(snap, resource);
    const proto = serializeRequest(built.resourceMetrics, 'http/protobuf');
    const json = serializeRequest(built.resourceMetrics, 'http/json');
    const protoGz = gzipSync(proto);
    const text = prom.renderText(snap, renderOpts);
    const textGz = gzipSync(Buffer.from(text));
    const row = {
      points: built.points,
      pollCpuUs: pollCpu.user + pollCpu.system,
      otlpBuildUs: cpuUs(() => builder.build(snap, resource), REPS),
      otlpProtoUs: cpuUs(() => serializeRequest(builder.build(snap, resource).resourceMetrics, 'http/protobuf'), REPS),
      otlpProtoGzipUs: cpuUs(() => gzipSync(serializeRequest(builder.build(snap, resource).resourceMetrics, 'http/protobuf')), REPS),
      otlpJsonUs: cpuUs(() => serializeRequest(builder.build(snap, resource).resourceMetrics, 'http/json'), REPS),
      promTextUs: cpuUs(() => prom.renderText(snap, renderOpts), REPS),
      promTextGzipUs: cpuUs(() => gzipSync(Buffer.from(prom.renderText(snap, renderOpts))), REPS),
      otlpExportUs: await cpuUsAsync(
        async () => {
          clock += 2000;
          sink.onSnapshot(snap);
          const r = await sink.pending;
          if (r.result !== 'success') throw new Error(`export failed: ${JSON.stringify(r.transport)}`);
        },
        Math.max(5, Math.floor(REPS / 5)),
      ),
      protoBytes: proto.byteLength,
      protoGzipBytes: protoGz.byteLength,
      jsonBytes: json.byteLength,
      promTextBytes: Buffer.byteLength(text),
      promTextGzipBytes: textGz.byteLength,
    };
    rows.push(row);
  }
  await sink.close();
  await poller.stop();
  child.disconnect();

  const summary = {};
  for (const k of Object.keys(rows[0])) summary[k] = median(rows.map((r) => r[k]));
  if (args.includes('--json')) {
    console.log(JSON.stringify({ polls: POLLS, reps: REPS, node: process.version, median: summary }, null, 2));
    return;
  }
  const us = (v) => `${(v / 1000).toFixed(3)} ms`;
  const kb = (v) => `${(v / 1024).toFixed(1)} KiB`;
  console.log(`OTLP vs Prometheus rendering, full host, median of ${POLLS} polls (${REPS} reps each), node ${process.version}`);
  console.log(`data points per export: ${summary.points}; poll itself: ${us(summary.pollCpuUs)} CPU`);
  console.log('');
  console.log('| step | CPU per poll | bytes |');
  console.log('|---|---|---|');
  console.log(`| OTLP: snapshot → ResourceMetrics | ${us(summary.otlpBuildUs)} | |`);
  console.log(`| OTLP: + protobuf | ${us(summary.otlpProtoUs)} | ${kb(summary.protoBytes)} |`);
  console.log(`| OTLP: + protobuf + gzip | ${us(summary.otlpProtoGzipUs)} | ${kb(summary.protoGzipBytes)} |`);
  console.log(`| OTLP: + JSON (for comparison) | ${us(summary.otlpJsonUs)} | ${kb(summary.jsonBytes)} |`);
  console.log(
    `| OTLP: whole export (protobuf + gzip + HTTP POST to a local receiver) | ${us(summary.otlpExportUs)} | ${kb(summary.protoGzipBytes)} |`,
  );
  console.log(`| Prometheus: text exposition | ${us(summary.promTextUs)} | ${kb(summary.promTextBytes)} |`);
  console.log(`| Prometheus: text + gzip | ${us(summary.promTextGzipUs)} | ${kb(summary.promTextGzipBytes)} |`);
  console.log('');
  console.log(`OTLP export / Prometheus render+gzip CPU: ${(summary.otlpExportUs / summary.promTextGzipUs).toFixed(2)}x`);
}
