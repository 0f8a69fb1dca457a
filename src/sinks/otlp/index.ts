/**
 * OTLP push of the agent's snapshots. The agent constructs the sink and then knows it only as
 * a `Sink` (src/contract/sink.ts):
 *
 * ```ts
 * import { createOtlpSink } from '../sinks/otlp/index.js';
 * const otlp = createOtlpSink(config.otlp, { version, rootfs, logger }); // undefined when the push is off
 * ```
 */
import type { OtlpConfig } from '../../config/otlp.js';
import type { Sink } from '../../contract/sink.js';
import type { Logger } from '../../logger.js';
import { OtlpSink, type OtlpSinkOptions } from './sink.js';

export { OtlpSink, redactUrl, serializeRequest, type ExportRecord, type OtlpSinkOptions } from './sink.js';
export { OtlpMetricsBuilder, bootTimeMs, msToHrTime, SCOPE_NAME } from './build.js';
export { OtlpHttpTransport, parseRetryAfter, isRetryableStatus, type ExportResult } from './transport.js';
export { ResourceCache, detectAttributes, hostArch, readMachineId } from './resource.js';
export { OtlpSelfMetrics } from './self-metrics.js';
export { MAPPINGS } from './mapping/index.js';

/**
 * The push sink for the `otlp:` section (or the environment) when it is enabled, else
 * undefined. The caller feeds it the periodic snapshots (its `feed`) and closes it. On a
 * reload, `running` is the agent's sinks at that moment: the new sink continues the running
 * OTLP sink's self-metric counters, so `hostprobe_otlp_*_total` never go backwards.
 */
export function createOtlpSink(
  otlp: OtlpConfig | undefined,
  opts: { version: string; rootfs: string; logger: Logger; running?: readonly Sink[] } & Partial<
    Omit<OtlpSinkOptions, 'config' | 'logger' | 'rootfs' | 'version'>
  >,
): OtlpSink | undefined {
  if (!otlp || !otlp.enabled) return undefined;
  const { running, ...rest } = opts;
  const log = opts.logger.with({ sink: 'otlp' });
  const previous = running?.find((k): k is OtlpSink => k instanceof OtlpSink);
  const sink = new OtlpSink({ ...(previous ? { self: previous.self } : {}), ...rest, config: otlp, logger: log });
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
