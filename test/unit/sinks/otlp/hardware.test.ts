// The hardware collector's OTLP mapping over node_exporter's fixture tree
// (test/fixtures/hardware-ne): every hw.temperature, hw.fan.speed, hw.voltage, hw.power and
// hw.battery.* point is the value /metrics serves for the same sensor in the same snapshot.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { OtlpMetricsBuilder } from '../../../../src/sinks/otlp/build.js';
import { ResourceCache } from '../../../../src/sinks/otlp/resource.js';
import { serializeRequest } from '../../../../src/sinks/otlp/sink.js';
import { renderOptions, renderText } from '../../../../src/sinks/prometheus/index.js';
import { FIXTURES } from '../../../helpers/tools.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';
import { pointsOf, valueOf } from '../../../helpers/otlp-consistency.js';
import { parseExposition, Samples } from '../../../helpers/exposition.js';
import type { OtlpJsonRequest } from '../../../helpers/otelcol.js';

const SYS = join(FIXTURES, 'hardware-ne', 'sys');
const E2E = join(FIXTURES, 'agent-e2e');

let snap: Snapshot;
let prom: Samples;
let req: OtlpJsonRequest;

beforeAll(async () => {
  const config = await configFrom(`paths:\n  procfs: ${E2E}/proc\n  sysfs: ${SYS}\n  rootfs: ${E2E}/root\n`);
  const poller = await startPoller(config, undefined, () => 1_795_000_000_250);
  try {
    snap = await poller.pollOnce();
  } finally {
    await poller.stop();
  }
  prom = new Samples(parseExposition(renderText(snap, renderOptions(config))));
  const builder = new OtlpMetricsBuilder({ naming: 'semconv', version: '0.0.0-test' });
  const resource = new ResourceCache({ version: '0.0.0-test', rootfs: `${E2E}/root`, envAttributes: {}, configAttributes: {} }).get(snap);
  req = JSON.parse(
    Buffer.from(serializeRequest(builder.build(snap, resource).resourceMetrics, 'http/json')).toString('utf8'),
  ) as OtlpJsonRequest;
});

function attr(p: { attributes?: { key: string; value: { stringValue?: string } }[] }, key: string): string | undefined {
  return p.attributes?.find((a) => a.key === key)?.value.stringValue;
}

describe('hardware over OTLP agrees with /metrics', () => {
  it('hw.temperature: every hwmon temperature input and every thermal zone', () => {
    const temps = prom.all('node_hwmon_temp_celsius');
    const zones = prom.all('node_thermal_zone_temp');
    expect(temps.length).toBeGreaterThan(5);
    expect(zones.length).toBe(1);
    expect(pointsOf(req, 'hw.temperature').length).toBe(temps.length + zones.length);
    for (const s of temps)
      expect(valueOf(req, 'hw.temperature', { 'hw.id': `${s.labels.chip}_${s.labels.sensor}` }), s.labels.sensor).toBeCloseTo(s.value, 9);
    expect(valueOf(req, 'hw.temperature', { 'hw.id': 'thermal_zone0', 'hw.name': 'cpu-thermal' })).toBe(zones[0]!.value);
    for (const p of pointsOf(req, 'hw.temperature')) expect(attr(p, 'hw.type')).toBe('temperature');
    const labelled = prom
      .all('node_hwmon_sensor_label')
      .find((s) => s.labels.chip === 'platform_coretemp_0' && s.labels.sensor === 'temp1')!;
    const p = pointsOf(req, 'hw.temperature').find((x) => attr(x, 'hw.id') === 'platform_coretemp_0_temp1')!;
    expect(attr(p, 'hw.name')).toBe(labelled.labels.label);
    expect(attr(p, 'hw.parent')).toBe('platform_coretemp_0');
  });

  it('hw.fan.speed and hw.voltage: the fan and voltage inputs', () => {
    const fans = prom.all('node_hwmon_fan_rpm');
    const volts = prom.all('node_hwmon_in_volts');
    expect(fans.length).toBeGreaterThan(0);
    expect(volts.length).toBeGreaterThan(0);
    expect(pointsOf(req, 'hw.fan.speed').length).toBe(fans.length);
    expect(pointsOf(req, 'hw.voltage').length).toBe(volts.length);
    for (const s of fans) expect(valueOf(req, 'hw.fan.speed', { 'hw.id': `${s.labels.chip}_${s.labels.sensor}` })).toBe(s.value);
    for (const s of volts) expect(valueOf(req, 'hw.voltage', { 'hw.id': `${s.labels.chip}_${s.labels.sensor}` })).toBeCloseTo(s.value, 9);
  });

  it('hw.energy: the RAPL package and core zones as counters', () => {
    const pkg = prom.all('node_rapl_package_joules_total');
    expect(pkg.length).toBe(1);
    expect(valueOf(req, 'hw.energy', { 'hw.id': 'rapl_package_0', 'hw.type': 'cpu' })).toBe(pkg[0]!.value);
    expect(valueOf(req, 'hw.energy', { 'hw.id': 'rapl_core_0', 'hw.type': 'cpu' })).toBe(prom.all('node_rapl_core_joules_total')[0]!.value);
    expect(pointsOf(req, 'hw.energy').length).toBe(2);
  });

  it('hw.power and hw.battery.charge from the battery', () => {
    expect(valueOf(req, 'hw.power', { 'hw.id': 'BAT0', 'hw.type': 'battery' })).toBe(
      prom.get('node_power_supply_power_watt', { power_supply: 'BAT0' }),
    );
    expect(valueOf(req, 'hw.battery.charge', { 'hw.id': 'BAT0' })).toBe(
      prom.get('node_power_supply_capacity', { power_supply: 'BAT0' }) / 100,
    );
    expect(pointsOf(req, 'hw.battery.charge').length).toBe(1);
    expect(pointsOf(req, 'hw.battery.time_left').length).toBe(0);
  });
});
