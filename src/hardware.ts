/**
 * The hardware area: sysfs device classes — hwmon chips, thermal zones and cooling devices,
 * power supplies — and psutil's `sensors_temperatures()`, `sensors_fans()` and
 * `sensors_battery()` built on them.
 *
 * The native core reads a class directory as it is (every entry with its attribute files,
 * each with one bounded read); what the files mean is decided here. All reads have a
 * synchronous form and a Promise form that reads on the libuv thread pool (a hwmon driver
 * may talk to its chip over a slow bus while a file is read).
 */
import { constants as osConstants } from 'node:os';
import { callNative, callNativeAsync, NotFoundError, ParseError } from './errors.js';
import { nativeHardware, type NativeSysAttrRows, type NativeSysClassEntry } from './native/hardware.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface HardwareRootsOption {
  roots?: Partial<Roots>;
}

// ---------------------------------------------------------------------------------------
// sysfs classes

/** One attribute file of a sysfs class entry. */
export interface SysAttr {
  /** File name (`temp1_input`). */
  name: string;
  /** Its content as read (untrimmed), null when the read failed. */
  value: string | null;
  /** errno of the failed open or read, 0 when read. */
  errno: number;
}

/** One entry of `<sysfs>/class/<class>` (`hwmon0`, `BAT0`, `thermal_zone0`, ...). */
export interface SysClassEntry {
  name: string;
  /** The entry's real path, symlinks resolved (`''` when it cannot be resolved). */
  realPath: string;
  /** realpath of `<entry>/device`, null when there is none. */
  deviceRealPath: string | null;
  /** The regular files of the entry, sorted by name. */
  attrs: SysAttr[];
  /** The regular files of `<entry>/device` (only when asked for), sorted by name. */
  deviceAttrs: SysAttr[];
}

export interface SysClassOptions extends HardwareRootsOption {
  /** Also read the regular files of each entry's `device` directory. */
  withDevice?: boolean;
}

function attrsOf(rows: NativeSysAttrRows): SysAttr[] {
  const out: SysAttr[] = [];
  for (let i = 0; i + 2 < rows.length; i += 3) {
    out.push({ name: rows[i] as string, value: rows[i + 1] as string | null, errno: rows[i + 2] as number });
  }
  return out;
}

function entryOf(e: NativeSysClassEntry): SysClassEntry {
  return {
    name: e.name,
    realPath: e.realPath,
    deviceRealPath: e.deviceRealPath,
    attrs: attrsOf(e.attrs),
    deviceAttrs: attrsOf(e.deviceAttrs),
  };
}

/**
 * The directories of `<sysfs>/<classRel>` (`class/hwmon`), sorted by name, each with its
 * attribute files. Throws NotFoundError naming the path when the class directory does not
 * exist.
 */
export function sysClass(classRel: string, options: SysClassOptions = {}): SysClassEntry[] {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHardware.hwSysClass(roots, classRel, options.withDevice === true)).map(entryOf);
}

/** {@link sysClass}, read on the libuv thread pool. */
export async function sysClassAsync(classRel: string, options: SysClassOptions = {}): Promise<SysClassEntry[]> {
  const roots = resolveRoots(options.roots);
  const rows = await callNativeAsync(() => nativeHardware.hwSysClassAsync(roots, classRel, options.withDevice === true));
  return rows.map(entryOf);
}

/** The value of attribute `name` of `e` (untrimmed), undefined when absent or unreadable. */
export function attrValue(attrs: readonly SysAttr[], name: string): string | undefined {
  for (const a of attrs) if (a.name === name) return a.value ?? undefined;
  return undefined;
}

/** Go's strconv.ParseInt(s, 0, 64) (decimal, 0x hex, 0o/leading-0 octal, 0b binary); null when invalid. */
export function parseIntBase0(s: string): number | null {
  const m = /^([+-]?)(?:0[xX]([0-9a-fA-F](?:_?[0-9a-fA-F])*)|0[oO]?([0-7](?:_?[0-7])*)|0[bB]([01](?:_?[01])*)|([1-9](?:_?[0-9])*|0))$/.exec(
    s,
  );
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const [radix, digits] =
    m[2] !== undefined ? [16, m[2]] : m[3] !== undefined ? [8, m[3]] : m[4] !== undefined ? [2, m[4]] : [10, m[5] as string];
  const v = sign * parseInt(digits.replace(/_/g, ''), radix);
  return Number.isFinite(v) ? v : null;
}

// ---------------------------------------------------------------------------------------
// thermal zones and cooling devices (procfs' sysfs.ClassThermalZoneStats / ClassCoolingDeviceStats)

/** `<sysfs>/class/thermal/thermal_zone<N>`. */
export interface ThermalZone {
  /** `<N>`. */
  zone: string;
  /** The `type` file, trimmed (`''` when unreadable). */
  type: string;
  /** The `policy` file, trimmed (`''` when unreadable). */
  policy: string;
  /** `temp`, millidegrees Celsius (0 when unreadable or not a number, as node_exporter). */
  temp: number;
}

/** `<sysfs>/class/thermal/cooling_device<N>`. */
export interface CoolingDevice {
  name: string;
  type: string;
  curState: number;
  maxState: number;
}

