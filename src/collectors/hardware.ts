/**
 * The hardware collector: node_exporter's hwmon, thermal_zone, powersupplyclass, rapl, dmi
 * and watchdog, from the sysfs device classes the library reads (src/hardware.ts). The chip
 * naming, sensor grouping and filters follow node_exporter 1.12's hwmon collector; the other
 * parts follow its procfs library (sysfs.ClassThermalZoneStats, ClassCoolingDeviceStats,
 * PowerSupplyClass, GetRaplZones, DMIClass, WatchdogClass).
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type {
  EdacControllerReading,
  HardwareReading,
  HwmonChipReading,
  HwmonSensorReading,
  PowerSupplyReading,
  RaplZoneReading,
  WatchdogReading,
} from '../contract/snapshot.js';
import type { HardwareCollectorConfig } from '../config/types.js';
import { compileRegex } from '../config/spec.js';
import { posix } from 'node:path';
import {
  coolingDevicesFrom,
  dmiFrom,
  edacControllersAsync,
  fibreChannelHostsAsync,
  powerSuppliesFrom,
  raplZonesFrom,
  sysClassAsync,
  thermalZonesFrom,
  watchdogsFrom,
  type SysAttr,
  type SysClassEntry,
} from '../hardware.js';
import type { Logger } from '../logger.js';
import { DeviceFilter } from './filters.js';

/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"). node_exporter treats
 * a missing class directory as "no data" for hwmon and powersupplyclass; thermal_zone
 * globs its entries, so a missing class/thermal is simply no zones.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  {
    part: 'hwmon',
    paths: ['<sysfs>/class/hwmon'],
    why: 'hosts without hardware monitoring chips (most VMs and containers): no node_hwmon_* series',
  },
  {
    part: 'powersupplyclass',
    paths: ['<sysfs>/class/power_supply'],
    why: 'kernels built without power supply class support: no node_power_supply_* series',
  },
  { part: 'rapl', paths: ['<sysfs>/class/powercap'], why: 'no powercap driver (VMs, non-Intel/AMD machines): no node_rapl_* series' },
  { part: 'dmi', paths: ['<sysfs>/class/dmi'], why: 'no DMI/SMBIOS tables (ARM boards, some VMs): no node_dmi_info' },
  { part: 'watchdog', paths: ['<sysfs>/class/watchdog'], why: 'no watchdog driver loaded: no node_watchdog_* series' },
  { part: 'fibrechannel', paths: ['<sysfs>/class/fc_host'], why: 'no fibre channel host adapter: no node_fibrechannel_* series' },
];

/** node_dmi_info's label for a DMI file (`sys_vendor` is `system_vendor`). */
function dmiLabel(file: string): string {
  return file === 'sys_vendor' ? 'system_vendor' : file;
}

/** RAPL zones in node_exporter's form; stops at a zone whose energy_uj only root may read (node_exporter then returns "no data"). */
export function raplReadings(entries: readonly SysClassEntry[], sysfs: string): RaplZoneReading[] {
  const out: RaplZoneReading[] = [];
  for (const z of raplZonesFrom(entries, posix.join(sysfs, 'class/powercap'))) {
    if (z.energyMicrojoules === null) break;
    out.push({ name: z.name, index: z.index, path: posix.join(sysfs, 'class/powercap', z.entry), joules: z.energyMicrojoules / 1e6 });
  }
  return out;
}

/** node_exporter's edacDimmLabel transformation. */
function dimmLabel(raw: string | null): string {
  if (raw === null) return 'unknown';
  return raw
    .replace(/#/g, '')
    .replace(/csrow/g, '_csrow')
    .replace(/channel/g, '_channel');
}

function edacReading(c: Awaited<ReturnType<typeof edacControllersAsync>>[number]): EdacControllerReading {
  return {
    controller: c.controller,
    correctable: c.correctable,
    uncorrectable: c.uncorrectable,
    correctableNoInfo: c.correctableNoInfo,
    uncorrectableNoInfo: c.uncorrectableNoInfo,
    csrows: c.csrows.map((r) => ({
      csrow: r.csrow,
      correctable: r.correctable,
      uncorrectable: r.uncorrectable,
      channels: r.channels.map((ch) => ({
        channel: ch.channel,
        dimmLabel: dimmLabel(ch.dimmLabel),
        correctable: ch.correctable,
        ...(ch.uncorrectable !== null ? { uncorrectable: ch.uncorrectable } : {}),
      })),
    })),
  };
}

function watchdogReading(w: ReturnType<typeof watchdogsFrom>[number]): WatchdogReading {
  const out: { -readonly [K in keyof WatchdogReading]: WatchdogReading[K] } = { name: w.name };
  for (const k of ['bootstatus', 'fwVersion', 'nowayout', 'timeleft', 'timeout', 'pretimeout', 'accessCs0'] as const) {
    const v = w[k];
    if (v !== null) out[k] = v;
  }
  for (const k of ['options', 'identity', 'state', 'status', 'pretimeoutGovernor'] as const) {
    const v = w[k];
    if (v !== null) out[k] = cutAt128Bytes(v).trim();
  }
  return out;
}

/**
 * node_exporter reads every sysfs attribute with one read(2) of 128 bytes (procfs'
 * SysReadFile, hwmon's sysReadFile): a longer value (a label, a DMI string) is cut there.
 * The library reads up to 4 KiB; the collector cuts as node_exporter does so label values
 * agree. A cut inside a UTF-8 sequence decodes to U+FFFD, as node_exporter's ToValidUTF8.
 */
export function cutAt128Bytes(s: string): string {
  if (s.length <= 32) return s;
  const b = Buffer.from(s, 'utf8');
  return b.length <= 128 ? s : b.subarray(0, 128).toString('utf8');
}

/** Each value of a string record cut as node_exporter reads it, then trimmed. */
function cutAll(r: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) out[k] = cutAt128Bytes(v).trim();
  return out;
}

