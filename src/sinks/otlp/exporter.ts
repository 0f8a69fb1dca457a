/**
 * The agent's OTLP exporter: the official one, @opentelemetry/exporter-metrics-otlp-http's
 * OTLPMetricExporterBase over @opentelemetry/otlp-exporter-base's network export delegate,
 * which serializes each ResourceMetrics with the SDK's serializer for the configured protocol
 * (ProtobufMetricsSerializer for http/protobuf, as @opentelemetry/exporter-metrics-otlp-proto
 * does; JsonMetricsSerializer for http/json) and keeps at most one export in flight
 * (concurrencyLimit 1). The HTTP attempts and retries go through hostprobe's transport
 * (transport.ts), plugged in at the exporter's IExporterTransport seam: why, in docs/otlp.md
 * "Sending".
 *
 * The exporter answers only SUCCESS or FAILED; what the sink counts and logs (attempts, the
 * receiver's status and message, a Retry-After beyond the budget, a partial success) is the
 * transport's record of the same export, handed back beside the exporter's result.
 */
import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import { createOtlpNetworkExportDelegate, ExporterMetrics, OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { JsonMetricsSerializer, MetricsExporterMetricsHelper, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol, ExportResult as TransportResult, OtlpHttpTransport } from './transport.js';

/** How one export through the exporter ended. */
export interface ExporterOutcome {
  /** The exporter's verdict. */
  ok: boolean;
  /** The exporter's error, when it failed. */
  error?: Error;
  /** The transport's record (absent when nothing was sent: the request could not be encoded). */
  transport?: TransportResult;
  /** The serialized request's size (before compression), 0 when nothing was sent. */
  payloadBytes: number;
}

/** Feeds the exporter's serialized requests to hostprobe's transport and keeps its record. */
class TransportSeam implements IExporterTransport {
  last: { result: TransportResult; payloadBytes: number } | undefined;

  constructor(private readonly transport: OtlpHttpTransport) {}

  async send(data: Uint8Array): Promise<ExportResponse> {
    // The deadline is the transport's own (the same export timeout the delegate passes).
    const result = await this.transport.send(data);
    this.last = { result, payloadBytes: data.byteLength };
    switch (result.outcome) {
      case 'success':
        // No response body for the delegate: the partial success is the sink's to count and log.
        return { status: 'success' };
      case 'retries_exhausted':
        return {
          status: 'retryable',
          error: new OTLPExporterError(result.message ?? 'retries exhausted', result.status),
          ...(result.retryAfterMs !== undefined ? { retryInMillis: result.retryAfterMs } : {}),
        };
      default:
        return { status: 'failure', error: new OTLPExporterError(result.message ?? result.outcome, result.status) };
    }
  }

  shutdown(): void {
    this.transport.close();
  }
}

export class AgentMetricExporter {
  private readonly seam: TransportSeam;
  private readonly exporter: OTLPMetricExporterBase;

  constructor(transport: OtlpHttpTransport, protocol: OtlpProtocol, timeoutMs: number) {
    this.seam = new TransportSeam(transport);
    const serializer = protocol === 'http/json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
    const shared = { timeoutMillis: timeoutMs, concurrencyLimit: 1, compression: 'none' as const };
    const metrics = new ExporterMetrics<ResourceMetrics>({
      componentType: 'otlp_http_metric_exporter',
      metricsHelper: MetricsExporterMetricsHelper,
      url: transport.url.toString(),
      // No MeterProvider: the agent reports its exports as hostprobe_otlp_* on /metrics.
      meterProvider: undefined,
      responseAttributesFromError: () => ({}),
    });
    const delegate = createOtlpNetworkExportDelegate(shared, serializer, metrics, this.seam);
    this.exporter = new OTLPMetricExporterBase(delegate);
  }

  /** Exports one ResourceMetrics; never rejects. An encoding error is a failed export with no transport record. */
  export(rm: ResourceMetrics): Promise<ExporterOutcome> {
    this.seam.last = undefined;
    return new Promise<ExporterOutcome>((resolve) => {
      try {
        this.exporter.export(rm, (r) => {
          const last = this.seam.last;
          this.seam.last = undefined;
          const out: ExporterOutcome = { ok: r.code === 0, payloadBytes: last?.payloadBytes ?? 0 };
          if (r.error) out.error = r.error;
          if (last) out.transport = last.result;
          resolve(out);
        });
      } catch (e) {
        resolve({ ok: false, error: e as Error, payloadBytes: 0 });
      }
    });
  }

  /** Waits for the export in flight (the transport's waits end at once) and closes the transport. */
  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }
}