const E = osConstants.errno;
/** Read errors procfs' sysfs readers skip a file or device for. */
const IGNORABLE = new Set<number>([E.ENOENT, E.EACCES, E.EPERM, E.EOPNOTSUPP, E.EINVAL, E.ENODEV, E.ENODATA]);

function trimmed(attrs: readonly SysAttr[], name: string): string | undefined {
  return attrValue(attrs, name)?.trim();
}

/** The thermal zones among `entries` of class/thermal (pure; see {@link thermalZones}). */
export function thermalZonesFrom(entries: readonly SysClassEntry[]): ThermalZone[] {
  const out: ThermalZone[] = [];
  for (const e of entries) {
    const m = /^thermal_zone([0-9].*)$/.exec(e.name);
    if (!m) continue;
    const t = trimmed(e.attrs, 'temp');
    const temp = t === undefined ? 0 : parseIntBase0(t);
    out.push({ zone: m[1] as string, type: trimmed(e.attrs, 'type') ?? '', policy: trimmed(e.attrs, 'policy') ?? '', temp: temp ?? 0 });
  }
  return out;
}

/**
 * The cooling devices among `entries` of class/thermal (pure). A device whose type or
 * states cannot be read for an ignorable reason (gone, permission, EINVAL...) is left out;
 * an unparsable state throws ParseError naming the file, as node_exporter fails then.
 */
export function coolingDevicesFrom(entries: readonly SysClassEntry[], classDir = 'class/thermal'): CoolingDevice[] {
  const out: CoolingDevice[] = [];
  for (const e of entries) {
    const m = /^cooling_device([0-9].*)$/.exec(e.name);
    if (!m) continue;
    const get = (f: string): string | null => {
      const a = e.attrs.find((x) => x.name === f);
      if (!a) return null;
      if (a.value === null) {
        if (IGNORABLE.has(a.errno)) return null;
        throw new ParseError(`${classDir}/${e.name}/${f}: read failed (errno ${a.errno})`, { path: `${e.realPath}/${f}` });
      }
      return a.value.trim();
    };
    const type = get('type');
    const maxS = get('max_state');
    const curS = get('cur_state');
    if (type === null || maxS === null || curS === null) continue;
    const max = /^[+-]?\d+$/.test(maxS) ? Number(maxS) : NaN;
    const cur = /^[+-]?\d+$/.test(curS) ? Number(curS) : NaN;
    if (Number.isNaN(max))
      throw new ParseError(`${e.realPath}/max_state: not an integer: ${JSON.stringify(maxS)}`, { path: `${e.realPath}/max_state` });
    if (Number.isNaN(cur))
      throw new ParseError(`${e.realPath}/cur_state: not an integer: ${JSON.stringify(curS)}`, { path: `${e.realPath}/cur_state` });
    out.push({ name: m[1] as string, type, curState: cur, maxState: max });
  }
  return out;
}

/** Thermal zones of `<sysfs>/class/thermal` ([] when the directory does not exist, as node_exporter's glob). */
export function thermalZones(options: HardwareRootsOption = {}): ThermalZone[] {
  return thermalZonesFrom(classOrEmpty('class/thermal', options));
}

/** Cooling devices of `<sysfs>/class/thermal` ([] when the directory does not exist). */
export function coolingDevices(options: HardwareRootsOption = {}): CoolingDevice[] {
  return coolingDevicesFrom(classOrEmpty('class/thermal', options));
}

