/**
 * A sink: what consumes the agent's snapshots (the Prometheus render cache, the OTLP push).
 * The agent constructs its sinks and then knows them only through this interface: it feeds
 * each one the snapshots it asks for, renders their self-metrics on `/metrics` and closes
 * them on reload and shutdown. A sink never reads /proc or /sys: the snapshot is all it has.
 */
import type { RuntimeFamily, Snapshot } from './snapshot.js';

export interface Sink {
  /** For logs (`prometheus`, `otlp`). */
  readonly name: string;
  /**
   * Which snapshots it is fed: `every` poll (the periodic ones and those a scrape starts),
   * or the `periodic` ones only (a push follows the poll interval, not the scrapers).
   */
  readonly feed: 'every' | 'periodic';
  /** Takes one snapshot. Never throws; slow work (an export) runs in the background. */
  onSnapshot(s: Snapshot): void;
  /** The sink's own metric families for `/metrics` (hostprobe_otlp_*), empty when it has none. */
  selfMetrics(): readonly RuntimeFamily[];
  /** Stops taking snapshots and waits for work in flight. */
  close(): Promise<void>;
}
