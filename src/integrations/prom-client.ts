/**
 * hostprobe/prom-client: hostprobe's host metrics in a prom-client Registry, with
 * node_exporter's names, for a Node service that already serves prom-client metrics.
 *
 * ```ts
 * import { Registry, collectDefaultMetrics } from 'prom-client';
 * import { registerHostMetrics } from 'hostprobe/prom-client';
 * const registry = new Registry();
 * collectDefaultMetrics({ register: registry });
 * const host = await registerHostMetrics(registry, { processGroups: [{ name: 'nginx', comm: ['nginx'] }] });
 * // ... serve `await registry.metrics()`; at shutdown: await host.close();
 * ```
 *
 * Each family is a prom-client Gauge or Counter whose `collect` function (prom-client's own
 * mechanism, as collectDefaultMetrics uses) fills it at scrape time from one poll of the
 * agent's collectors: one scrape, one poll, shared by every family (the registry collects
 * them concurrently; they join the poll in flight). The families are those of the mappings
 * the agent's /metrics serves (src/sinks/prometheus), found by a first poll at registration.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Snapshot } from '../contract/snapshot.js';
import type { PromFamily } from '../sinks/prometheus/exposition.js';
import { renderOptions } from '../sinks/prometheus/options.js';
import { captureFamilies, type CapturedFamily } from './render.js';
import { HostSource, type HostSourceOptions } from './source.js';

export type { HostConfigInput, HostSourceOptions } from './source.js';
export type { ProcessGroupConfig } from '../config/types.js';

export type RegisterHostMetricsOptions = HostSourceOptions;

/** What registerHostMetrics registered. */
export interface HostMetrics {
  /** The family names registered, sorted. */
  readonly families: readonly string[];
  /** Removes the families from the registry and releases the collectors. */
  close(): Promise<void>;
}

/**
 * Registers hostprobe's host families into `registry`. Rejects with a ConfigError on bad
 * options, and with prom-client's error when a family name is already registered.
 */
export async function registerHostMetrics(registry: Registry, options: RegisterHostMetricsOptions = {}): Promise<HostMetrics> {
  const source = await HostSource.create(options);
  const render = renderOptions(source.config);
  let captured: { seq: number; families: Map<string, CapturedFamily> } | undefined;
  /** One render per snapshot, shared by the families of a scrape. */
  const familiesOf = (s: Snapshot): Map<string, CapturedFamily> => {
    if (captured?.seq !== s.seq) captured = { seq: s.seq, families: captureFamilies(s, render) };
    return captured.families;
  };

  let discovered: Map<string, CapturedFamily>;
  try {
    discovered = familiesOf(await source.poll());
  } catch (e) {
    await source.close();
    throw e;
  }
  const names = [...discovered.keys()].sort();
  const registered: string[] = [];
  try {
    for (const name of names) {
      const f = discovered.get(name) as CapturedFamily;
      registerFamily(registry, f, async () => familiesOf(await source.poll()).get(name));
      registered.push(name);
    }
  } catch (e) {
    for (const n of registered) registry.removeSingleMetric(n);
    await source.close();
    throw e;
  }
  return {
    families: names,
    async close() {
      for (const n of registered) registry.removeSingleMetric(n);
      await source.close();
    },
  };
}

/** Label names of a family: the catalog's, and any the first poll showed beside them. */
function labelNamesOf(f: CapturedFamily): string[] {
  const set = new Set<string>(f.def.labels ?? []);
  for (const s of f.samples) for (const k of Object.keys(s.labels)) set.add(k);
  return [...set];
}

function registerFamily(registry: Registry, first: CapturedFamily, current: () => Promise<CapturedFamily | undefined>): void {
  const def: PromFamily = first.def;
  const labelNames = labelNamesOf(first);
  const known = new Set(labelNames);
  /** A sample with a label the family was not registered with fails the scrape, naming it (a mapping bug, never silent). */
  const check = (labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> => {
    for (const k of Object.keys(labels)) {
      if (!known.has(k))
        throw new Error(
          `hostprobe/prom-client: ${def.name} has a sample with label "${k}", not among its registered labels (${labelNames.join(', ')})`,
        );
    }
    return labels;
  };
  if (def.type === 'counter') {
    new Counter({
      name: def.name,
      help: def.help,
      labelNames,
      registers: [registry],
      async collect() {
        const f = await current();
        this.reset();
        // Counters hold the kernel's running totals: set by a reset and one increment.
        for (const s of f?.samples ?? []) if (Number.isFinite(s.value) && s.value >= 0) this.inc(check(s.labels), s.value);
      },
    });
  } else if (def.type === 'gauge' || def.type === 'untyped') {
    new Gauge({
      name: def.name,
      help: def.help,
      labelNames,
      registers: [registry],
      async collect() {
        const f = await current();
        this.reset();
        for (const s of f?.samples ?? []) this.set(check(s.labels), s.value);
      },
    });
  } else {
    throw new Error(`${def.name}: ${def.type} families are not supported by hostprobe/prom-client`);
  }
}
