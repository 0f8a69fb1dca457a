/**
 * Structured output of the Prometheus sink's mappings: the same render functions the agent's
 * /metrics runs (node_exporter's names, types, help and labels), captured as families of
 * (labels, value) samples instead of text, for registries that format their own exposition.
 */
import type { Snapshot } from '../contract/snapshot.js';
import { CATALOG } from '../sinks/prometheus/catalog.js';
import { renderReadings } from '../sinks/prometheus/index.js';
import { Exposition, type Labels, type PromFamily } from '../sinks/prometheus/exposition.js';
import type { PromRenderOptions } from '../sinks/prometheus/options.js';

export interface CapturedSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface CapturedFamily {
  readonly def: PromFamily;
  readonly samples: CapturedSample[];
}

/** An Exposition that keeps the samples as data (label values as strings). */
class CapturingExposition extends Exposition {
  readonly captured = new Map<string, CapturedFamily>();

  override add(def: PromFamily, value: number, labels?: Labels): void {
    let f = this.captured.get(def.name);
    if (!f) this.captured.set(def.name, (f = { def, samples: [] }));
    const l: Record<string, string> = {};
    if (labels) for (const k of Object.keys(labels)) l[k] = String(labels[k]);
    f.samples.push({ labels: l, value });
  }

  override addNamed(def: PromFamily, sampleName: string, value: number, labels?: Labels): void {
    if (sampleName !== def.name) {
      throw new Error(`${def.name}: sample ${sampleName} (histogram or summary parts) cannot be captured as a gauge or counter`);
    }
    this.add(def, value, labels);
  }
}

/**
 * The host families of one snapshot, by name: every collector's mapping, and the
 * per-collector success and duration (node_scrape_collector_*) so a failing collector is
 * visible. Not the agent's own self-metrics, not the textfile collector's families.
 */
export function captureFamilies(s: Snapshot, o: PromRenderOptions): Map<string, CapturedFamily> {
  const x = new CapturingExposition();
  renderReadings(s, x, o);
  const byName = Object.entries(s.collectors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, st] of byName) {
    if (!st) continue;
    x.add(CATALOG.scrapeCollectorDuration, st.durationSeconds, { collector: name });
    x.add(CATALOG.scrapeCollectorSuccess, st.success ? 1 : 0, { collector: name });
  }
  return x.captured;
}
