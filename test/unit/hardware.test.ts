// The hardware API over node_exporter's fixture tree (test/fixtures/hardware-ne), through the
// real addon; psutil's sensors_* are run over the same tree (bind-mounted over /sys/class in a
// private mount namespace) and must agree field for field.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ParseError } from '../../src/errors.js';
import {
  coolingDevices,
  dmi,
  edacControllersAsync,
  parseIntBase0,
  POWER_TIME_UNKNOWN,
  POWER_TIME_UNLIMITED,
  powerSupplies,
  powerSuppliesAsync,
  raplZones,
  sensorsBattery,
  sensorsFans,
  sensorsTemperatures,
  sysClass,
  sysClassAsync,
  thermalZones,
  watchdogs,
} from '../../src/hardware.js';
import { FIXTURES, haveTool, IN_CI, psutilPython, tool } from '../helpers/tools.js';

const SYS = join(FIXTURES, 'hardware-ne', 'sys');
const roots = { sysfs: SYS };

const tmp = mkdtempSync(join(tmpdir(), 'hp-hw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sysClass', () => {
  it('lists the directories of a class with their files, symlinks resolved, sorted by name', async () => {
    const hw = sysClass('class/hwmon', { roots, withDevice: true });
    expect(hw.map((e) => e.name)).toEqual([
      'hwmon0',
      'hwmon1',
      'hwmon10',
      'hwmon2',
      'hwmon3',
      'hwmon4',
      'hwmon5',
      'hwmon6',
      'hwmon7',
      'hwmon8',
      'hwmon9',
    ]);
    const h0 = hw[0]!;
    expect(h0.realPath).toBe(join(SYS, 'devices/platform/coretemp.0/hwmon/hwmon0'));
    expect(h0.deviceRealPath).toBe(join(SYS, 'devices/platform/coretemp.0'));
    expect(h0.attrs.find((a) => a.name === 'temp1_input')).toEqual({ name: 'temp1_input', value: '55000\n', errno: 0 });
    expect(h0.attrs.some((a) => a.name === 'device' || a.name === 'subsystem')).toBe(false);
    expect(await sysClassAsync('class/hwmon', { roots, withDevice: true })).toEqual(hw);
  });

  it('a missing class directory is NotFoundError naming the path', async () => {
    expect(() => sysClass('class/nope', { roots })).toThrow(NotFoundError);
    await expect(sysClassAsync('class/nope', { roots })).rejects.toThrow(/class\/nope/);
  });
});

describe('thermal and power supplies (procfs semantics)', () => {
  it('reads thermal zones and cooling devices', () => {
    expect(thermalZones({ roots })).toEqual([{ zone: '0', type: 'cpu-thermal', policy: 'step_wise', temp: 12376 }]);
    expect(coolingDevices({ roots })).toEqual([{ name: '0', type: 'Processor', curState: 0, maxState: 3 }]);
    expect(thermalZones({ roots: { sysfs: join(tmp, 'none') } })).toEqual([]);
  });

  it('reads power supplies: strings trimmed, numbers in kernel units', async () => {
    const ps = powerSupplies({ roots });
    expect(ps.map((p) => p.name)).toEqual(['AC', 'BAT0']);
    expect(ps[0]).toEqual({ name: 'AC', strings: { type: 'Mains' }, values: { online: 0 } });
    expect(ps[1]!.values).toMatchObject({ capacity: 81, energy_now: 36580000, voltage_now: 11660000, cycle_count: 0 });
    expect(ps[1]!.strings.model_name).toBe('LNV-45N1\u{fffd}\u{fffd}');
    expect(await powerSuppliesAsync({ roots })).toEqual(ps);
  });

  it('a numeric attribute that is not a number fails, naming the file', () => {
    const d = join(tmp, 'badps', 'class', 'power_supply', 'BAT1');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'capacity'), 'lots\n');
    expect(() => powerSupplies({ roots: { sysfs: join(tmp, 'badps') } })).toThrow(ParseError);
    expect(() => powerSupplies({ roots: { sysfs: join(tmp, 'badps') } })).toThrow(/BAT1\/capacity/);
  });

  it('parses integers as Go ParseInt(s, 0, 64)', () => {
    expect([
      parseIntBase0('42'),
      parseIntBase0('-7'),
      parseIntBase0('0x1f'),
      parseIntBase0('010'),
      parseIntBase0('0'),
      parseIntBase0('1_000'),
    ]).toEqual([42, -7, 31, 8, 0, 1000]);
    expect([parseIntBase0(''), parseIntBase0('4.5'), parseIntBase0('abc'), parseIntBase0('08')]).toEqual([null, null, null, null]);
  });
});

