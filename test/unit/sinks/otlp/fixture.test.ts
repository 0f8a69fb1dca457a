// The consistency checks of collector.test.ts on the agent's fixture trees
// (test/fixtures/agent-e2e: known disks, interfaces with and without a link speed, TCP
// states, swap), with a fixed poll clock: the OTLP request is encoded by the same
// serializer the sink sends (OTLP/JSON here, to read it back) and compared with the
// /metrics exposition of the same snapshot.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { OtlpMetricsBuilder } from '../../../../src/sinks/otlp/build.js';
import { ResourceCache } from '../../../../src/sinks/otlp/resource.js';
import { serializeRequest } from '../../../../src/sinks/otlp/sink.js';
import { renderOptions, renderText } from '../../../../src/sinks/prometheus/index.js';
import { FIXTURES } from '../../../helpers/tools.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';
import { attrSetOf, consistencyTests, pointsOf, valueOf } from '../../../helpers/otlp-consistency.js';
import { parseExposition, Samples } from '../../../helpers/exposition.js';
import type { OtlpJsonRequest } from '../../../helpers/otelcol.js';

const FIX = join(FIXTURES, 'agent-e2e');
const CLOCK_MS = 1_795_000_000_250;

let snap: Snapshot;
let prom: Samples;
let req: OtlpJsonRequest;

beforeAll(async () => {
  const config = await configFrom(`paths:\n  procfs: ${FIX}/proc\n  sysfs: ${FIX}/sys\n  rootfs: ${FIX}/root\n`);
  // A fixed clock, as the golden test uses.
  const poller = await startPoller(config, undefined, () => CLOCK_MS);
  try {
    snap = await poller.pollOnce();
  } finally {
    await poller.stop();
  }
  prom = new Samples(parseExposition(renderText(snap, renderOptions(config))));
  const builder = new OtlpMetricsBuilder({ naming: 'semconv', version: '0.0.0-test' });
  const resource = new ResourceCache({ version: '0.0.0-test', rootfs: `${FIX}/root`, envAttributes: {}, configAttributes: {} }).get(snap);
  const bytes = serializeRequest(builder.build(snap, resource).resourceMetrics, 'http/json');
  req = JSON.parse(Buffer.from(bytes).toString('utf8')) as OtlpJsonRequest;
});

describe('OTLP from the fixture trees agrees with their /metrics', () => {
  it('polled the fixture at the fixed clock', () => {
    expect(snap.timestamp).toBe(CLOCK_MS);
    expect(snap.readings.disk?.io?.length ?? 0).toBeGreaterThan(0);
    expect(snap.readings.nic?.interfaces.length ?? 0).toBeGreaterThan(0);
  });

  consistencyTests(() => ({ req, prom, snap }));

  it('sends link metrics only for interfaces with a speed', () => {
    const withSpeed = prom.all('node_network_speed_bytes').filter((s) => s.value > 0);
    expect(withSpeed.length).toBeGreaterThan(0);
    expect(attrSetOf(req, 'hw.network.up', 'hw.id')).toEqual(new Set(withSpeed.map((s) => s.labels.device)));
    for (const s of withSpeed) {
      expect(valueOf(req, 'hw.network.bandwidth.limit', { 'hw.id': s.labels.device! })).toBe(s.value);
      expect(valueOf(req, 'hw.network.up', { 'hw.id': s.labels.device! })).toBe(prom.get('node_network_up', { device: s.labels.device! }));
    }
    expect(
      pointsOf(req, 'hw.network.up').every((p) => p.attributes?.some((a) => a.key === 'hw.type' && a.value.stringValue === 'network')),
    ).toBe(true);
  });

  it('describes the rootfs host, not the machine the test runs on', () => {
    const r = Object.fromEntries(req.resourceMetrics[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
    // The fixture's rootfs has os-release but no machine-id: no host.id (never this machine's /etc/machine-id).
    expect(existsSync(join(FIX, 'root', 'etc', 'machine-id'))).toBe(false);
    expect(r['host.id']).toBeUndefined();
    const os = prom.all('node_os_info')[0]!;
    expect(r['os.name']).toBe(os.labels.name);
    expect(r['os.version']).toBe(os.labels.version_id);
    expect(r['os.description']).toContain(os.labels.pretty_name);
  });
});
