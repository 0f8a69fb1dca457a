// The OTLP sink fed with real snapshots of this host (the agent's poller and collectors),
// against a local receiver that misbehaves: schedule, one export in flight, drops and
// their counters, logging once, Retry-After pauses, recovery, series that disappear, and
// memory while the receiver is down.
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import type { Poller } from '../../../../src/agent/poller.js';
import { OtlpSink } from '../../../../src/sinks/otlp/sink.js';
import { configFrom, otlpOf, recordingLogger, startPoller } from '../../../helpers/otlp-agent.js';
import { closedPort, rpcStatus, startFaultServer, type FaultServer } from '../../../helpers/otlp-fault-server.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let poller: Poller;
const snaps: Snapshot[] = [];
let server: FaultServer | undefined;
let sink: OtlpSink | undefined;

beforeAll(async () => {
  poller = await startPoller(await configFrom(''));
  for (let i = 0; i < 3; i++) snaps.push(await poller.pollOnce());
});

afterAll(async () => {
  await poller.stop();
});

afterEach(async () => {
  await sink?.close();
  sink = undefined;
  await server?.close();
  server = undefined;
});

async function makeSink(url: string, extra = '', now?: () => number) {
  const config = otlpOf(
    await configFrom(
      `otlp:\n  metrics_endpoint: ${url}\n${extra.includes('retry:') ? '' : '  retry: {initial_backoff: 10ms, max_backoff: 20ms}\n'}${extra}`,
    ),
  );
  const logger = recordingLogger();
  sink = new OtlpSink({ config, version: '0.0.0-test', rootfs: '/', logger, ...(now ? { now } : {}) });
  return { sink, logger };
}

interface JsonPoint {
  attributes?: { key: string; value: Record<string, unknown> }[];
  startTimeUnixNano: string;
  timeUnixNano: string;
}
interface JsonMetric {
  name: string;
  sum?: { dataPoints: JsonPoint[] };
  gauge?: { dataPoints: JsonPoint[] };
}
function metricsOf(body: Buffer): JsonMetric[] {
  const req = JSON.parse(body.toString('utf8')) as { resourceMetrics: { scopeMetrics: { metrics: JsonMetric[] }[] }[] };
  return req.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}
function attr(p: JsonPoint, key: string): unknown {
  const v = p.attributes?.find((a) => a.key === key)?.value;
  return v ? Object.values(v)[0] : undefined;
}

describe('schedule', () => {
  it('exports the first snapshot at once, then once per interval', async () => {
    server = await startFaultServer(() => ({ status: 200 }));
    let clock = 1_000_000;
    const { sink: s } = await makeSink(server.url, '  interval: 60s\n', () => clock);
    s.onSnapshot(snaps[0]!);
    expect(s.pending).toBeDefined(); // started synchronously with the first snapshot
    expect((await s.pending!).result).toBe('success');
    clock += 30_000;
    s.onSnapshot(snaps[1]!);
    expect(s.pending).toBeUndefined(); // half an interval later: not yet
    clock += 29_500; // 59.5 s: within the tolerance (1 s)
    s.onSnapshot(snaps[2]!);
    expect((await s.pending!).snapshotSeq).toBe(snaps[2]!.seq);
    expect(server.received).toHaveLength(2);
    expect(s.self.success).toBe(2);
    expect(s.self.lastSuccessSeconds).toBe(clock / 1000);
  });

  it('keeps at most one export in flight and counts the skipped one', async () => {
    server = await startFaultServer(() => ({ hang: true }));
    const { sink: s } = await makeSink(server.url, '  interval: 1s\n  timeout: 500ms\n');
    s.onSnapshot(snaps[0]!);
    const first = s.pending!;
    const again = await s.exportLatest();
    expect(again.result).toBe('skipped');
    expect(s.self.skipped).toBe(1);
    expect((await first).result).toBe('failed');
    expect(s.self.failures.timeout).toBe(1);
    expect(server.received).toHaveLength(1);
  });
});

