// The whole agent (config file, poller, /metrics over HTTP, OTLP push) against a real
// OpenTelemetry Collector: the first export follows the first poll, the points carry the
// poll time that /metrics reports for the same poll, values agree, and the OTLP sink's own
// counters show up on /metrics.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../../src/agent/agent.js';
import { OtlpSink } from '../../../../src/sinks/otlp/index.js';
import { haveTool } from '../../../helpers/tools.js';
import { parseExposition, Samples } from '../../../helpers/exposition.js';
import { recordingLogger } from '../../../helpers/otlp-agent.js';
import { attrsOf, otelcolTool, pointValue, startCollector, type Collector, type OtlpJsonRequest } from '../../../helpers/otelcol.js';

const otelcol = otelcolTool();
const enabled = haveTool(otelcol);
let collector: Collector;
let agent: Agent;
let base = '';
const logger = recordingLogger();

async function scrape(): Promise<Samples> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return new Samples(parseExposition(await res.text()));
}

function points(req: OtlpJsonRequest, name: string) {
  const m = req.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).find((x) => x.name === name);
  return m?.sum?.dataPoints ?? m?.gauge?.dataPoints ?? [];
}

beforeAll(async () => {
  if (!enabled) return;
  collector = await startCollector(otelcol.path!);
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-otlp-agent-'));
  const file = join(dir, 'hostprobe.yaml');
  // A long poll interval, and scrapes that do not poll: the test drives the polls, so /metrics
  // and the export are of the same one.
  writeFileSync(
    file,
    [
      'poll_interval: 1h',
      'http:',
      '  address: 127.0.0.1',
      '  port: 0',
      '  max_snapshot_age: 1h',
      'otlp:',
      `  endpoint: ${collector.endpoint}`,
      '  interval: 1s',
      '  retry: {initial_backoff: 50ms, max_backoff: 100ms}',
      '',
    ].join('\n'),
  );
  agent = new Agent({ configFile: file, logger });
  const addr = await agent.start();
  base = `http://127.0.0.1:${addr!.port}`;
  await agent.firstPoll();
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
});

describe.skipIf(!enabled)('the agent pushes what /metrics serves', () => {
  it('exports the first poll right away, stamped with the poll time /metrics reports', async () => {
    const req = (await collector.waitFor(1))[0]!;
    const prom = await scrape();
    const pollNs = BigInt(Math.round(prom.get('hostprobe_poll_timestamp_seconds') * 1000)) * 1_000_000n;
    const cpu = points(req, 'system.cpu.time');
    expect(cpu.length).toBeGreaterThan(0);
    for (const p of cpu) expect(BigInt(p.timeUnixNano)).toBe(pollNs);
    for (const p of cpu) {
      const a = attrsOf(p.attributes);
      if (a['cpu.mode'] === 'interrupt') continue;
      expect(pointValue(p)).toBeCloseTo(
        prom.get('node_cpu_seconds_total', { cpu: String(a['cpu.logical_number']), mode: String(a['cpu.mode']) }),
        6,
      );
    }
    for (const p of points(req, 'system.network.io')) {
      const a = attrsOf(p.attributes);
      expect(pointValue(p)).toBe(
        prom.get(`node_network_${String(a['network.io.direction'])}_bytes_total`, { device: String(a['network.interface.name']) }),
      );
    }
    for (const p of points(req, 'system.filesystem.limit')) {
      const a = attrsOf(p.attributes);
      expect(pointValue(p)).toBe(
        prom.get('node_filesystem_size_bytes', {
          mountpoint: String(a['system.filesystem.mountpoint']),
          device: String(a['system.device']),
        }),
      );
    }
    expect(pointValue(points(req, 'system.memory.limit')[0]!)).toBe(prom.get('node_memory_MemTotal_bytes'));
    expect(logger.records.some((r) => r.msg === 'otlp push on')).toBe(true);
  });

  it('serves the OTLP self-metrics on /metrics', async () => {
    // The next poll renders after the first export finished.
    await agent.poller.pollOnce();
    const prom = await scrape();
    expect(prom.get('hostprobe_otlp_exports_total', { result: 'success' })).toBeGreaterThanOrEqual(1);
    expect(prom.get('hostprobe_otlp_exports_total', { result: 'failed' })).toBe(0);
    expect(prom.get('hostprobe_otlp_last_success_timestamp_seconds')).toBeGreaterThan(0);
    expect(prom.get('hostprobe_otlp_exported_points_total')).toBeGreaterThan(0);
    expect(prom.get('hostprobe_otlp_sent_bytes_total')).toBeGreaterThan(0);
  });

  it('keeps serving /metrics while the receiver is down, and counts the failures', async () => {
    await collector.stop();
    const before = (await scrape()).get('hostprobe_poll_timestamp_seconds');
    await new Promise((r) => setTimeout(r, 1100)); // one export interval
    await agent.poller.pollOnce();
    const prom = await scrape();
    expect(prom.get('hostprobe_poll_timestamp_seconds')).toBeGreaterThan(before);
    // The failed export (refused connection, retried until the timeout) ends after this poll's render;
    // the one after shows it.
    const otlp = agent.sinks.find((k) => k instanceof OtlpSink);
    if (!(otlp instanceof OtlpSink)) throw new Error('the agent runs no OTLP sink');
    await otlp.pending;
    await agent.poller.pollOnce();
    const after = await scrape();
    expect(after.get('hostprobe_otlp_exports_total', { result: 'failed' })).toBeGreaterThanOrEqual(1);
    expect(after.get('hostprobe_otlp_export_failures_total', { reason: 'retries_exhausted' })).toBeGreaterThanOrEqual(1); // refused: retried, never "timeout"
    expect(after.get('hostprobe_otlp_export_retries_total')).toBeGreaterThanOrEqual(1);
  });
});
