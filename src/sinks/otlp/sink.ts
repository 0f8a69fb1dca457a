/**
 * The OTLP sink: pushes the agent's snapshots to an OTLP/HTTP receiver.
 *
 * Scheduling is driven by the polls: the first snapshot is exported as soon as it arrives
 * (right after the first poll), and after that a snapshot is exported when at least one
 * export interval has passed since the previous export started (within a small tolerance,
 * so a poll that lands a few milliseconds early does not slip a whole poll period). Each
 * export sends the snapshot that `/metrics` serves for the same poll.
 *
 * At most one export is in flight: a snapshot that arrives while one is still running is
 * not queued (the next eligible snapshot carries newer cumulative values), and is counted
 * as `skipped`. A failed export is dropped and counted; nothing is buffered, so memory
 * stays flat however long the receiver is down. When a receiver asks for a Retry-After
 * that does not fit in the export timeout, no export starts before it has passed (capped at
 * {@link MAX_BACKOFF_MS}).
 */
import { readFileSync } from 'node:fs';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Sink } from '../../contract/sink.js';
import type { RuntimeFamily, Snapshot } from '../../contract/snapshot.js';
import type { OtlpConfig } from '../../config/otlp.js';
import type { Logger } from '../../logger.js';
import { OtlpMetricsBuilder } from './build.js';
import { ResourceCache } from './resource.js';
import { OtlpSelfMetrics } from './self-metrics.js';
import { AgentMetricExporter, type ExporterOutcome } from './exporter.js';
import { OtlpHttpTransport, type ExportResult, type TlsSettings } from './transport.js';

/** Longest pause a Retry-After can impose on the schedule. */
const MAX_BACKOFF_MS = 5 * 60 * 1000;

export interface OtlpSinkOptions {
  config: OtlpConfig;
  /** hostprobe's version (service.version, scope version). */
  version: string;
  /** Root file system, for the machine-id when the host collector is off. */
  rootfs: string;
  logger?: Logger;
  /** Environment for k8s.node.name detection (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Jitter source (tests). */
  random?: () => number;
  /** Wall clock in ms (tests). */
  now?: () => number;
  /** Counters to continue (a reload's new sink takes over the running one's hostprobe_otlp_*). */
  self?: OtlpSelfMetrics;
}

/** What one export did, for callers that wait on it (tests, the benchmark). */
export interface ExportRecord {
  /** `skipped` when not attempted (one in flight, or a Retry-After pause). */
  result: 'success' | 'failed' | 'skipped';
  snapshotSeq: number;
  points: number;
  /** Serialized request size before compression. */
  payloadBytes: number;
  transport?: ExportResult;
}

const NOOP_LOGGER: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  with: () => NOOP_LOGGER,
  setLevel: () => undefined,
  isEnabled: () => false,
};

function tlsFrom(c: OtlpConfig): TlsSettings {
  const t: TlsSettings = {};
  if (c.tls.ca_file) t.ca = readFileSync(c.tls.ca_file);
  if (c.tls.cert_file) t.cert = readFileSync(c.tls.cert_file);
  if (c.tls.key_file) t.key = readFileSync(c.tls.key_file);
  if (c.tls.insecure_skip_verify) t.insecureSkipVerify = true;
  return t;
}

/** A URL without its user-info part, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Encodes ResourceMetrics as an ExportMetricsServiceRequest in the configured protocol. */
export function serializeRequest(rm: ResourceMetrics, protocol: OtlpConfig['protocol']): Uint8Array {
  const bytes = protocol === 'http/json' ? JsonMetricsSerializer.serializeRequest(rm) : ProtobufMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('OTLP serializer returned nothing');
  return bytes;
}

