/**
 * Metric definitions as data: each collector's mapping file lists the OTLP metrics it
 * produces (name, instrument, unit, value type, description) and a small function that
 * emits the data points from that collector's reading in the snapshot. The builder
 * (../build.ts) turns the points into OTLP ResourceMetrics; nothing here touches the
 * kernel, the SDK or the network.
 *
 * Points are emitted with the current semantic-conventions attribute keys. When the
 * `names: hostmetrics` option is on, the builder renames metrics, units and attribute keys
 * to what the Collector's hostmetrics receiver sends (the `hostmetrics` field of a
 * definition plus {@link HOSTMETRICS_ATTRIBUTE_KEYS}); attribute VALUES that differ between
 * the two (cpu `iowait` vs `wait`, connection states, ...) are chosen by the emitting
 * function, which is told the naming in use.
 */
import type { CollectorName, ReadingOf, Snapshot } from '../../../contract/snapshot.js';

/** Which names to send: the current semantic conventions, or the hostmetrics receiver's older ones. */
export type Naming = 'semconv' | 'hostmetrics';

/** OTel instrument kinds, as the semantic conventions name them. */
export type Instrument = 'counter' | 'updowncounter' | 'gauge';

/** Attribute values on a data point. */
export type PointAttributes = Record<string, string | number | boolean>;

/** Called by a definition once per data point. */
export type Emit = (value: number, attributes?: PointAttributes) => void;

/**
 * Where a cumulative series' start time comes from the first time it is exported:
 * `boot` for kernel counters (cumulative since boot), `agent` for counters the agent
 * itself accumulates (process groups). A series that appears later, or whose value went
 * backwards (a reset), starts at the previous export's time instead.
 */
export type StartPolicy = 'boot' | 'agent';

export interface OtlpMetricDef<C extends CollectorName = CollectorName> {
  /** Semantic-conventions name. */
  readonly name: string;
  readonly instrument: Instrument;
  /** UCUM unit ("s", "By", "1", "{packet}"). */
  readonly unit: string;
  /** int → OTLP asInt, double → asDouble. */
  readonly valueType: 'int' | 'double';
  readonly description: string;
  /** For cumulative sums; default `boot`. */
  readonly start?: StartPolicy;
  /**
   * The hostmetrics receiver's spelling: a different name and/or unit; `null` when that
   * receiver has no such metric (not sent with `names: hostmetrics`). Absent = same.
   */
  readonly hostmetrics?: { readonly name?: string; readonly unit?: string } | null;
  /** True for metrics only the hostmetrics receiver sends (not sent with `names: semconv`). */
  readonly hostmetricsOnly?: boolean;
  /**
   * The point attributes by semantic-conventions key, each with what its values are (`''`
   * when free-form: a device, a group name). `npm run gen` writes docs/otlp.md's table from
   * these; the OTLP fixture test checks every key a point carries is listed.
   */
  readonly attributes: Readonly<Record<string, string>>;
  /** How the hostmetrics receiver's attribute values differ (markdown, for docs/otlp.md). */
  readonly hostmetricsValues?: string;
  /** Emits the points from this collector's reading. */
  readonly points: (reading: ReadingOf<C>, emit: Emit, ctx: EmitContext) => void;
}

export interface EmitContext {
  readonly naming: Naming;
  readonly snapshot: Snapshot;
}

/** A collector's mapping file: which reading it renders and its metric definitions. */
export interface CollectorMapping<C extends CollectorName = CollectorName> {
  readonly collector: C;
  readonly metrics: readonly OtlpMetricDef<C>[];
}

/** Semantic-conventions attribute keys → the hostmetrics receiver's. Keys not listed are kept. */
export const HOSTMETRICS_ATTRIBUTE_KEYS: Readonly<Record<string, string>> = Object.freeze({
  'cpu.mode': 'state',
  'cpu.logical_number': 'cpu',
  'system.device': 'device',
  'network.interface.name': 'device',
  'disk.io.direction': 'direction',
  'network.io.direction': 'direction',
  'system.memory.state': 'state',
  'system.filesystem.state': 'state',
  'system.filesystem.type': 'type',
  'system.filesystem.mode': 'mode',
  'system.filesystem.mountpoint': 'mountpoint',
  'system.paging.state': 'state',
  'system.paging.fault.type': 'type',
  'system.paging.direction': 'direction',
  'process.state': 'status',
  'network.connection.state': 'state',
  'network.transport': 'protocol',
  'process.context_switch.type': 'type',
});

/** Helper to keep each mapping file's literal typed by its collector. */
export function defineMapping<C extends CollectorName>(collector: C, metrics: readonly OtlpMetricDef<C>[]): CollectorMapping<C> {
  return { collector, metrics };
}
