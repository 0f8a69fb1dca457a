// The agent's exporter: the official OTLPMetricExporterBase (exporter-metrics-otlp-http)
// over the network export delegate, sending through hostprobe's transport. Against a local
// receiver: the bytes on the wire are the SDK serializers' (what exporter-metrics-otlp-proto
// and -http send), the exporter itself keeps one export in flight, and the transport's record
// comes back beside the exporter's verdict.
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ValueType } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentMetricExporter } from '../../../../src/sinks/otlp/exporter.js';
import { OtlpHttpTransport } from '../../../../src/sinks/otlp/transport.js';
import { startFaultServer, type FaultServer } from '../../../helpers/otlp-fault-server.js';

let server: FaultServer | undefined;
let exporter: AgentMetricExporter | undefined;

afterEach(async () => {
  await exporter?.shutdown();
  exporter = undefined;
  await server?.close();
  server = undefined;
});

const rm: ResourceMetrics = {
  resource: resourceFromAttributes({ 'service.name': 'hostprobe-test' }),
  scopeMetrics: [
    {
      scope: { name: 'hostprobe', version: '0.0.0' },
      metrics: [
        {
          descriptor: { name: 'system.uptime', description: 'up', unit: 's', valueType: ValueType.DOUBLE },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints: [{ startTime: [1, 0], endTime: [2, 0], attributes: {}, value: 42.5 }],
        },
      ],
    },
  ],
};

function make(url: string, protocol: 'http/protobuf' | 'http/json' = 'http/protobuf', timeoutMs = 5000): AgentMetricExporter {
  const transport = new OtlpHttpTransport({
    url,
    protocol,
    compression: 'none',
    headers: {},
    timeoutMs,
    retry: { initialBackoffMs: 50, maxBackoffMs: 100 },
  });
  exporter = new AgentMetricExporter(transport, protocol, timeoutMs);
  return exporter;
}

describe('AgentMetricExporter', () => {
  it.each([
    ['http/protobuf', 'application/x-protobuf', ProtobufMetricsSerializer],
    ['http/json', 'application/json', JsonMetricsSerializer],
  ] as const)('sends %s exactly as the SDK serializer encodes it', async (protocol, contentType, serializer) => {
    server = await startFaultServer(() => ({ status: 200 }));
    const out = await make(server.url, protocol).export(rm);
    expect(out.ok).toBe(true);
    expect(out.transport?.outcome).toBe('success');
    const got = server.received[0]!;
    expect(got.headers['content-type']).toBe(contentType);
    expect(got.body.equals(Buffer.from(serializer.serializeRequest(rm)!))).toBe(true);
    expect(out.payloadBytes).toBe(got.body.length);
  });

  it('keeps one export in flight: a second export while one runs fails without a request', async () => {
    server = await startFaultServer((n) => (n === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 }));
    const e = make(server.url);
    const first = e.export(rm);
    const second = await e.export(rm);
    expect(second.ok).toBe(false);
    expect(second.error?.message).toMatch(/Concurrent export limit/);
    expect(second.transport).toBeUndefined();
    const r = await first;
    expect(r.ok).toBe(true);
    expect(r.transport?.attempts).toBe(2);
    expect(server.received).toHaveLength(2);
  });

  it("fails with the transport's record when retries are exhausted", async () => {
    server = await startFaultServer(() => ({ status: 429, headers: { 'Retry-After': '30' } }));
    const out = await make(server.url, 'http/protobuf', 1000).export(rm);
    expect(out.ok).toBe(false);
    expect(out.transport).toMatchObject({ outcome: 'retries_exhausted', status: 429, retryAfterMs: 30_000 });
    expect(server.received).toHaveLength(1);
  });

  it('fails a rejected export with the status and message', async () => {
    server = await startFaultServer(() => ({ status: 400, body: 'bad metric' }));
    const out = await make(server.url).export(rm);
    expect(out.ok).toBe(false);
    expect(out.error?.message).toBe('bad metric');
    expect((out.error as { code?: number }).code).toBe(400);
    expect(out.transport).toMatchObject({ outcome: 'rejected', status: 400, attempts: 1 });
  });

  it('reports a request it cannot encode as a failure with nothing sent', async () => {
    server = await startFaultServer(() => ({ status: 200 }));
    const broken = {
      resource: rm.resource,
      scopeMetrics: [{ scope: { name: 'x' }, metrics: [{ dataPointType: 99 }] }],
    } as unknown as ResourceMetrics;
    const out = await make(server.url).export(broken);
    expect(out.ok).toBe(false);
    expect(out.transport).toBeUndefined();
    expect(server.received).toHaveLength(0);
  });
});