function classOrEmpty(rel: string, options: SysClassOptions): SysClassEntry[] {
  try {
    return sysClass(rel, options);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return [];
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// power supplies (procfs' sysfs.PowerSupplyClass)

/** The string attributes of a power supply node_exporter reports as node_power_supply_info labels. */
export const POWER_SUPPLY_STRING_ATTRS = [
  'capacity_level',
  'charge_type',
  'health',
  'manufacturer',
  'model_name',
  'scope',
  'serial_number',
  'status',
  'technology',
  'type',
  'usb_type',
] as const;

/** The numeric attributes procfs parses (the others are ignored). */
export const POWER_SUPPLY_NUMERIC_ATTRS = [
  'authentic',
  'calibrate',
  'capacity',
  'capacity_alert_max',
  'capacity_alert_min',
  'charge_avg',
  'charge_control_limit',
  'charge_control_limit_max',
  'charge_counter',
  'charge_empty',
  'charge_empty_design',
  'charge_full',
  'charge_full_design',
  'charge_now',
  'charge_term_current',
  'constant_charge_current',
  'constant_charge_current_max',
  'constant_charge_voltage',
  'constant_charge_voltage_max',
  'current_avg',
  'current_boot',
  'current_max',
  'current_now',
  'cycle_count',
  'energy_avg',
  'energy_empty',
  'energy_empty_design',
  'energy_full',
  'energy_full_design',
  'energy_now',
  'input_current_limit',
  'online',
  'power_avg',
  'power_now',
  'precharge_current',
  'present',
  'temp',
  'temp_alert_max',
  'temp_alert_min',
  'temp_ambient',
  'temp_ambient_max',
  'temp_ambient_min',
  'temp_max',
  'temp_min',
  'time_to_empty_avg',
  'time_to_empty_now',
  'time_to_full_avg',
  'time_to_full_now',
  'voltage_avg',
  'voltage_boot',
  'voltage_max',
  'voltage_max_design',
  'voltage_min',
  'voltage_min_design',
  'voltage_now',
  'voltage_ocv',
] as const;

export type PowerSupplyStringAttr = (typeof POWER_SUPPLY_STRING_ATTRS)[number];
export type PowerSupplyNumericAttr = (typeof POWER_SUPPLY_NUMERIC_ATTRS)[number];

/** `<sysfs>/class/power_supply/<name>`: its attributes in the kernel's units (µV, µA, µWh, tenths of °C...). */
export interface PowerSupply {
  name: string;
  /** The string attributes present (trimmed). */
  strings: Partial<Record<PowerSupplyStringAttr, string>>;
  /** The numeric attributes present. */
  values: Partial<Record<PowerSupplyNumericAttr, number>>;
}

const STRING_SET = new Set<string>(POWER_SUPPLY_STRING_ATTRS);
const NUMERIC_SET = new Set<string>(POWER_SUPPLY_NUMERIC_ATTRS);

/**
 * The power supplies among `entries` of class/power_supply (pure). Unreadable files gone,
 * unsupported or EINVAL (a battery not present) are skipped; another read error, or a
 * numeric attribute that is not an integer, throws naming the file (node_exporter then
 * fails the collector).
 */
export function powerSuppliesFrom(entries: readonly SysClassEntry[]): PowerSupply[] {
  const out: PowerSupply[] = [];
  for (const e of entries) {
    const ps: PowerSupply = { name: e.name, strings: {}, values: {} };
    for (const a of e.attrs) {
      const isString = STRING_SET.has(a.name);
      if (!isString && !NUMERIC_SET.has(a.name)) continue;
      const path = `${e.realPath || e.name}/${a.name}`;
      if (a.value === null) {
        if (a.errno === E.ENOENT || a.errno === E.EOPNOTSUPP || a.errno === E.ENODEV || a.errno === E.EINVAL || a.errno === E.ENODATA)
          continue;
        throw new ParseError(`failed to read file ${path} (errno ${a.errno})`, { path });
      }
      const v = a.value.trim();
      if (isString) ps.strings[a.name as PowerSupplyStringAttr] = v;
      else {
        const n = parseIntBase0(v);
        if (n === null) throw new ParseError(`${path}: not an integer: ${JSON.stringify(v)}`, { path });
        ps.values[a.name as PowerSupplyNumericAttr] = n;
      }
    }
    out.push(ps);
  }
  return out;
}

/** Power supplies of `<sysfs>/class/power_supply`. Throws NotFoundError when the directory does not exist. */
export function powerSupplies(options: HardwareRootsOption = {}): PowerSupply[] {
  return powerSuppliesFrom(sysClass('class/power_supply', options));
}

/** {@link powerSupplies}, read on the libuv thread pool. */
export async function powerSuppliesAsync(options: HardwareRootsOption = {}): Promise<PowerSupply[]> {
  return powerSuppliesFrom(await sysClassAsync('class/power_supply', options));
}

// ---------------------------------------------------------------------------------------
// psutil sensors

/** psutil `shwtemp`: one temperature sensor, degrees Celsius. */
export interface SensorTemperature {
  /** The `temp<N>_label` file, `''` when none. */
  label: string;
  current: number;
  /** `temp<N>_max` (hwmon) or a `high` trip point (thermal zones); null when none. */
  high: number | null;
  /** `temp<N>_crit` (hwmon) or a `critical` trip point; null when none. */
  critical: number | null;
}

/** psutil `sfan`: one fan, RPM. */
export interface SensorFan {
  label: string;
  current: number;
}

/** psutil's POWER_TIME_UNLIMITED / POWER_TIME_UNKNOWN, as JS values. */
export const POWER_TIME_UNLIMITED = Infinity;
export const POWER_TIME_UNKNOWN = -1;

/** psutil `sbattery`. */
export interface SensorBattery {
  /** Charge percentage (0-100, may be fractional). */
  percent: number;
  /** Seconds left before empty; {@link POWER_TIME_UNLIMITED} when plugged in, {@link POWER_TIME_UNKNOWN} when unknown. */
  secsleft: number;
  /** Whether AC power is connected; null when it cannot be told. */
  powerPlugged: boolean | null;
}

/** Python's float(): a decimal number string (surrounding whitespace allowed), else null. */
function pyFloat(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  return Number(t);
}

/** Python's int(): an integer string, else null. */
function pyInt(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : null;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** One hwmon directory (the chip or its `device/`) for psutil's globs. */
interface PsDir {
  /** A sortable path (`hwmon0`, `hwmon0/device`). */
  path: string;
  attrs: readonly SysAttr[];
}

function psDirs(entries: readonly SysClassEntry[]): PsDir[] {
  const out: PsDir[] = [];
  for (const e of entries) {
    if (!e.name.startsWith('hwmon')) continue;
    out.push({ path: e.name, attrs: e.attrs });
    if (e.deviceAttrs.length > 0) out.push({ path: `${e.name}/device`, attrs: e.deviceAttrs });
  }
  return out;
}

/** psutil's `base = path.split('_')[0]` over `<dir>/<prefix>*_*` files: the sensor stems of a directory. */
function stems(d: PsDir, prefix: string): string[] {
  const s = new Set<string>();
  for (const a of d.attrs) if (a.name.startsWith(prefix) && a.name.includes('_')) s.add(a.name.split('_')[0] as string);
  return [...s];
}

/** sensorsTemperatures over class/hwmon and class/thermal entries (pure). */
export function sensorsTemperaturesFrom(
  hwmon: readonly SysClassEntry[],
  thermal: readonly SysClassEntry[],
): Record<string, SensorTemperature[]> {
  const ret = new Map<string, SensorTemperature[]>();
  // psutil sorts the full paths "/sys/class/hwmon/hwmonN[/device]/tempM".
  const bases: { dir: PsDir; stem: string; key: string }[] = [];
  for (const d of psDirs(hwmon)) for (const stem of stems(d, 'temp')) bases.push({ dir: d, stem, key: `${d.path}/${stem}` });
  bases.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { dir, stem } of bases) {
    const current = pyFloat(attrValue(dir.attrs, `${stem}_input`));
    const unit = attrValue(dir.attrs, 'name');
    if (current === null || unit === undefined) continue;
    const high = pyFloat(attrValue(dir.attrs, `${stem}_max`));
    const crit = pyFloat(attrValue(dir.attrs, `${stem}_crit`));
    push(ret, unit.trim(), {
      label: (attrValue(dir.attrs, `${stem}_label`) ?? '').trim(),
      current: current / 1000,
      high: high === null ? null : high / 1000,
      critical: crit === null ? null : crit / 1000,
    });
  }
  if (bases.length === 0) {
    for (const z of thermal) {
      if (!z.name.startsWith('thermal_zone')) continue;
      const current = pyFloat(attrValue(z.attrs, 'temp'));
      const type = attrValue(z.attrs, 'type');
      if (current === null || type === undefined) continue;
      let high: number | null = null;
      let critical: number | null = null;
      const trips = new Set<string>();
      for (const a of z.attrs) if (a.name.startsWith('trip_point')) trips.add(a.name.split('_').slice(0, 3).join('_'));
      for (const t of trips) {
        const tt = (attrValue(z.attrs, `${t}_type`) ?? '').trim();
        // psutil 5.9 divides inside this loop, so a value found early is divided again on
        // every later trip point (in set order, which Python randomizes): divided once here.
        if (tt === 'critical') critical = pyFloat(attrValue(z.attrs, `${t}_temp`));
        else if (tt === 'high') high = pyFloat(attrValue(z.attrs, `${t}_temp`));
      }
      if (high !== null) high /= 1000;
      if (critical !== null) critical /= 1000;
      push(ret, type.trim(), { label: '', current: current / 1000, high, critical });
    }
  }
  return Object.fromEntries(ret);
}

/** sensorsFans over class/hwmon entries (pure). */
export function sensorsFansFrom(hwmon: readonly SysClassEntry[]): Record<string, SensorFan[]> {
  const ret = new Map<string, SensorFan[]>();
  const dirs = psDirs(hwmon);
  let bases: { dir: PsDir; stem: string; key: string }[] = [];
  for (const d of dirs)
    if (!d.path.endsWith('/device')) for (const stem of stems(d, 'fan')) bases.push({ dir: d, stem, key: `${d.path}/${stem}` });
  if (bases.length === 0)
    for (const d of dirs)
      if (d.path.endsWith('/device')) for (const stem of stems(d, 'fan')) bases.push({ dir: d, stem, key: `${d.path}/${stem}` });
  bases = bases.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { dir, stem } of bases) {
    const current = pyInt(attrValue(dir.attrs, `${stem}_input`));
    if (current === null) continue;
    const unit = attrValue(dir.attrs, 'name');
    if (unit === undefined) {
      throw new ParseError(`${dir.path}/name: missing (psutil raises here too)`, { path: `${dir.path}/name` });
    }
    push(ret, unit.trim(), { label: (attrValue(dir.attrs, `${stem}_label`) ?? '').trim(), current });
  }
  return Object.fromEntries(ret);
}

/** sensorsBattery over class/power_supply entries (pure); null when there is no battery. */
export function sensorsBatteryFrom(supplies: readonly SysClassEntry[]): SensorBattery | null {
  const bats = supplies
    .filter((s) => s.name.startsWith('BAT') || s.name.toLowerCase().includes('battery'))
    .map((s) => s.name)
    .sort();
  if (bats.length === 0) return null;
  const bat = supplies.find((s) => s.name === bats[0]) as SysClassEntry;
  const byName = new Map(supplies.map((s) => [s.name, s]));
  // psutil's multi_bcat: the first file that exists; an int when it parses, else the string.
  const multi = (...paths: [SysClassEntry | undefined, string][]): number | string | null => {
    for (const [e, f] of paths) {
      const v = e ? attrValue(e.attrs, f) : undefined;
      if (v !== undefined) return pyInt(v) ?? v.trim();
    }
    return null;
  };
  const num = (v: number | string | null): number | null => (typeof v === 'number' ? v : null);
  const energyNow = multi([bat, 'energy_now'], [bat, 'charge_now']);
  const powerNow = multi([bat, 'power_now'], [bat, 'current_now']);
  const energyFull = multi([bat, 'energy_full'], [bat, 'charge_full']);
  const timeToEmpty = multi([bat, 'time_to_empty_now']);
  let percent: number;
  if (energyFull !== null && energyNow !== null) {
    const en = num(energyNow);
    const ef = num(energyFull);
    if (en === null || ef === null) throw new ParseError(`${bat.name}: energy_now/energy_full not integers (psutil raises TypeError)`);
    percent = ef === 0 ? 0 : (100 * en) / ef;
  } else {
    const cap = attrValue(bat.attrs, 'capacity');
    const p = cap === undefined ? -1 : pyInt(cap);
    if (p === null) throw new ParseError(`${bat.name}/capacity: not an integer: ${JSON.stringify(cap)}`);
    if (p === -1) return null;
    percent = p;
  }
  let powerPlugged: boolean | null = null;
  const online = multi([byName.get('AC0'), 'online'], [byName.get('AC'), 'online']);
  if (online !== null) powerPlugged = online === 1;
  else {
    const status = (attrValue(bat.attrs, 'status') ?? '').trim().toLowerCase();
    if (status === 'discharging') powerPlugged = false;
    else if (status === 'charging' || status === 'full') powerPlugged = true;
  }
  let secsleft: number;
  const en = num(energyNow);
  const pn = num(powerNow);
  const tte = num(timeToEmpty);
  if (powerPlugged) secsleft = POWER_TIME_UNLIMITED;
  else if (energyNow !== null && powerNow !== null) {
    if (en === null || pn === null) throw new ParseError(`${bat.name}: energy_now/power_now not integers (psutil raises TypeError)`);
    secsleft = pn === 0 ? POWER_TIME_UNKNOWN : Math.trunc((en / pn) * 3600);
  } else if (timeToEmpty !== null) {
    if (tte === null) throw new ParseError(`${bat.name}/time_to_empty_now: not an integer`);
    secsleft = Math.trunc(tte * 60);
    if (secsleft < 0) secsleft = POWER_TIME_UNKNOWN;
  } else secsleft = POWER_TIME_UNKNOWN;
  return { percent, secsleft, powerPlugged };
}

/**
 * Hardware temperatures (psutil `sensors_temperatures()`): chip name → sensors, from
 * `<sysfs>/class/hwmon/hwmon*\/temp*_*` (and `device/temp*_*`), values in °C; when no hwmon
 * temperature exists, from `<sysfs>/class/thermal/thermal_zone*` with their trip points.
 * {} when neither exists.
 */
export function sensorsTemperatures(options: HardwareRootsOption = {}): Record<string, SensorTemperature[]> {
  const hw = classOrEmpty('class/hwmon', { ...options, withDevice: true });
  const thermal = classOrEmpty('class/thermal', options);
  return sensorsTemperaturesFrom(hw, thermal);
}

/** Fans (psutil `sensors_fans()`): chip name → fans, RPM, from `<sysfs>/class/hwmon`. {} when none. */
export function sensorsFans(options: HardwareRootsOption = {}): Record<string, SensorFan[]> {
  return sensorsFansFrom(classOrEmpty('class/hwmon', { ...options, withDevice: true }));
}

/**
 * Battery status (psutil `sensors_battery()`) from the first `BAT*` (or `*battery*`) entry of
 * `<sysfs>/class/power_supply`; null when there is no battery. Throws NotFoundError when
 * class/power_supply itself does not exist (psutil raises FileNotFoundError).
 */
export function sensorsBattery(options: HardwareRootsOption = {}): SensorBattery | null {
  return sensorsBatteryFrom(sysClass('class/power_supply', options));
}

// ---------------------------------------------------------------------------------------
// RAPL (procfs' sysfs.GetRaplZones), DMI (DMIClass), watchdogs (WatchdogClass)

/** One powercap zone of `<sysfs>/class/powercap` with a `name` (`intel-rapl:0` = `package-0`). */
export interface RaplZone {
  /** The zone's name without its `-<index>` suffix (`package`, `core`, `dram`, `psys`). */
  name: string;
  /** The `-<index>` suffix of the name, else how many zones of that name came before. */
  index: number;
  /** The entry's directory name (`intel-rapl:0`). */
  entry: string;
  /** `energy_uj`, microjoules; null when the file may only be read by root (EACCES/EPERM). */
  energyMicrojoules: number | null;
  /** `max_energy_range_uj`. */
  maxMicrojoules: number;
}

function uintAttr(e: SysClassEntry, file: string, where: string): number | null {
  const a = e.attrs.find((x) => x.name === file);
  const path = `${where}/${e.name}/${file}`;
  if (!a) throw new NotFoundError(`${path}: no such file`, { path, code: 'ENOENT' });
  if (a.value === null) {
    if (a.errno === E.EACCES || a.errno === E.EPERM) return null;
    throw new ParseError(`${path}: read failed (errno ${a.errno})`, { path });
  }
  const t = a.value.trim();
  if (!/^\d+$/.test(t)) throw new ParseError(`${path}: not an unsigned integer: ${JSON.stringify(t)}`, { path });
  return Number(t);
}

/**
 * The RAPL zones among `entries` of class/powercap (pure). Entries without a readable `name`
 * are left out (`intel-rapl` itself); `where` names the class directory in errors.
 */
export function raplZonesFrom(entries: readonly SysClassEntry[], where = 'class/powercap'): RaplZone[] {
  const counts = new Map<string, number>();
  const out: RaplZone[] = [];
  for (const e of entries) {
    const raw = attrValue(e.attrs, 'name');
    if (raw === undefined) continue;
    let name = raw.trim();
    let index: number;
    const parts = name.split('-');
    if (parts.length === 2 && /^[+-]?\d+$/.test(parts[1] as string)) {
      index = Number(parts[1]);
      name = parts[0] as string;
    } else index = counts.get(name) ?? 0;
    const max = uintAttr(e, 'max_energy_range_uj', where);
    if (max === null)
      throw new ParseError(`${where}/${e.name}/max_energy_range_uj: permission denied`, { path: `${where}/${e.name}/max_energy_range_uj` });
    out.push({ name, index, entry: e.name, energyMicrojoules: uintAttr(e, 'energy_uj', where), maxMicrojoules: max });
    counts.set(name, index + 1);
  }
  return out;
}

/** RAPL zones of `<sysfs>/class/powercap`. Throws NotFoundError when the directory does not exist. */
export function raplZones(options: HardwareRootsOption = {}): RaplZone[] {
  return raplZonesFrom(sysClass('class/powercap', options));
}

/** The DMI attributes node_exporter reports (`sys_vendor` becomes its `system_vendor` label). */
export const DMI_ATTRS = [
  'bios_date',
  'bios_release',
  'bios_vendor',
  'bios_version',
  'board_asset_tag',
  'board_name',
  'board_serial',
  'board_vendor',
  'board_version',
  'chassis_asset_tag',
  'chassis_serial',
  'chassis_vendor',
  'chassis_version',
  'product_family',
  'product_name',
  'product_serial',
  'product_sku',
  'product_uuid',
  'product_version',
  'sys_vendor',
] as const;

/**
 * `<sysfs>/class/dmi/id`'s attributes (trimmed), from the `id` entry of class/dmi (pure). A
 * file only root may read is left out; another read error throws naming the file. {} when
 * there is no `id` entry.
 */
export function dmiFrom(entries: readonly SysClassEntry[]): Partial<Record<(typeof DMI_ATTRS)[number], string>> {
  const id = entries.find((e) => e.name === 'id');
  const out: Partial<Record<(typeof DMI_ATTRS)[number], string>> = {};
  if (!id) return out;
  const wanted = new Set<string>(DMI_ATTRS);
  for (const a of id.attrs) {
    if (!wanted.has(a.name)) continue;
    if (a.value === null) {
      if (a.errno === E.EACCES || a.errno === E.EPERM) continue;
      const path = `${id.realPath || 'class/dmi/id'}/${a.name}`;
      throw new ParseError(`failed to read file ${path} (errno ${a.errno})`, { path });
    }
    out[a.name as (typeof DMI_ATTRS)[number]] = a.value.trim();
  }
  return out;
}

/** DMI of `<sysfs>/class/dmi/id`. Throws NotFoundError when class/dmi does not exist. */
export function dmi(options: HardwareRootsOption = {}): Partial<Record<(typeof DMI_ATTRS)[number], string>> {
  return dmiFrom(sysClass('class/dmi', options));
}

/** `<sysfs>/class/watchdog/<name>`: each file present (null when absent). */
export interface Watchdog {
  name: string;
  bootstatus: number | null;
  fwVersion: number | null;
  nowayout: number | null;
  timeleft: number | null;
  timeout: number | null;
  pretimeout: number | null;
  accessCs0: number | null;
  options: string | null;
  identity: string | null;
  state: string | null;
  status: string | null;
  pretimeoutGovernor: string | null;
}

/**
 * The watchdogs among `entries` of class/watchdog (pure). A missing file is null; a file that
 * does not read, or a number that does not parse (Go's ParseInt(s, 0, 64)), throws naming it.
 */
export function watchdogsFrom(entries: readonly SysClassEntry[]): Watchdog[] {
  return entries.map((e) => {
    const get = (f: string): string | null => {
      const a = e.attrs.find((x) => x.name === f);
      if (!a) return null;
      const path = `${e.realPath || e.name}/${f}`;
      if (a.value === null) throw new ParseError(`failed to read file ${path} (errno ${a.errno})`, { path });
      return a.value.trim();
    };
    const num = (f: string): number | null => {
      const v = get(f);
      if (v === null) return null;
      const n = parseIntBase0(v);
      if (n === null)
        throw new ParseError(`${e.realPath || e.name}/${f}: not an integer: ${JSON.stringify(v)}`, {
          path: `${e.realPath || e.name}/${f}`,
        });
      return n;
    };
    return {
      name: e.name,
      bootstatus: num('bootstatus'),
      fwVersion: num('fw_version'),
      nowayout: num('nowayout'),
      timeleft: num('timeleft'),
      timeout: num('timeout'),
      pretimeout: num('pretimeout'),
      accessCs0: num('access_cs0'),
      options: get('options'),
      identity: get('identity'),
      state: get('state'),
      status: get('status'),
      pretimeoutGovernor: get('pretimeout_governor'),
    };
  });
}

/** Watchdogs of `<sysfs>/class/watchdog`. Throws NotFoundError when the directory does not exist. */
export function watchdogs(options: HardwareRootsOption = {}): Watchdog[] {
  return watchdogsFrom(sysClass('class/watchdog', options));
}

// ---------------------------------------------------------------------------------------
// EDAC memory controllers (node_exporter's edac collector)

/** One EDAC channel of a csrow (`ch<N>_ce_count`, `ch<N>_ue_count`, `ch<N>_dimm_label`). */
export interface EdacChannel {
  channel: string;
  /** `ch<N>_dimm_label` trimmed, null when it does not read. */
  dimmLabel: string | null;
  correctable: number;
  /** null when `ch<N>_ue_count` does not read (node_exporter then leaves it out). */
  uncorrectable: number | null;
}

export interface EdacCsrow {
  csrow: string;
  correctable: number;
  uncorrectable: number;
  channels: EdacChannel[];
}

/** `<sysfs>/devices/system/edac/mc/mc<N>`. */
export interface EdacController {
  controller: string;
  correctable: number;
  uncorrectable: number;
  /** `ce_noinfo_count` / `ue_noinfo_count`: errors not attributed to a csrow. */
  correctableNoInfo: number;
  uncorrectableNoInfo: number;
  csrows: EdacCsrow[];
}

const UINT = /^\d+$/;

function edacUint(attrs: readonly SysAttr[], file: string, dir: string): number {
  const path = `${dir}/${file}`;
  const a = attrs.find((x) => x.name === file);
  if (!a) throw new NotFoundError(`${path}: no such file`, { path, code: 'ENOENT' });
  if (a.value === null) throw new ParseError(`${path}: read failed (errno ${a.errno})`, { path });
  const t = a.value.trim();
  if (!UINT.test(t)) throw new ParseError(`${path}: not an unsigned integer: ${JSON.stringify(t)}`, { path });
  return Number(t);
}

/** A controller from its entry of devices/system/edac/mc and its csrow entries (pure). */
export function edacControllerFrom(mc: SysClassEntry, csrowEntries: readonly SysClassEntry[], dir: string): EdacController {
  const controller = (/^mc([0-9]*)/.exec(mc.name) as RegExpExecArray)[1] as string;
  const csrows: EdacCsrow[] = [];
  for (const c of csrowEntries) {
    const m = /^csrow([0-9]*)/.exec(c.name);
    if (!m || !/^csrow[0-9]/.test(c.name)) continue;
    const cdir = `${dir}/${c.name}`;
    const channels: EdacChannel[] = [];
    // filepath.Glob(csrow/ch*_ce_count), sorted by name as the attrs are.
    for (const a of c.attrs) {
      if (!/^ch.*_ce_count$/.test(a.name)) continue;
      const cm = /ch([0-9]+)_ce_count/.exec(a.name);
      if (!cm) continue;
      const n = cm[1] as string;
      const label = attrValue(c.attrs, `ch${n}_dimm_label`);
      const ue = c.attrs.find((x) => x.name === `ch${n}_ue_count`);
      const ueT = ue?.value?.trim();
      channels.push({
        channel: n,
        dimmLabel: label === undefined ? null : label.trim(),
        correctable: edacUint(c.attrs, a.name, cdir),
        uncorrectable: ueT !== undefined && UINT.test(ueT) ? Number(ueT) : null,
      });
    }
    csrows.push({
      csrow: m[1] as string,
      correctable: edacUint(c.attrs, 'ce_count', cdir),
      uncorrectable: edacUint(c.attrs, 'ue_count', cdir),
      channels,
    });
  }
  const mdir = `${dir}`;
  return {
    controller,
    correctable: edacUint(mc.attrs, 'ce_count', mdir),
    correctableNoInfo: edacUint(mc.attrs, 'ce_noinfo_count', mdir),
    uncorrectable: edacUint(mc.attrs, 'ue_count', mdir),
    uncorrectableNoInfo: edacUint(mc.attrs, 'ue_noinfo_count', mdir),
    csrows,
  };
}

/**
 * EDAC memory controllers of `<sysfs>/devices/system/edac/mc/mc[0-9]*`, sorted by name;
 * [] when there are none (node_exporter globs them). A count that is missing or not an
 * unsigned integer throws naming the file; a channel's ue_count is optional.
 */
export async function edacControllersAsync(options: HardwareRootsOption = {}): Promise<EdacController[]> {
  const roots = resolveRoots(options.roots);
  let mcs: SysClassEntry[];
  try {
    mcs = await sysClassAsync('devices/system/edac/mc', { roots });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return [];
    throw e;
  }
  const out: EdacController[] = [];
  for (const mc of mcs) {
    if (!/^mc[0-9]/.test(mc.name)) continue;
    const rel = `devices/system/edac/mc/${mc.name}`;
    out.push(edacControllerFrom(mc, await sysClassAsync(rel, { roots }), `${roots.sysfs.replace(/\/+$/, '')}/${rel}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// fibre channel hosts (<sysfs>/class/fc_host), as procfs's sysfs.FibreChannelClass

/** The string attributes of an fc_host (`port_id`, `port_name`, `fabric_name`, `node_name` lose their `0x`). */
export const FC_HOST_STRING_ATTRS = [
  'speed',
  'port_state',
  'port_type',
  'node_name',
  'port_id',
  'port_name',
  'fabric_name',
  'dev_loss_tmo',
  'symbolic_name',
  'supported_classes',
  'supported_speeds',
] as const;

/** The statistics counters node_exporter serves, by file name. */
export const FC_HOST_COUNTERS = [
  'dumped_frames',
  'error_frames',
  'fcp_packet_aborts',
  'invalid_crc_count',
  'invalid_tx_word_count',
  'link_failure_count',
  'loss_of_signal_count',
  'loss_of_sync_count',
  'nos_count',
  'rx_frames',
  'rx_words',
  'seconds_since_last_reset',
  'tx_frames',
  'tx_words',
] as const;

export type FcHostStringAttr = (typeof FC_HOST_STRING_ATTRS)[number];
export type FcHostCounter = (typeof FC_HOST_COUNTERS)[number];

/** One fibre channel host: its attributes (absent files left out) and counters (2^64-1 and absent files left out). */
export interface FibreChannelHost {
  name: string;
  strings: Partial<Record<FcHostStringAttr, string>>;
  counters: Partial<Record<FcHostCounter, number>>;
}

const FC_PREFIXED: ReadonlySet<string> = new Set(['node_name', 'port_id', 'port_name', 'fabric_name']);
const ERRNO_ENOENT = osConstants.errno.ENOENT;
const ERRNO_EOPNOTSUPP = osConstants.errno.EOPNOTSUPP;
const U64_MAX = (1n << 64n) - 1n;

/** Go's strconv.ParseUint(s, 0, 64) as a bigint; null when invalid or above 2^64-1. */
export function parseUintBase0(s: string): bigint | null {
  const m = /^(?:0[xX]([0-9a-fA-F](?:_?[0-9a-fA-F])*)|0[oO]?([0-7](?:_?[0-7])*)|0[bB]([01](?:_?[01])*)|([1-9](?:_?[0-9])*|0))$/.exec(s);
  if (!m) return null;
  const digits = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').replace(/_/g, '');
  const prefix = m[1] !== undefined ? '0x' : m[2] !== undefined ? '0o' : m[3] !== undefined ? '0b' : '';
  const v = BigInt(prefix + digits);
  return v > U64_MAX ? null : v;
}

/**
 * The hosts of `<sysfs>/class/fc_host`, sorted by name. A missing attribute or statistics
 * file is left out, as procfs does; any other read error, or a counter that is not an
 * unsigned integer, throws ParseError naming the file (node_exporter then fails).
 *
 * @throws NotFoundError naming `<sysfs>/class/fc_host` when it does not exist.
 */
export async function fibreChannelHostsAsync(options: HardwareRootsOption = {}): Promise<FibreChannelHost[]> {
  const roots = resolveRoots(options.roots);
  const out: FibreChannelHost[] = [];
  for (const e of await sysClassAsync('class/fc_host', options)) {
    const dir = `${roots.sysfs}/class/fc_host/${e.name}`;
    const strings: Partial<Record<FcHostStringAttr, string>> = {};
    for (const f of FC_HOST_STRING_ATTRS) {
      const a = e.attrs.find((x) => x.name === f);
      if (a === undefined || a.errno === ERRNO_ENOENT) continue;
      const path = `${dir}/${f}`;
      if (a.value === null) throw new ParseError(`failed to read file ${path} (errno ${a.errno})`, { path });
      let v = a.value.trim();
      if (FC_PREFIXED.has(f) && v.length > 2) v = v.slice(2);
      strings[f] = v;
    }
    const counters: Partial<Record<FcHostCounter, number>> = {};
    let stats: SysAttr[] = [];
    try {
      stats = attrsOf(await callNativeAsync(() => nativeHardware.hwSysDirAsync(roots, `class/fc_host/${e.name}/statistics`)));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    for (const a of stats) {
      if (a.name === 'reset_statistics') continue;
      const path = `${dir}/statistics/${a.name}`;
      if (a.value === null) {
        if (a.errno === ERRNO_ENOENT || a.errno === ERRNO_EOPNOTSUPP) continue;
        throw new ParseError(`failed to read file ${path} (errno ${a.errno})`, { path });
      }
      if (!(FC_HOST_COUNTERS as readonly string[]).includes(a.name)) continue;
      const v = parseUintBase0(a.value.trim());
      if (v === null) throw new ParseError(`${path}: not an unsigned integer: ${JSON.stringify(a.value.trim())}`, { path });
      if (v !== U64_MAX) counters[a.name as FcHostCounter] = Number(v);
    }
    out.push({ name: e.name, strings, counters });
  }
  return out;
}
