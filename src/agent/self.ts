/**
 * The agent's own process metrics, as prom-client's default metrics give them
 * (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_open_fds`,
 * `nodejs_*`, ...), plus `process_virtual_memory_max_bytes`, which node_exporter's Go
 * client has and the "Node Exporter Full" dashboard queries. Read once per poll into the
 * snapshot, like everything else.
 */
import { readFile } from 'node:fs/promises';
import type { RuntimeFamily } from './snapshot.js';

interface PromRegistry {
  getMetricsAsJSON(): Promise<
    {
      name: string;
      help: string;
      type: string;
      values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
    }[]
  >;
}

let registry: Promise<PromRegistry> | undefined;

async function getRegistry(): Promise<PromRegistry> {
  registry ??= (async () => {
    const prom = await import('prom-client');
    const r = new prom.Registry();
    prom.collectDefaultMetrics({ register: r });
    return r as unknown as PromRegistry;
  })();
  return registry;
}

async function maxAddressSpace(): Promise<number | undefined> {
  try {
    const text = await readFile('/proc/self/limits', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('Max address space'));
    const soft = line?.slice(26).trim().split(/\s+/)[0];
    if (soft === undefined) return undefined;
    // Go's client reports "unlimited" as the max uint64, which is a float 1.8446744073709552e+19.
    return soft === 'unlimited' ? 18446744073709552000 : Number(soft);
  } catch {
    return undefined;
  }
}

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary']);

/** The runtime metric families at this moment. */
export async function readRuntimeFamilies(): Promise<RuntimeFamily[]> {
  const [reg, vmax] = await Promise.all([getRegistry(), maxAddressSpace()]);
  const json = await reg.getMetricsAsJSON();
  const out: RuntimeFamily[] = [];
  for (const m of json) {
    if (!TYPES.has(m.type)) continue;
    // prom-client's nodejs_active_*_total are gauges named like counters (promtool flags them);
    // the per-type nodejs_active_* gauges carry the same numbers.
    if (m.type !== 'counter' && m.name.endsWith('_total')) continue;
    out.push({
      name: m.name,
      help: m.help,
      type: m.type as RuntimeFamily['type'],
      values: m.values.map((v) => ({
        labels: { ...v.labels },
        value: v.value,
        ...(v.metricName !== undefined ? { metricName: v.metricName } : {}),
      })),
    });
  }
  if (vmax !== undefined) {
    out.push({
      name: 'process_virtual_memory_max_bytes',
      help: 'Maximum amount of virtual memory available in bytes.',
      type: 'gauge',
      values: [{ labels: {}, value: vmax }],
    });
  }
  return out;
}