describe('failures', () => {
  it('drops a rejected export, counts it, and logs the receiver message once', async () => {
    server = await startFaultServer(() => ({
      status: 400,
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: rpcStatus(3, 'unsupported metric type'),
    }));
    let clock = 0;
    const { sink: s, logger } = await makeSink(server.url, '', () => clock);
    for (let i = 0; i < 4; i++) {
      clock += 120_000;
      s.onSnapshot(snaps[i % snaps.length]!);
      expect((await s.pending!).result).toBe('failed');
    }
    expect(server.received).toHaveLength(4); // 400 is never retried
    expect(s.self.failed).toBe(4);
    expect(s.self.failures.rejected).toBe(4);
    expect(s.self.retries).toBe(0);
    const warns = logger.records.filter((r) => r.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]!.msg).toContain('HTTP 400: unsupported metric type');
    const fams = Object.fromEntries(s.self.families().map((f) => [f.name, f]));
    expect(fams.hostprobe_otlp_exports_total!.values).toContainEqual({ labels: { result: 'failed' }, value: 4 });
    expect(fams.hostprobe_otlp_export_failures_total!.values).toContainEqual({ labels: { reason: 'rejected' }, value: 4 });
    expect(fams.hostprobe_otlp_last_success_timestamp_seconds!.values[0]!.value).toBe(0);
  });

  it('retries 503, drops after the timeout, and recovers at the next export', async () => {
    server = await startFaultServer(() => ({ status: 503 }));
    let clock = 0;
    // A timeout long enough for several 10-20 ms backoffs even when a loaded machine makes
    // each attempt slow: the test asserts that retries happened, not how many.
    const { sink: s, logger } = await makeSink(server.url, '  timeout: 3s\n  interval: 5s\n', () => clock);
    s.onSnapshot(snaps[0]!);
    const r1 = await s.pending!;
    expect(r1.result).toBe('failed');
    // The export ends at its deadline: between attempts (retries exhausted), or, on a machine
    // slow enough that the last attempt is still waiting for its answer then, as a timeout.
    expect(['retries_exhausted', 'timeout']).toContain(r1.transport!.outcome);
    expect(s.self.retries).toBe(r1.transport!.attempts - 1);
    expect(s.self.retries).toBeGreaterThan(0);
    expect(server.received.length).toBeGreaterThanOrEqual(s.self.retries);
    // The receiver comes back; the next snapshot one interval later goes through.
    server.script(() => ({ status: 200 }));
    clock += 5000;
    s.onSnapshot(snaps[1]!);
    expect((await s.pending!).result).toBe('success');
    expect(s.upToDate).toBe(true);
    expect(logger.records.some((r) => r.level === 'info' && r.msg === 'otlp export recovered')).toBe(true);
  });

  it('pauses the schedule for a Retry-After beyond the timeout', async () => {
    server = await startFaultServer(() => ({ status: 429, headers: { 'Retry-After': '120' } }));
    let clock = 0;
    const { sink: s } = await makeSink(server.url, '  timeout: 1s\n  interval: 10s\n', () => clock);
    s.onSnapshot(snaps[0]!);
    expect((await s.pending!).transport!.retryAfterMs).toBe(120_000);
    expect(server.received).toHaveLength(1);
    clock += 60_000;
    s.onSnapshot(snaps[1]!);
    expect(s.pending).toBeUndefined();
    expect(s.self.skipped).toBe(1);
    server.script(() => ({ status: 200 }));
    clock += 61_000;
    s.onSnapshot(snaps[2]!);
    expect((await s.pending!).result).toBe('success');
    expect(server.received).toHaveLength(2);
  });
});

describe('series', () => {
  it('stops sending a series that left the snapshot and restarts it with a new start time', async () => {
    server = await startFaultServer(() => ({ status: 200 }));
    const withLo = snaps[0]!;
    const all = await startPoller(await configFrom(''));
    const noLo = await startPoller(await configFrom("collectors:\n  net:\n    netdev:\n      device_exclude: '^lo$'\n"));
    try {
      let clock = 0;
      const { sink: s } = await makeSink(server.url, '  protocol: http/json\n', () => clock);
      const lo = (b: Buffer) =>
        metricsOf(b)
          .find((m) => m.name === 'system.network.io')!
          .sum!.dataPoints.filter((p) => attr(p, 'network.interface.name') === 'lo');
      s.onSnapshot(withLo);
      await s.pending;
      expect(lo(server.received[0]!.body)).toHaveLength(2);
      const tracked = s.trackedSeries;
      clock += 120_000;
      s.onSnapshot(await noLo.pollOnce());
      await s.pending;
      expect(lo(server.received[1]!.body)).toHaveLength(0);
      expect(s.trackedSeries).toBeLessThan(tracked);
      clock += 120_000;
      const back = await all.pollOnce();
      s.onSnapshot(back);
      await s.pending;
      const pts = lo(server.received[2]!.body);
      expect(pts).toHaveLength(2);
      // Counted since boot the first time; back after an absence, it starts at the previous export.
      const boot = BigInt(Math.round(withLo.readings.cpu!.stat!.bootTimeSeconds)) * 1_000_000_000n;
      expect(BigInt(lo(server.received[0]!.body)[0]!.startTimeUnixNano)).toBe(boot);
      const startAfter = BigInt(pts[0]!.startTimeUnixNano);
      expect(startAfter > boot).toBe(true);
      expect(startAfter <= BigInt(pts[0]!.timeUnixNano)).toBe(true);
    } finally {
      await all.stop();
      await noLo.stop();
    }
  });
});

describe('memory while the receiver is down', () => {
  it('stays flat over hundreds of failed exports', async () => {
    const port = await closedPort();
    let clock = 0;
    const { sink: s } = await makeSink(
      `http://127.0.0.1:${port}/v1/metrics`,
      '  timeout: 20ms\n  interval: 100ms\n  retry: {initial_backoff: 2ms, max_backoff: 4ms}\n',
      () => clock,
    );
    const round = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock += 1000;
        s.onSnapshot(snaps[i % snaps.length]!);
        const r = await s.pending!;
        expect(r.result).toBe('failed');
      }
    };
    const heap = () => {
      gc();
      gc();
      return v8.getHeapStatistics().used_heap_size;
    };
    await round(50);
    const before = heap();
    const trackedBefore = s.trackedSeries;
    await round(300);
    const after = heap();
    expect(s.self.failed).toBe(350);
    expect(s.self.failures.retries_exhausted + s.self.failures.timeout).toBe(350);
    expect(s.trackedSeries).toBe(trackedBefore);
    // One retained request per failed export would be > 300 × the payload (tens of kB each).
    expect(after - before).toBeLessThan(2 * 1024 * 1024);
  });
});
