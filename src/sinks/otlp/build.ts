/**
 * Turns one agent snapshot into OTLP ResourceMetrics (the SDK's data model, which the
 * @opentelemetry/otlp-transformer serializers encode), without the SDK's instruments:
 *
 * - Only what is in THIS snapshot is sent. A filesystem that was unmounted or a process
 *   group that emptied simply has no point (observable instruments would keep sending
 *   the last value of every attribute set they ever saw).
 * - Cumulative sums carry real start times: kernel counters start at boot (they count
 *   since boot), agent-accumulated counters at the agent's start; a series first seen in
 *   a later poll, or whose value went backwards (a counter reset: a re-created device),
 *   starts at the previous build's timestamp, when it was known not to exist (or not to
 *   have this value history). The per-series state is dropped as soon as a series is
 *   absent, so memory follows the current series count, not history.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { CollectorName, Snapshot } from '../../contract/snapshot.js';
import { MAPPINGS } from './mapping/index.js';
import {
  HOSTMETRICS_ATTRIBUTE_KEYS,
  type CollectorMapping,
  type EmitContext,
  type OtlpMetricDef,
  type Naming,
  type PointAttributes,
} from './mapping/types.js';

/** Instrumentation scope of everything hostprobe sends. */
export const SCOPE_NAME = 'hostprobe';

export interface BuildOptions {
  naming: Naming;
  /** hostprobe's version, for the instrumentation scope. */
  version: string;
  /** Mappings to use (default: all collectors'). */
  mappings?: readonly CollectorMapping[];
}

interface SeriesState {
  startMs: number;
  last: number;
  gen: number;
}

/** Milliseconds since the epoch → OTel HrTime. */
export function msToHrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  const sec = Math.floor(whole / 1000);
  const nanos = (whole - sec * 1000) * 1_000_000 + Math.round((ms - whole) * 1_000_000);
  return [sec, Math.min(nanos, 999_999_999)];
}

export interface BuildResult {
  resourceMetrics: ResourceMetrics;
  /** Number of data points. */
  points: number;
}

/** Keeps the per-series start-time state between builds; one per OTLP sink. */
export class OtlpMetricsBuilder {
  private readonly opts: BuildOptions;
  private readonly series = new Map<string, SeriesState>();
  private gen = 0;
  private prevMs: number | undefined;

  constructor(opts: BuildOptions) {
    this.opts = opts;
  }

  /** Series whose start-time state is held (for tests: follows the current series count). */
  get trackedSeries(): number {
    return this.series.size;
  }

  /** Builds the ResourceMetrics for one snapshot. */
  build(snapshot: Snapshot, resource: Resource): BuildResult {
    const gen = ++this.gen;
    const naming = this.opts.naming;
    const nowMs = snapshot.timestamp;
    const endTime = msToHrTime(nowMs);
    const agentStartMs = Math.min(nowMs, snapshot.self.startTimeSeconds * 1000 || nowMs);
    const bootMs = Math.min(agentStartMs, bootTimeMs(snapshot) ?? agentStartMs);
    const first = this.prevMs === undefined;
    const prevMs = this.prevMs ?? nowMs;
    const ctx: EmitContext = { naming, snapshot };
    const metrics: MetricData[] = [];
    let points = 0;

    for (const mapping of this.opts.mappings ?? MAPPINGS) {
      const reading = snapshot.readings[mapping.collector as CollectorName];
      if (reading === undefined) continue;
      for (const def of mapping.metrics as readonly OtlpMetricDef[]) {
        if (naming === 'semconv' && def.hostmetricsOnly) continue;
        if (naming === 'hostmetrics' && def.hostmetrics === null) continue;
        const name = naming === 'hostmetrics' ? (def.hostmetrics?.name ?? def.name) : def.name;
        const unit = naming === 'hostmetrics' ? (def.hostmetrics?.unit ?? def.unit) : def.unit;
        const isSum = def.instrument !== 'gauge';
        const monotonic = def.instrument === 'counter';
        const firstStartMs = (def.start ?? (monotonic ? 'boot' : 'agent')) === 'boot' ? bootMs : agentStartMs;
        const isInt = def.valueType === 'int';
        const dataPoints: DataPoint<number>[] = [];
        const emit = (raw: number, attrs?: PointAttributes): void => {
          if (!Number.isFinite(raw)) return;
          const value = isInt ? Math.round(raw) : raw;
          const attributes = naming === 'hostmetrics' && attrs ? renameKeys(attrs) : (attrs ?? {});
          let startTime = endTime;
          if (isSum) {
            const key = seriesKey(name, attributes);
            let st = this.series.get(key);
            if (st === undefined) {
              st = { startMs: first ? firstStartMs : prevMs, last: value, gen };
              this.series.set(key, st);
            } else {
              if (monotonic && value < st.last) st.startMs = prevMs; // reset
              st.last = value;
              st.gen = gen;
            }
            startTime = msToHrTime(Math.min(st.startMs, nowMs));
          }
          dataPoints.push({ startTime, endTime, attributes: attributes as Attributes, value });
        };
        def.points(reading as never, emit, ctx);
        if (dataPoints.length === 0) continue;
        points += dataPoints.length;
        const descriptor = {
          name,
          description: def.description,
          unit,
          valueType: isInt ? ValueType.INT : ValueType.DOUBLE,
        };
        if (isSum) {
          metrics.push({
            descriptor,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: monotonic,
            dataPoints,
          });
        } else {
          metrics.push({
            descriptor,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints,
          });
        }
      }
    }

    // Forget every series that is not in this snapshot.
    for (const [k, st] of this.series) if (st.gen !== gen) this.series.delete(k);
    this.prevMs = nowMs;

    return {
      resourceMetrics: {
        resource,
        scopeMetrics: [{ scope: { name: SCOPE_NAME, version: this.opts.version }, metrics }],
      },
      points,
    };
  }
}

/** Boot time in ms from the snapshot: /proc/stat btime, else now − uptime. */
export function bootTimeMs(s: Snapshot): number | undefined {
  const btime = s.readings.cpu?.stat?.bootTimeSeconds;
  if (btime !== undefined && btime > 0) return btime * 1000;
  const up = s.readings.host?.uptimeSeconds;
  if (up !== undefined && up > 0) return s.timestamp - up * 1000;
  return undefined;
}

function renameKeys(attrs: PointAttributes): PointAttributes {
  const out: PointAttributes = {};
  for (const [k, v] of Object.entries(attrs)) out[HOSTMETRICS_ATTRIBUTE_KEYS[k] ?? k] = v;
  return out;
}

function seriesKey(name: string, attrs: PointAttributes): string {
  let key = name;
  for (const k in attrs) key += `\u0000${k}\u0001${String(attrs[k])}`;
  return key;
}
