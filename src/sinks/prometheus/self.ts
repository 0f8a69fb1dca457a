/** The exporter's own metrics: collector success and duration, build info, poll timing, the runtime. */
import type { RuntimeFamily, Snapshot } from '../../contract/snapshot.js';
import { buildInfo } from '../../contract/build-info.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition, PromFamily } from './exposition.js';

const runtimeDefs = new Map<string, PromFamily>();

/** `extra`: more runtime-style families (e.g. the OTLP sink's self-metrics). */
export function renderSelf(s: Snapshot, x: Exposition, extra: readonly RuntimeFamily[] = []): void {
  // By name, as client_golang sorts series: the statuses come in the order the collectors
  // finished, which would make the exposition's order depend on scheduling.
  const byName = Object.entries(s.collectors).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, st] of byName) {
    if (!st) continue;
    x.add(C.scrapeCollectorDuration, st.durationSeconds, { collector: name });
    x.add(C.scrapeCollectorSuccess, st.success ? 1 : 0, { collector: name });
  }
  for (const [name, st] of byName) {
    if (st?.errorsTotal !== undefined) x.add(C.collectorErrors, st.errorsTotal, { collector: name });
  }
  const bi = buildInfo();
  x.add(C.buildInfo, 1, {
    version: s.self.version,
    revision: s.self.revision,
    nodeversion: s.self.nodeVersion,
    goos: bi.goos,
    goarch: bi.goarch,
  });
  x.add(C.pollDuration, s.durationSeconds);
  x.add(C.pollTimestamp, s.timestamp / 1000);
  x.add(C.lastSuccessfulPoll, s.self.lastSuccessfulPollSeconds);
  x.add(C.polls, s.self.polls);
  for (const fam of [...s.self.runtime, ...extra]) {
    let def = runtimeDefs.get(fam.name);
    if (!def || def.type !== fam.type) {
      def = Object.freeze({ name: fam.name, type: fam.type, help: fam.help });
      runtimeDefs.set(fam.name, def);
    }
    for (const v of fam.values) x.addNamed(def, v.metricName ?? fam.name, v.value, v.labels);
  }
}
