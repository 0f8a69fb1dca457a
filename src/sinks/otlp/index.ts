/**
 * OTLP push of the agent's snapshots (issue 5). Wiring into the agent:
 *
 * ```ts
 * import { startOtlpSink, otlpSelfMetricFamilies } from '../sinks/otlp/index.js';
 * const otlp = startOtlpSink(config, poller, logger);   // undefined when the push is off
 * // Prometheus sink, when rendering self-metrics: [...snapshot.self.runtime, ...otlpSelfMetricFamilies()]
 * // shutdown: await otlp?.close();
 * ```
 */
import type { Snapshot } from '../../agent/snapshot.js';
import type { RuntimeFamily } from '../../agent/snapshot.js';
import type { OtlpConfig } from '../../config/otlp.js';
import type { Logger } from '../../logger.js';
import { OtlpSink, type OtlpSinkOptions } from './sink.js';

export { OtlpSink, redactUrl, serializeRequest, type ExportRecord, type OtlpSinkOptions } from './sink.js';
export { OtlpMetricsBuilder, bootTimeMs, msToHrTime, SCOPE_NAME } from './build.js';
export { OtlpHttpTransport, parseRetryAfter, isRetryableStatus, type ExportResult } from './transport.js';
export { ResourceCache, detectAttributes, hostArch, readMachineId } from './resource.js';
export { OtlpSelfMetrics } from './self-metrics.js';
export { MAPPINGS } from './mapping/index.js';

let active: OtlpSink | undefined;
/** Unsubscribes the active sink from its source (a replaced sink must not stay reachable). */
let unsubscribe: (() => void) | undefined;

/** The running sink's self-metric families (empty when the push is off), for `/metrics`. */
export function otlpSelfMetricFamilies(): RuntimeFamily[] {
  return active ? active.self.families() : [];
}

/** The running sink, if any. */
export function activeOtlpSink(): OtlpSink | undefined {
  return active;
}

/** Anything that hands out snapshots (the agent's Poller). */
export interface SnapshotSource {
  /** Subscribes; returns what unsubscribes (called when the sink is replaced or stopped). */
  onSnapshot(listener: (s: Snapshot) => void): (() => void) | void;
}

/**
 * Starts the push when the config (or the environment) enables it: subscribes to the
 * poller's snapshots and registers the self-metrics. Returns undefined when it is off.
 * A previous sink (SIGHUP reload) must be closed by the caller; the new one continues its
 * self-metric counters.
 */
export function startOtlpSink(
  config: { otlp: unknown; paths: { rootfs: string } },
  source: SnapshotSource,
  logger: Logger,
  opts: { version: string } & Partial<Omit<OtlpSinkOptions, 'config' | 'logger' | 'rootfs'>>,
): OtlpSink | undefined {
  const otlp = config.otlp as OtlpConfig | undefined;
  if (!otlp || !otlp.enabled) return undefined;
  const log = logger.with({ sink: 'otlp' });
  // A reload's sink takes over the running one's counters, so hostprobe_otlp_* never go backwards.
  const sink = new OtlpSink({ ...(active ? { self: active.self } : {}), ...opts, config: otlp, rootfs: config.paths.rootfs, logger: log });
  active = sink;
  // The replaced sink's listener goes: kept, it held every replaced sink (and its last
  // snapshot) for the life of the process, one per reload.
  unsubscribe?.();
  const off = source.onSnapshot((s) => {
    if (active === sink) sink.onSnapshot(s);
  });
  unsubscribe = typeof off === 'function' ? off : undefined;
  log.info('otlp push on', {
    url: sink.safeUrl,
    protocol: otlp.protocol,
    compression: otlp.compression,
    interval: `${otlp.interval}s`,
    timeout: `${otlp.timeout}s`,
    names: otlp.names,
    from: otlp.source,
  });
  return sink;
}

/** Stops the running sink (shutdown, or before a reload starts a new one). */
export async function stopOtlpSink(): Promise<void> {
  const s = active;
  active = undefined;
  unsubscribe?.();
  unsubscribe = undefined;
  await s?.close();
}
