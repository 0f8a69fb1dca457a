/**
 * The OTLP sink's own counters, served on `/metrics` next to the agent's self-metrics:
 *
 * | metric | type | meaning |
 * |---|---|---|
 * | hostprobe_otlp_exports_total{result="success"\|"failed"\|"skipped"} | counter | exports by outcome; failed = dropped; skipped = not attempted (one still in flight, or a Retry-After pause) |
 * | hostprobe_otlp_export_failures_total{reason} | counter | failed exports by reason: rejected (non-retryable status), retries_exhausted, timeout, error |
 * | hostprobe_otlp_export_retries_total | counter | attempts beyond the first |
 * | hostprobe_otlp_last_success_timestamp_seconds | gauge | unix time of the last successful export (0 = never) |
 * | hostprobe_otlp_exported_points_total | counter | data points in successful exports |
 * | hostprobe_otlp_rejected_points_total | counter | data points a receiver rejected in a partial success |
 * | hostprobe_otlp_sent_bytes_total | counter | request bytes written (after compression), retries included |
 * | hostprobe_otlp_encode_cpu_seconds_total | counter | CPU time spent building and serializing requests |
 *
 * The families are in the same JSON form as the snapshot's runtime families
 * (`RuntimeFamily`), so the Prometheus sink renders them with the same code.
 */
import type { RuntimeFamily } from '../../contract/snapshot.js';
import type { ExportOutcome } from './transport.js';

const FAILURE_REASONS = ['rejected', 'retries_exhausted', 'timeout', 'error'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class OtlpSelfMetrics {
  success = 0;
  failed = 0;
  skipped = 0;
  readonly failures: Record<FailureReason, number> = { rejected: 0, retries_exhausted: 0, timeout: 0, error: 0 };
  retries = 0;
  lastSuccessSeconds = 0;
  exportedPoints = 0;
  rejectedPoints = 0;
  bytesSent = 0;
  encodeCpuSeconds = 0;

  recordSuccess(nowSeconds: number, points: number): void {
    this.success++;
    this.lastSuccessSeconds = nowSeconds;
    this.exportedPoints += points;
  }

  recordFailure(outcome: Exclude<ExportOutcome, 'success'>, _points: number): void {
    this.failed++;
    this.failures[outcome]++;
  }

  /** The counters as metric families (prom-client's JSON form). */
  families(): RuntimeFamily[] {
    return [
      {
        name: 'hostprobe_otlp_exports_total',
        help: 'OTLP exports by result: success, failed (dropped), skipped (one still in flight, or the receiver asked to wait).',
        type: 'counter',
        values: [
          { labels: { result: 'success' }, value: this.success },
          { labels: { result: 'failed' }, value: this.failed },
          { labels: { result: 'skipped' }, value: this.skipped },
        ],
      },
      {
        name: 'hostprobe_otlp_export_failures_total',
        help: 'Failed OTLP exports by reason.',
        type: 'counter',
        values: FAILURE_REASONS.map((reason) => ({ labels: { reason }, value: this.failures[reason] })),
      },
      {
        name: 'hostprobe_otlp_export_retries_total',
        help: 'OTLP export attempts beyond the first (429, 502, 503, 504 and network errors).',
        type: 'counter',
        values: [{ labels: {}, value: this.retries }],
      },
      {
        name: 'hostprobe_otlp_last_success_timestamp_seconds',
        help: 'Unix time of the last successful OTLP export (0 = never).',
        type: 'gauge',
        values: [{ labels: {}, value: this.lastSuccessSeconds }],
      },
      {
        name: 'hostprobe_otlp_exported_points_total',
        help: 'Data points sent in successful OTLP exports.',
        type: 'counter',
        values: [{ labels: {}, value: this.exportedPoints }],
      },
      {
        name: 'hostprobe_otlp_rejected_points_total',
        help: 'Data points the OTLP receiver rejected in partial-success responses.',
        type: 'counter',
        values: [{ labels: {}, value: this.rejectedPoints }],
      },
      {
        name: 'hostprobe_otlp_sent_bytes_total',
        help: 'OTLP request bytes written, after compression, retries included.',
        type: 'counter',
        values: [{ labels: {}, value: this.bytesSent }],
      },
      {
        name: 'hostprobe_otlp_encode_cpu_seconds_total',
        help: 'CPU seconds spent building and serializing OTLP requests.',
        type: 'counter',
        values: [{ labels: {}, value: this.encodeCpuSeconds }],
      },
    ];
  }
}
