/**
 * hostprobe/otel: host metrics for an application's own MeterProvider, as
 * @opentelemetry/host-metrics provides them, with the semantic-convention names the agent's
 * OTLP push uses (the same declarative mapping, src/sinks/otlp/mapping) and the agent's
 * collectors underneath: /proc and /sys read through the native core, no child process,
 * no timer of its own.
 *
 * ```ts
 * import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
 * import { registerHostMetrics } from 'hostprobe/otel';
 * const meterProvider = new MeterProvider({ readers: [reader] });
 * const host = await registerHostMetrics({ meterProvider });
 * // at shutdown: await host.close();
 * ```
 *
 * Every metric is an observable instrument (counter, up-down counter or gauge, as the
 * mapping says), all observed by one batch callback: each collection of the provider's
 * readers polls the collectors once and reports what that poll read. (Unlike the agent's
 * push, the SDK keeps reporting the last value of a cumulative series that a poll no longer
 * has, an unmounted filesystem or an emptied process group, and stamps the start of a sum
 * at its first collection rather than at boot: that is how the SDK's asynchronous
 * instruments work.)
 */
import { metrics, ValueType, type BatchObservableResult, type MeterProvider, type Observable } from '@opentelemetry/api';
import { buildInfo } from '../contract/build-info.js';
import { isCollectorEnabled } from '../agent/poller.js';
import type { CollectorName } from '../contract/snapshot.js';
import { SCOPE_NAME } from '../sinks/otlp/build.js';
import { MAPPINGS } from '../sinks/otlp/mapping/index.js';
import type { EmitContext, OtlpMetricDef, PointAttributes } from '../sinks/otlp/mapping/types.js';
import { HostSource, type HostSourceOptions } from './source.js';

export type { HostConfigInput, HostSourceOptions } from './source.js';
export type { ProcessGroupConfig } from '../config/types.js';

export interface RegisterHostMetricsOptions extends HostSourceOptions {
  /** The provider to register with (default: the global one, `metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
}

/** What registerHostMetrics registered. */
export interface HostMetrics {
  /** The instrument names, sorted. */
  readonly instruments: readonly string[];
  /** Removes the callback (the instruments report nothing more) and releases the collectors. */
  close(): Promise<void>;
}

interface Registered {
  readonly collector: CollectorName;
  readonly def: OtlpMetricDef;
  readonly instrument: Observable;
}

/**
 * Creates hostprobe's observable instruments on a meter of `options.meterProvider` (scope
 * "hostprobe") and observes them at each collection. Rejects with a ConfigError on bad options.
 */
export async function registerHostMetrics(options: RegisterHostMetricsOptions = {}): Promise<HostMetrics> {
  const { meterProvider = metrics.getMeterProvider(), ...sourceOptions } = options;
  const source = await HostSource.create(sourceOptions);
  const meter = meterProvider.getMeter(SCOPE_NAME, buildInfo().version);
  const registered: Registered[] = [];
  const byName = new Map<string, Observable>();
  for (const mapping of MAPPINGS) {
    if (!isCollectorEnabled(mapping.collector, source.config)) continue;
    for (const def of mapping.metrics as readonly OtlpMetricDef[]) {
      if (def.hostmetricsOnly) continue;
      let instrument = byName.get(def.name);
      if (!instrument) {
        const o = { description: def.description, unit: def.unit, valueType: def.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE };
        instrument =
          def.instrument === 'counter'
            ? meter.createObservableCounter(def.name, o)
            : def.instrument === 'updowncounter'
              ? meter.createObservableUpDownCounter(def.name, o)
              : meter.createObservableGauge(def.name, o);
        byName.set(def.name, instrument);
      }
      registered.push({ collector: mapping.collector, def, instrument });
    }
  }
  const instruments = [...byName.values()];
  const callback = async (observer: BatchObservableResult): Promise<void> => {
    const snapshot = await source.poll();
    const ctx: EmitContext = { naming: 'semconv', snapshot };
    for (const { collector, def, instrument } of registered) {
      const reading = snapshot.readings[collector];
      if (reading === undefined) continue;
      const isInt = def.valueType === 'int';
      def.points(
        reading as never,
        (value: number, attributes?: PointAttributes) => {
          if (!Number.isFinite(value)) return;
          observer.observe(instrument, isInt ? Math.round(value) : value, attributes);
        },
        ctx,
      );
    }
  };
  meter.addBatchObservableCallback(callback, instruments);
  return {
    instruments: [...byName.keys()].sort(),
    async close() {
      meter.removeBatchObservableCallback(callback, instruments);
      await source.close();
    },
  };
}