describe('RAPL, DMI and watchdogs (procfs semantics)', () => {
  it('reads RAPL zones: the name suffix is the index, entries without a name are left out', () => {
    expect(raplZones({ roots })).toEqual([
      { name: 'package', index: 0, entry: 'intel-rapl:0', energyMicrojoules: 240422366267, maxMicrojoules: 262143328850 },
      { name: 'core', index: 0, entry: 'intel-rapl:0:0', energyMicrojoules: 118821284256, maxMicrojoules: 262143328850 },
    ]);
  });

  it('a missing energy_uj or a bad max_energy_range_uj fails naming the file', () => {
    const d = join(tmp, 'rapl', 'class', 'powercap', 'intel-rapl:0');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'name'), 'psys\n');
    writeFileSync(join(d, 'max_energy_range_uj'), '100\n');
    mkdirSync(join(d, 'energy_uj'));
    // A directory in place of energy_uj is no energy_uj file: a failure naming it, not "no data".
    expect(() => raplZones({ roots: { sysfs: join(tmp, 'rapl') } })).toThrow(NotFoundError);
    expect(() => raplZones({ roots: { sysfs: join(tmp, 'rapl') } })).toThrow(/intel-rapl:0\/energy_uj/);
    rmSync(join(d, 'energy_uj'), { recursive: true });
    writeFileSync(join(d, 'energy_uj'), '5000000\n');
    expect(raplZones({ roots: { sysfs: join(tmp, 'rapl') } })).toEqual([
      { name: 'psys', index: 0, entry: 'intel-rapl:0', energyMicrojoules: 5000000, maxMicrojoules: 100 },
    ]);
    writeFileSync(join(d, 'max_energy_range_uj'), '-1\n');
    expect(() => raplZones({ roots: { sysfs: join(tmp, 'rapl') } })).toThrow(/max_energy_range_uj/);
  });

  it('reads EDAC controllers: csrows, channels, an optional channel ue_count; none without edac', async () => {
    const [mc0, ...rest] = await edacControllersAsync({ roots });
    expect(rest).toEqual([]);
    expect(mc0).toMatchObject({ controller: '0', correctable: 1, uncorrectable: 5, correctableNoInfo: 2, uncorrectableNoInfo: 6 });
    expect(mc0!.csrows.map((r) => [r.csrow, r.correctable, r.uncorrectable, r.channels.length])).toEqual([
      ['0', 3, 4, 2],
      ['1', 0, 4, 2],
      ['2', 0, 5, 2],
    ]);
    expect(mc0!.csrows[2]!.channels[0]).toEqual({ channel: '0', dimmLabel: 'mc0csrow2channel0', correctable: 0, uncorrectable: null });
    expect(await edacControllersAsync({ roots: { sysfs: join(tmp, 'none') } })).toEqual([]);
  });

  it('reads DMI and watchdogs', () => {
    const d = dmi({ roots });
    expect(d.product_name).toBe('PowerEdge R6515');
    expect(d.sys_vendor).toBe('Dell Inc.');
    expect(d.chassis_asset_tag).toBe('');
    expect(watchdogs({ roots })).toEqual([
      {
        name: 'watchdog0',
        bootstatus: 1,
        fwVersion: 2,
        nowayout: 0,
        timeleft: 300,
        timeout: 60,
        pretimeout: 120,
        accessCs0: 0,
        options: '0x8380',
        identity: 'Software Watchdog',
        state: 'active',
        status: '0x8000',
        pretimeoutGovernor: 'noop',
      },
      {
        name: 'watchdog1',
        bootstatus: null,
        fwVersion: null,
        nowayout: null,
        timeleft: null,
        timeout: null,
        pretimeout: null,
        accessCs0: null,
        options: null,
        identity: null,
        state: null,
        status: null,
        pretimeoutGovernor: null,
      },
    ]);
    expect(() => watchdogs({ roots: { sysfs: join(tmp, 'none') } })).toThrow(NotFoundError);
  });
});

