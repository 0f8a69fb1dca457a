// Live cross-check of the hardware API against psutil on this machine: the same sensors
// (temperatures, fans) and the same battery answer, read at the same moment. On a VM without
// sensors both find none (no /sys/class/hwmon, an empty power_supply class); on a machine with
// them every sensor's label and limits must agree, and the readings within a small drift.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POWER_TIME_UNLIMITED, sensorsBattery, sensorsFans, sensorsTemperatures } from '../../src/hardware.js';
import { haveTool, psutilJson, psutilPython } from '../helpers/tools.js';

interface PsTemp {
  label: string;
  current: number;
  high: number | null;
  critical: number | null;
}

describe('hardware sensors agree with psutil on this machine', () => {
  it('sensorsTemperatures and sensorsFans list the same chips and sensors', () => {
    if (!haveTool(psutilPython())) return;
    const ps = psutilJson<{ t: Record<string, PsTemp[]>; f: Record<string, { label: string; current: number }[]> }>(
      'print(json.dumps({"t": {k: [x._asdict() for x in v] for k, v in psutil.sensors_temperatures().items()}, "f": {k: [x._asdict() for x in v] for k, v in psutil.sensors_fans().items()}}))',
    );
    const t = sensorsTemperatures();
    const f = sensorsFans();
    expect(Object.keys(t).sort()).toEqual(Object.keys(ps.t).sort());
    expect(Object.keys(f).sort()).toEqual(Object.keys(ps.f).sort());
    for (const [chip, sensors] of Object.entries(ps.t)) {
      const ours = t[chip]!;
      expect(
        ours.map((s) => [s.label, s.high, s.critical]),
        chip,
      ).toEqual(sensors.map((s) => [s.label, s.high, s.critical]));
      // Temperatures move between the two reads: within 5 °C.
      ours.forEach((s, i) => expect(Math.abs(s.current - sensors[i]!.current), `${chip} ${s.label}`).toBeLessThanOrEqual(5));
    }
    for (const [chip, fans] of Object.entries(ps.f))
      expect(
        f[chip]!.map((x) => x.label),
        chip,
      ).toEqual(fans.map((x) => x.label));
    if (!existsSync('/sys/class/hwmon') && !existsSync('/sys/class/thermal/thermal_zone0')) expect(t).toEqual({});
  });

  it('sensorsBattery gives the same answer', () => {
    if (!haveTool(psutilPython())) return;
    if (!existsSync('/sys/class/power_supply')) {
      expect(() => sensorsBattery()).toThrow(/power_supply/);
      return;
    }
    const ps = psutilJson<{ percent: number; secsleft: number | string; powerPlugged: boolean | null } | null>(
      'b = psutil.sensors_battery()\nprint(json.dumps(None if b is None else {"percent": b.percent, "secsleft": "unlimited" if b.secsleft == psutil.POWER_TIME_UNLIMITED else b.secsleft, "powerPlugged": b.power_plugged}))',
    );
    const b = sensorsBattery();
    if (ps === null) {
      expect(b).toBeNull();
      return;
    }
    expect(b).not.toBeNull();
    expect(b!.powerPlugged).toBe(ps.powerPlugged);
    expect(Math.abs(b!.percent - ps.percent)).toBeLessThanOrEqual(1);
    if (ps.secsleft === 'unlimited') expect(b!.secsleft).toBe(POWER_TIME_UNLIMITED);
  });
});