export class OtlpSink implements Sink {
  readonly name = 'otlp';
  /** The push follows the periodic polls, not the scrapes' (docs/agent.md, "How it works"). */
  readonly feed = 'periodic';
  readonly config: OtlpConfig;
  /** Counters for `/metrics` (hostprobe_otlp_*). */
  readonly self: OtlpSelfMetrics;
  private readonly builder: OtlpMetricsBuilder;
  private readonly resources: ResourceCache;
  private readonly transport: OtlpHttpTransport;
  /** The official exporter, sending through `transport`. */
  private readonly exporter: AgentMetricExporter;
  private readonly log: Logger;
  private readonly now: () => number;
  private latest: Snapshot | undefined;
  private lastExportedSeq = 0;
  private lastStartMs: number | undefined;
  private notBeforeMs = 0;
  private inFlight: Promise<ExportRecord> | undefined;
  private closed = false;
  /** Key of the last failure logged, so a receiver that keeps failing the same way is logged once. */
  private lastFailureKey: string | undefined;
  private failedInARow = 0;

  constructor(opts: OtlpSinkOptions) {
    this.config = opts.config;
    this.log = opts.logger ?? NOOP_LOGGER;
    this.now = opts.now ?? Date.now;
    this.self = opts.self ?? new OtlpSelfMetrics();
    this.safeUrl = redactUrl(opts.config.url);
    this.builder = new OtlpMetricsBuilder({ naming: opts.config.names, version: opts.version });
    this.resources = new ResourceCache({
      version: opts.version,
      rootfs: opts.rootfs,
      envAttributes: opts.config.env_resource_attributes,
      configAttributes: opts.config.resource_attributes,
      ...(opts.config.service_name !== undefined ? { serviceName: opts.config.service_name } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    this.transport = new OtlpHttpTransport({
      url: opts.config.url,
      protocol: opts.config.protocol,
      compression: opts.config.compression,
      headers: opts.config.headers,
      timeoutMs: opts.config.timeout * 1000,
      retry: {
        enabled: opts.config.retry.enabled,
        initialBackoffMs: opts.config.retry.initial_backoff * 1000,
        maxBackoffMs: opts.config.retry.max_backoff * 1000,
      },
      tls: tlsFrom(opts.config),
      userAgent: `hostprobe/${opts.version}`,
      ...(opts.random ? { random: opts.random } : {}),
    });
    this.exporter = new AgentMetricExporter(this.transport, opts.config.protocol, opts.config.timeout * 1000);
  }

  /** The endpoint for logs: user and password removed. */
  readonly safeUrl: string;

  /** Series whose start-time state is kept (follows the current series count). */
  get trackedSeries(): number {
    return this.builder.trackedSeries;
  }

  /**
   * Feeds a new snapshot (register as a poller listener). Exports it now when it is the
   * first, or when an export interval has passed since the last export started.
   */
  onSnapshot(s: Snapshot): void {
    if (this.closed) return;
    this.latest = s;
    const now = this.now();
    const intervalMs = this.config.interval * 1000;
    const tolerance = Math.min(1000, intervalMs * 0.1);
    if (this.lastStartMs !== undefined && now - this.lastStartMs < intervalMs - tolerance) return;
    void this.exportLatest();
  }

  /**
   * Exports the latest snapshot now, unless one export is already in flight or the
   * receiver asked to pause (then `skipped`). Never rejects.
   */
  exportLatest(): Promise<ExportRecord> {
    const s = this.latest;
    if (!s) return Promise.resolve({ result: 'skipped', snapshotSeq: 0, points: 0, payloadBytes: 0 });
    if (this.inFlight || this.now() < this.notBeforeMs || this.closed) {
      this.self.skipped++;
      return Promise.resolve({ result: 'skipped', snapshotSeq: s.seq, points: 0, payloadBytes: 0 });
    }
    this.lastStartMs = this.now();
    const p = this.run(s).finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  /** The export in flight, if any (tests, shutdown). */
  get pending(): Promise<ExportRecord> | undefined {
    return this.inFlight;
  }

  private async run(s: Snapshot): Promise<ExportRecord> {
    const t0 = process.cpuUsage();
    let points = 0;
    let sent: Promise<ExporterOutcome>;
    try {
      const built = this.builder.build(s, this.resources.get(s));
      points = built.points;
      // The exporter serializes synchronously before its transport starts: the CPU below is the encoding's.
      sent = this.exporter.export(built.resourceMetrics);
    } catch (e) {
      sent = Promise.resolve({ ok: false, error: e as Error, payloadBytes: 0 });
    }
    const cpu = process.cpuUsage(t0);
    this.self.encodeCpuSeconds += (cpu.user + cpu.system) / 1e6;
    const outcome = await sent;
    const r = outcome.transport;
    if (r === undefined) {
      // Nothing was sent: the snapshot could not be encoded (or the exporter refused the export).
      this.self.recordFailure('error', 0);
      this.logFailure('error', `cannot encode the snapshot: ${outcome.error?.message ?? 'the exporter sent nothing'}`);
      return { result: 'failed', snapshotSeq: s.seq, points, payloadBytes: 0 };
    }
    this.self.retries += Math.max(0, r.attempts - 1);
    this.self.bytesSent += r.bytesWritten;
    if (r.outcome === 'success') {
      this.lastExportedSeq = s.seq;
      this.self.recordSuccess(this.now() / 1000, points);
      if (r.partialSuccess) {
        this.self.rejectedPoints += r.partialSuccess.rejectedDataPoints;
        this.logFailure(
          'partial',
          `receiver rejected ${r.partialSuccess.rejectedDataPoints} data point(s): ${r.partialSuccess.errorMessage}`,
        );
      } else if (this.failedInARow > 0) {
        this.log.info('otlp export recovered', { failed_exports: this.failedInARow, url: this.safeUrl });
        this.lastFailureKey = undefined;
      }
      this.failedInARow = 0;
      return { result: 'success', snapshotSeq: s.seq, points, payloadBytes: outcome.payloadBytes, transport: r };
    }
    this.failedInARow++;
    this.self.recordFailure(r.outcome, points);
    if (r.retryAfterMs !== undefined) this.notBeforeMs = this.now() + Math.min(r.retryAfterMs, MAX_BACKOFF_MS);
    const what =
      r.outcome === 'rejected'
        ? `receiver rejected the export with HTTP ${r.status ?? '?'}${r.message ? `: ${r.message}` : ''} (not retried)`
        : r.outcome === 'timeout'
          ? `no response within the export timeout (${this.config.timeout}s) after ${r.attempts} attempt(s)`
          : r.outcome === 'retries_exhausted'
            ? `export failed after ${r.attempts} attempt(s): ${r.status !== undefined ? `HTTP ${r.status}` : (r.log.at(-1)?.error ?? 'error')}${r.message ? `: ${r.message}` : ''}` +
              (r.retryAfterMs !== undefined ? ` (receiver asked to retry after ${Math.round(r.retryAfterMs / 1000)}s)` : '')
            : `export failed: ${r.message ?? 'error'} (not retried)`;
    this.logFailure(`${r.outcome}:${r.status ?? r.log.at(-1)?.error ?? ''}:${r.message ?? ''}`, what);
    return { result: 'failed', snapshotSeq: s.seq, points, payloadBytes: outcome.payloadBytes, transport: r };
  }

  /** Logs a failure once while it keeps repeating the same way; the counters count every one. */
  private logFailure(key: string, message: string): void {
    if (this.closed) return; // shutting down: the export in flight was cut short on purpose
    if (key === this.lastFailureKey) {
      this.log.debug(message, { url: this.safeUrl });
      return;
    }
    this.lastFailureKey = key;
    this.log.warn(message, { url: this.safeUrl, dropped: 'the data of this export (cumulative values recover at the next one)' });
  }

  /** hostprobe_otlp_* for `/metrics`. */
  selfMetrics(): readonly RuntimeFamily[] {
    return this.self.families();
  }

  /** Whether the latest snapshot was exported successfully. */
  get upToDate(): boolean {
    return this.latest !== undefined && this.lastExportedSeq === this.latest.seq;
  }

  /** Stops exporting; waits for an export in flight (its retries stop at once). */
  async close(): Promise<void> {
    this.closed = true;
    const p = this.inFlight;
    this.transport.close();
    if (p) await p;
    await this.exporter.shutdown();
  }
}