/** The hwmon sensor types node_exporter reads (its hwmonSensorTypes). */
const HWMON_SENSOR_TYPES = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
  'freq',
]);

const FILENAME = /^([^0-9]+)([0-9]*)?(_(.+))?$/;

/** node_exporter's cleanMetricName: lower case, [^a-z0-9:_] to `_`, `_` trimmed at both ends. */
export function cleanMetricName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** node_exporter's explodeSensorFilename: `temp1_input` → type temp, number 1, property input. */
export function explodeSensorFilename(filename: string): { type: string; num: number; property: string } | null {
  const m = FILENAME.exec(filename);
  if (!m) return null;
  const id = m[2] ?? '';
  const num = id === '' ? 0 : Number(id);
  if (!Number.isSafeInteger(num)) return null;
  return { type: m[1] as string, num, property: m[4] ?? '' };
}

/** Adds the sensor files of one directory to `data` (sensor → property → value). */
function collectSensorData(attrs: readonly SysAttr[], data: Map<string, Map<string, string>>): void {
  for (const a of attrs) {
    const x = explodeSensorFilename(a.name);
    if (!x || !HWMON_SENSOR_TYPES.has(x.type) || a.value === null) continue;
    const sensor = `${x.type}${x.num}`;
    let d = data.get(sensor);
    if (!d) data.set(sensor, (d = new Map()));
    d.set(x.property, cutAt128Bytes(a.value).replace(/^\n+|\n+$/g, ''));
  }
}