describe('psutil sensors', () => {
  it('sensorsBattery follows psutil: energy_now/energy_full, AC online, energy/power for the time left', () => {
    const b = sensorsBattery({ roots });
    expect(b).toEqual({ percent: (100 * 36580000) / 45070000, secsleft: Math.trunc((36580000 / 5002000) * 3600), powerPlugged: false });
  });

  it('sensorsBattery: plugged in is unlimited time; capacity is the fallback; no battery is null', () => {
    const s = join(tmp, 'bat', 'class', 'power_supply');
    mkdirSync(join(s, 'BAT0'), { recursive: true });
    mkdirSync(join(s, 'AC'), { recursive: true });
    writeFileSync(join(s, 'BAT0', 'capacity'), '64\n');
    writeFileSync(join(s, 'AC', 'online'), '1\n');
    expect(sensorsBattery({ roots: { sysfs: join(tmp, 'bat') } })).toEqual({
      percent: 64,
      secsleft: POWER_TIME_UNLIMITED,
      powerPlugged: true,
    });
    writeFileSync(join(s, 'AC', 'online'), '0\n');
    expect(sensorsBattery({ roots: { sysfs: join(tmp, 'bat') } })).toEqual({
      percent: 64,
      secsleft: POWER_TIME_UNKNOWN,
      powerPlugged: false,
    });
    mkdirSync(join(tmp, 'nobat', 'class', 'power_supply', 'AC'), { recursive: true });
    expect(sensorsBattery({ roots: { sysfs: join(tmp, 'nobat') } })).toBeNull();
    expect(() => sensorsBattery({ roots: { sysfs: join(tmp, 'none') } })).toThrow(NotFoundError);
  });

  it('sensorsTemperatures falls back to thermal zones and their trip points when hwmon has none', () => {
    const z = join(tmp, 'tz', 'class', 'thermal', 'thermal_zone0');
    mkdirSync(z, { recursive: true });
    for (const [f, v] of [
      ['temp', '45500'],
      ['type', 'acpitz'],
      ['trip_point_0_type', 'critical'],
      ['trip_point_0_temp', '105000'],
      ['trip_point_1_type', 'high'],
      ['trip_point_1_temp', '90000'],
    ])
      writeFileSync(join(z, f as string), `${v}\n`);
    symlinkSync('thermal_zone0', join(tmp, 'tz', 'class', 'thermal', 'not_a_zone'));
    expect(sensorsTemperatures({ roots: { sysfs: join(tmp, 'tz') } })).toEqual({
      acpitz: [{ label: '', current: 45.5, high: 90, critical: 105 }],
    });
    expect(sensorsTemperatures({ roots: { sysfs: join(tmp, 'none') } })).toEqual({});
    expect(sensorsFans({ roots: { sysfs: join(tmp, 'none') } })).toEqual({});
  });

  it('agrees with psutil run over the same tree (bind-mounted over /sys/class)', () => {
    const py = psutilPython();
    const unshare = tool('unshare', 'apt-get install util-linux');
    if (!haveTool(py) || !haveTool(unshare)) return;
    if (process.getuid?.() !== 0) {
      if (IN_CI) throw new Error('the psutil cross-check needs root (unshare -m)');
      console.warn('skipping the psutil cross-check: not root');
      return;
    }
    const script = [
      'import json, psutil',
      'b = psutil.sensors_battery()',
      'bd = None if b is None else {"percent": b.percent, "secsleft": "unlimited" if b.secsleft == psutil.POWER_TIME_UNLIMITED else (-1 if b.secsleft == psutil.POWER_TIME_UNKNOWN else b.secsleft), "powerPlugged": b.power_plugged}',
      't = {k: [x._asdict() for x in v] for k, v in psutil.sensors_temperatures().items()}',
      'f = {k: [x._asdict() for x in v] for k, v in psutil.sensors_fans().items()}',
      'print(json.dumps({"t": t, "f": f, "b": bd}))',
    ].join('\n');
    const sh = `mount --bind "$1/class" /sys/class && mount --bind "$1/devices" /sys/devices && exec "$2" -c "$3"`;
    const r = spawnSync(unshare.path, ['-m', '--propagation', 'private', 'sh', '-c', sh, 'sh', SYS, py.path, script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ps = JSON.parse(r.stdout) as { t: unknown; f: unknown; b: { secsleft: number | string } | null };
    const b = sensorsBattery({ roots });
    expect(b).not.toBeNull();
    expect({ ...b!, secsleft: b!.secsleft === POWER_TIME_UNLIMITED ? 'unlimited' : b!.secsleft }).toEqual(ps.b);
    expect(sensorsTemperatures({ roots })).toEqual(ps.t);
    expect(sensorsFans({ roots })).toEqual(ps.f);
    expect(Object.keys(ps.t as object).length).toBeGreaterThan(0);
    expect(Object.keys(ps.f as object).length).toBeGreaterThan(0);
  });
});
