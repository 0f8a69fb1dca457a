// hostprobe/otel with a real MeterProvider: a MetricReader collecting in this process, and
// a PeriodicExportingMetricReader pushing through the official OTLP exporter to a real
// OpenTelemetry Collector. The values are read from this host's /proc and /sys.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  PeriodicExportingMetricReader,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHostMetrics, type HostMetrics } from '../../../src/integrations/otel.js';
import { MAPPINGS } from '../../../src/sinks/otlp/mapping/index.js';
import { haveTool } from '../../helpers/tools.js';
import { waitFor } from '../../helpers/agent.js';
import { attrsOf, otelcolTool, pointValue, startCollector, type Collector } from '../../helpers/otelcol.js';

/** A reader whose collections the test runs. */
class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const comm = readFileSync('/proc/self/comm', 'utf8').trim();

function hostprobeMetrics(rm: ResourceMetrics): Map<string, MetricData> {
  const scope = rm.scopeMetrics.find((s) => s.scope.name === 'hostprobe');
  return new Map((scope?.metrics ?? []).map((m) => [m.descriptor.name, m]));
}

describe('registerHostMetrics with a MeterProvider', () => {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  let host: HostMetrics;

  beforeAll(async () => {
    host = await registerHostMetrics({ meterProvider: provider, processGroups: [{ name: 'self', comm: [comm] }] });
  }, 60_000);

  afterAll(async () => {
    await host?.close();
    await provider.shutdown();
  });

  const collect = async (): Promise<Map<string, MetricData>> => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    return hostprobeMetrics(resourceMetrics);
  };

  it("observes the mapping's semantic-convention names at collection", async () => {
    const m = await collect();
    const semconv = MAPPINGS.flatMap((x) => x.metrics.filter((d) => !d.hostmetricsOnly).map((d) => d.name)).sort();
    expect(host.instruments).toEqual(semconv);
    const cpu = m.get('system.cpu.time');
    expect(cpu?.dataPointType).toBe(DataPointType.SUM);
    expect(cpu?.descriptor.unit).toBe('s');
    expect(new Set(cpu?.dataPoints.map((p) => p.attributes['cpu.logical_number'])).size).toBe(cpus().length);
    expect(new Set(cpu?.dataPoints.map((p) => p.attributes['cpu.mode']))).toContain('idle');
    const limit = m.get('system.memory.limit')?.dataPoints[0]?.value;
    const meminfo = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    expect(limit).toBe(Number(meminfo?.[1]) * 1024);
    const used = m.get('system.memory.usage')?.dataPoints.find((p) => p.attributes['system.memory.state'] === 'used');
    expect(used?.value).toBeGreaterThan(0);
    const group = m.get('process.count')?.dataPoints.find((p) => p.attributes['process.group.name'] === 'self');
    expect(group?.value).toBeGreaterThanOrEqual(1);
  });

  it('polls again at each collection', async () => {
    const total = (m: Map<string, MetricData>): number =>
      (m.get('system.cpu.time')?.dataPoints ?? []).reduce((a, p) => a + (p.value as number), 0);
    const a = total(await collect());
    const b = await waitFor(
      async () => {
        const v = total(await collect());
        return v > a ? v : undefined;
      },
      30_000,
      'CPU time to grow between collections',
    );
    expect(b).toBeGreaterThan(a);
  });

  it('observes nothing new after close()', async () => {
    const r = new ManualReader();
    const p = new MeterProvider({ readers: [r] });
    const h = await registerHostMetrics({ meterProvider: p });
    const cpuValues = async (): Promise<number[]> =>
      (hostprobeMetrics((await r.collect()).resourceMetrics).get('system.cpu.time')?.dataPoints ?? []).map((x) => x.value as number);
    expect((await cpuValues()).length).toBeGreaterThan(0);
    await h.close();
    const closed = await cpuValues();
    // The kernel's CPU times moved on, the reported ones did not (the SDK keeps reporting a
    // cumulative series' last value; no poll runs any more).
    const stat = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    await waitFor(() => (readFileSync('/proc/stat', 'utf8').split('\n')[0] !== stat ? true : undefined), 30_000, '/proc/stat to move');
    expect(await cpuValues()).toEqual(closed);
    await p.shutdown();
  });

  it('names a bad option', async () => {
    await expect(registerHostMetrics({ meterProvider: provider, config: { collector_timeout: -1 } })).rejects.toThrow(/collector_timeout/);
  });
});

describe('pushed by the official OTLP exporter to a real Collector', () => {
  const otelcol = otelcolTool();
  let collector: Collector | undefined;

  afterAll(async () => {
    await collector?.stop();
  });

  it('arrives with the semantic-convention names, units and attributes', async () => {
    if (!haveTool(otelcol)) return;
    collector = await startCollector(otelcol.path);
    const exporter = new OTLPMetricExporter({ url: `${collector.endpoint}/v1/metrics` });
    // A long interval: the test triggers the export with forceFlush.
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const host = await registerHostMetrics({ meterProvider: provider });
    try {
      await provider.forceFlush();
      const [req] = await collector.waitFor(1, 30_000);
      const scope = req?.resourceMetrics[0]?.scopeMetrics.find((s) => s.scope.name === 'hostprobe');
      const byName = new Map((scope?.metrics ?? []).map((m) => [m.name, m]));
      const cpu = byName.get('system.cpu.time');
      expect(cpu?.unit).toBe('s');
      expect(cpu?.sum?.isMonotonic).toBe(true);
      const cpuNumbers = new Set(cpu?.sum?.dataPoints.map((p) => attrsOf(p.attributes)['cpu.logical_number']));
      expect(cpuNumbers.size).toBe(cpus().length);
      const limit = byName.get('system.memory.limit')?.sum?.dataPoints[0];
      expect(limit && pointValue(limit)).toBeGreaterThan(0);
      expect(byName.get('system.filesystem.usage')?.sum?.dataPoints.length).toBeGreaterThan(0);
    } finally {
      await host.close();
      await provider.shutdown();
    }
  }, 60_000);
});