function basename(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

/** node_exporter's hwmonName: from the device path, else the name file, else hwmonX. */
function hwmonBaseName(e: SysClassEntry): string | null {
  if (e.deviceRealPath) {
    const devName = cleanMetricName(basename(e.deviceRealPath));
    const prefix = e.deviceRealPath.replace(/\/+$/, '');
    const devType = cleanMetricName(basename(prefix.slice(0, prefix.lastIndexOf('/'))));
    if (devType !== '' && devName !== '') return `${devType}_${devName}`;
    if (devName !== '') return devName;
  }
  const name = e.attrs.find((a) => a.name === 'name')?.value;
  if (name) {
    const c = cleanMetricName(name);
    if (c !== '') return c;
  }
  const c = cleanMetricName(basename(e.realPath || e.name));
  return c === '' ? null : c;
}

/** The hwmon chips of class/hwmon with node_exporter's chip labels, filtered (pure). */
export function hwmonChips(entries: readonly SysClassEntry[], chipFilter: DeviceFilter, sensorFilter: DeviceFilter): HwmonChipReading[] {
  const list: { e: SysClassEntry; base: string; nameFile: string }[] = [];
  const chipCounts = new Map<string, number>();
  const nameCounts = new Map<string, number>();
  for (const e of entries) {
    const base = hwmonBaseName(e);
    if (base === null) continue;
    const nameFile = (e.attrs.find((a) => a.name === 'name')?.value ?? '').trim();
    list.push({ e, base, nameFile });
    chipCounts.set(base, (chipCounts.get(base) ?? 0) + 1);
    const k = `${base}\0${nameFile}`;
    nameCounts.set(k, (nameCounts.get(k) ?? 0) + 1);
  }
  const out: HwmonChipReading[] = [];
  for (const { e, base, nameFile } of list) {
    let chip = base;
    if ((chipCounts.get(base) ?? 0) > 1) {
      let suffix = cleanMetricName(nameFile);
      if (suffix === '' || (nameCounts.get(`${base}\0${nameFile}`) ?? 0) > 1) suffix = cleanMetricName(basename(e.realPath || e.name));
      chip = `${base}_${suffix}`;
    }
    if (chipFilter.ignored(chip)) continue;
    const data = new Map<string, Map<string, string>>();
    collectSensorData(e.attrs, data);
    collectSensorData(e.deviceAttrs, data);
    const sensors: HwmonSensorReading[] = [];
    for (const sensor of [...data.keys()].sort()) {
      if (sensorFilter.ignored(`${chip};${sensor}`)) continue;
      const x = explodeSensorFilename(sensor) as { type: string };
      sensors.push({ sensor, type: x.type, props: Object.fromEntries(data.get(sensor) as Map<string, string>) });
    }
    const rawName = e.attrs.find((a) => a.name === 'name')?.value;
    const chipName = rawName ? cleanMetricName(rawName) : '';
    out.push(chipName !== '' ? { chip, chipName, sensors } : { chip, sensors });
  }
  return out;
}

export function create(config: HardwareCollectorConfig, _logger: Logger): Collector<'hardware'> {
  const h = config.hwmon;
  const chipFilter = new DeviceFilter(h.chip_exclude, h.chip_include);
  const sensorFilter = new DeviceFilter(h.sensor_exclude, h.sensor_include);
  const ignoredSupplies = compileRegex(config.powersupplyclass.ignored_supplies);
  return {
    name: 'hardware',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(
        ctx,
        {
          hwmon: h.enabled
            ? async () => hwmonChips(await sysClassAsync('class/hwmon', { ...o, withDevice: true }), chipFilter, sensorFilter)
            : undefined,
          thermal_zone: config.thermal_zone.enabled
            ? async () => {
                let entries: SysClassEntry[];
                try {
                  entries = await sysClassAsync('class/thermal', o);
                } catch (e) {
                  // node_exporter globs class/thermal/thermal_zone[0-9]*: no directory, no zones.
                  if ((e as { code?: unknown }).code === 'ENOENT') entries = [];
                  else throw e;
                }
                return {
                  zones: thermalZonesFrom(entries).map((z) => ({ zone: z.zone, type: z.type, celsius: z.temp / 1000 })),
                  cooling: coolingDevicesFrom(entries),
                };
              }
            : undefined,
          powersupplyclass: config.powersupplyclass.enabled
            ? async (): Promise<PowerSupplyReading[]> =>
                powerSuppliesFrom(await sysClassAsync('class/power_supply', o))
                  .filter((p) => !ignoredSupplies.test(p.name))
                  .map((p) => ({ name: p.name, strings: cutAll(p.strings), values: p.values }))
            : undefined,
          rapl: config.rapl.enabled ? async () => raplReadings(await sysClassAsync('class/powercap', o), ctx.roots.sysfs) : undefined,
          // Read every poll although node_exporter reads DMI once at start: a few hundred
          // bytes, and a reload with another --path.sysfs needs no special case.
          dmi: config.dmi.enabled
            ? async () => {
                const d = dmiFrom(await sysClassAsync('class/dmi', o));
                return Object.fromEntries(Object.entries(cutAll(d)).map(([k, v]) => [dmiLabel(k), v]));
              }
            : undefined,
          edac: config.edac.enabled ? async () => (await edacControllersAsync(o)).map(edacReading) : undefined,
          fibrechannel: config.fibrechannel.enabled
            ? async () => (await fibreChannelHostsAsync(o)).map((h) => ({ name: h.name, strings: h.strings, counters: h.counters }))
            : undefined,
          watchdog: config.watchdog.enabled
            ? async () => watchdogsFrom(await sysClassAsync('class/watchdog', o)).map(watchdogReading)
            : undefined,
        },
        OPTIONAL_INPUTS,
      );
      const reading: { -readonly [K in keyof HardwareReading]: HardwareReading[K] } = {};
      if (parts.hwmon) reading.hwmon = parts.hwmon;
      if (parts.thermal_zone) {
        reading.thermalZones = parts.thermal_zone.zones;
        reading.coolingDevices = parts.thermal_zone.cooling;
      }
      if (parts.powersupplyclass) reading.powerSupplies = parts.powersupplyclass;
      if (parts.rapl) reading.rapl = parts.rapl;
      // node_exporter serves no node_dmi_info when DMI has none of its attributes.
      if (parts.dmi && Object.keys(parts.dmi).length > 0) reading.dmi = parts.dmi;
      if (parts.edac) reading.edac = parts.edac;
      if (parts.watchdog) reading.watchdogs = parts.watchdog;
      if (parts.fibrechannel) reading.fibreChannel = parts.fibrechannel;
      return reading;
    },
  };
}
