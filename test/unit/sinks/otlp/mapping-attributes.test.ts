// The OTLP mapping tables declare each metric's point attributes (docs/otlp.md is generated
// from them): over the agent's fixture trees (disks, a link with a speed, swap) and over
// this host with a catch-all process group, every attribute key a point carries is a
// declared one (renamed for `names: hostmetrics`), and every declared key is sent.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { OtlpMetricsBuilder } from '../../../../src/sinks/otlp/build.js';
import { HOSTMETRICS_ATTRIBUTE_KEYS, MAPPINGS, type Naming, type OtlpMetricDef } from '../../../../src/sinks/otlp/mapping/index.js';
import { ResourceCache } from '../../../../src/sinks/otlp/resource.js';
import { FIXTURES } from '../../../helpers/tools.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';

const FIX = join(FIXTURES, 'agent-e2e');

const snaps: Snapshot[] = [];

async function poll(yaml: string): Promise<Snapshot> {
  const poller = await startPoller(await configFrom(yaml));
  try {
    return await poller.pollOnce();
  } finally {
    await poller.stop();
  }
}

beforeAll(async () => {
  snaps.push(await poll(`paths:\n  procfs: ${FIX}/proc\n  sysfs: ${FIX}/sys\n  rootfs: ${FIX}/root\n`));
  const host = await poll(`collectors:\n  process:\n    enabled: true\n    groups:\n      - name: all\n        cmdline: ['.']\n`);
  expect(host.readings.process?.groups?.length).toBe(1);
  snaps.push(host);
});

/** Attribute keys seen per metric name in one build. */
function sentKeys(naming: Naming): Map<string, Set<string>> {
  const builder = new OtlpMetricsBuilder({ naming, version: '0.0.0-test' });
  const out = new Map<string, Set<string>>();
  for (const snap of snaps) {
    const resource = new ResourceCache({ version: '0.0.0-test', rootfs: '/', envAttributes: {}, configAttributes: {} }).get(snap);
    for (const sm of builder.build(snap, resource).resourceMetrics.scopeMetrics) {
      for (const m of sm.metrics) {
        const keys = out.get(m.descriptor.name) ?? new Set<string>();
        for (const p of m.dataPoints) for (const k of Object.keys(p.attributes)) keys.add(k);
        out.set(m.descriptor.name, keys);
      }
    }
  }
  return out;
}

function defs(): OtlpMetricDef[] {
  return MAPPINGS.flatMap((m) => m.metrics as readonly OtlpMetricDef[]);
}

describe('declared OTLP attributes', () => {
  for (const naming of ['semconv', 'hostmetrics'] as const) {
    it(`${naming}: every key sent is declared, every declared key is sent`, () => {
      const sent = sentKeys(naming);
      expect(sent.size).toBeGreaterThan(20);
      expect(sent.has('process.cpu.time')).toBe(true);
      const checked: string[] = [];
      for (const d of defs()) {
        if (naming === 'semconv' && d.hostmetricsOnly) continue;
        if (naming === 'hostmetrics' && d.hostmetrics === null) continue;
        const name = naming === 'hostmetrics' ? (d.hostmetrics?.name ?? d.name) : d.name;
        const keys = sent.get(name);
        if (!keys) continue; // no data for it in these trees
        const declared = Object.keys(d.attributes).map((k) => (naming === 'hostmetrics' ? (HOSTMETRICS_ATTRIBUTE_KEYS[k] ?? k) : k));
        expect([...keys].sort(), name).toEqual([...new Set(declared)].sort());
        checked.push(name);
      }
      // Every metric sent has a definition: the loop above covered them all.
      expect(checked.sort()).toEqual([...sent.keys()].sort());
    });
  }
});
