/**
 * hardware → node_hwmon_*, node_thermal_zone_temp, node_cooling_device_*, node_power_supply_*,
 * named, scaled and labelled as node_exporter 1.12's hwmon, thermal_zone and
 * powersupplyclass collectors do. hwmon family names come from the sensor files, so most are
 * built here (catalog.ts hwmonDef); samples of each family are sorted by label values, as
 * client_golang gathers them.
 */
import type { HardwareReading, HwmonChipReading, HwmonSensorReading, PowerSupplyReading } from '../../contract/snapshot.js';
import { CATALOG as C, hwmonDef, powerSupplyDef, raplZoneDef } from './catalog.js';
import type { Exposition, PromFamily } from './exposition.js';

/** Go's strconv.ParseFloat(s, 64) for the forms sysfs files hold; null when it fails. */
export function goParseFloat(s: string): number | null {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const m = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (m) return (m[2] as string).toLowerCase() === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  return null;
}

function clean(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '');
}

interface Sample {
  def: PromFamily;
  value: number;
  labels: Record<string, string>;
  key: string;
}

function sample(def: PromFamily, value: number, labels: Record<string, string>): Sample {
  const key = Object.keys(labels)
    .sort()
    .map((k) => labels[k])
    .join('\u0000');
  return { def, value, labels, key };
}

function hwmonSensorSamples(chip: string, s: HwmonSensorReading, out: Sample[]): void {
  const labels = { chip, sensor: s.sensor };
  const p = s.props;
  const label = p.label;
  if (label !== undefined) out.push(sample(C.hwmonSensorLabel, 1, { chip, sensor: s.sensor, label }));
  if (s.type === 'beep_enable') {
    out.push(sample(C.hwmonBeepEnabled, p[''] === '1' ? 1 : 0, labels));
    return;
  }
  if (s.type === 'vrm' || s.type === 'update_interval') {
    const v = goParseFloat(p[''] ?? '');
    if (v === null) return;
    if (s.type === 'vrm') out.push(sample(C.hwmonVoltageRegulatorVersion, v, labels));
    else out.push(sample(C.hwmonUpdateInterval, v * 0.001, labels));
    return;
  }
  const t = s.type;
  const prefix = `node_hwmon_${t}`;
  for (const element of Object.keys(p)) {
    if (element === 'label') continue;
    let name = prefix;
    if (element === 'input') {
      if (p[''] !== undefined) name += '_input';
    } else if (element !== '') name += `_${clean(element)}`;
    const v = goParseFloat(p[element] as string);
    if (v === null) continue;
    const g = (n: string, help: string, value: number): void => void out.push(sample(hwmonDef(n, 'gauge', help), value, labels));
    if (element === 'fault' || element === 'alarm') g(name, `Hardware sensor ${element} status (${t})`, v);
    else if (element === 'beep') g(`${name}_enabled`, 'Hardware monitor sensor has beeping enabled', v);
    else if (t === 'in' || t === 'cpu') g(`${name}_volts`, `Hardware monitor for voltage (${element})`, v * 0.001);
    else if (t === 'temp' && element !== 'type')
      g(`${name}_celsius`, `Hardware monitor for temperature (${element === '' ? 'input' : element})`, v * 0.001);
    else if (t === 'curr') g(`${name}_amps`, `Hardware monitor for current (${element})`, v * 0.001);
    else if (t === 'energy')
      out.push(
        sample(hwmonDef(`${name}_joule_total`, 'counter', `Hardware monitor for joules used so far (${element})`), v / 1000000, labels),
      );
    else if (t === 'power' && element === 'accuracy') g(name, 'Hardware monitor power meter accuracy, as a ratio', v / 1000000);
    else if (t === 'power' && (element === 'average_interval' || element === 'average_interval_min' || element === 'average_interval_max'))
      g(`${name}_seconds`, `Hardware monitor power usage update interval (${element})`, v * 0.001);
    else if (t === 'power') g(`${name}_watt`, `Hardware monitor for power usage in watts (${element})`, v / 1000000);
    else if (t === 'humidity')
      g(
        name,
        `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${element})`,
        v / 1000000,
      );
    else if (t === 'fan' && (element === 'input' || element === 'min' || element === 'max' || element === 'target'))
      g(`${name}_rpm`, `Hardware monitor for fan revolutions per minute (${element})`, v);
    else if (t === 'freq' && element === 'input') {
      if (label !== undefined)
        out.push(
          sample(hwmonDef(`${name}_freq_mhz`, 'gauge', 'Hardware monitor for GPU frequency in MHz'), v / 1000000, {
            chip,
            sensor: clean(label),
          }),
        );
    } else g(name, `Hardware monitor ${t} element ${element}`, v);
  }
}

function hwmonSamples(chips: readonly HwmonChipReading[], out: Sample[]): void {
  for (const c of chips) {
    if (c.chipName !== undefined) out.push(sample(C.hwmonChipNames, 1, { chip: c.chip, chip_name: c.chipName }));
    for (const s of c.sensors) hwmonSensorSamples(c.chip, s, out);
  }
}

/** node_exporter's powersupplyclass metric names, by the sysfs attribute, and their scale. */
const POWER_SUPPLY_METRICS: readonly (readonly [attr: string, name: string, scale: number])[] = [
  ['authentic', 'authentic', 1],
  ['calibrate', 'calibrate', 1],
  ['capacity', 'capacity', 1],
  ['capacity_alert_max', 'capacity_alert_max', 1],
  ['capacity_alert_min', 'capacity_alert_min', 1],
  ['cycle_count', 'cyclecount', 1],
  ['online', 'online', 1],
  ['present', 'present', 1],
  ['time_to_empty_now', 'time_to_empty_seconds', 1],
  ['time_to_full_now', 'time_to_full_seconds', 1],
  ['current_boot', 'current_boot', 1e6],
  ['current_max', 'current_max', 1e6],
  ['current_now', 'current_ampere', 1e6],
  ['energy_empty', 'energy_empty', 1e6],
  ['energy_empty_design', 'energy_empty_design', 1e6],
  ['energy_full', 'energy_full', 1e6],
  ['energy_full_design', 'energy_full_design', 1e6],
  ['energy_now', 'energy_watthour', 1e6],
  ['voltage_boot', 'voltage_boot', 1e6],
  ['voltage_max', 'voltage_max', 1e6],
  ['voltage_max_design', 'voltage_max_design', 1e6],
  ['voltage_min', 'voltage_min', 1e6],
  ['voltage_min_design', 'voltage_min_design', 1e6],
  ['voltage_now', 'voltage_volt', 1e6],
  ['voltage_ocv', 'voltage_ocv', 1e6],
  ['charge_control_limit', 'charge_control_limit', 1e6],
  ['charge_control_limit_max', 'charge_control_limit_max', 1e6],
  ['charge_counter', 'charge_counter', 1e6],
  ['charge_empty', 'charge_empty', 1e6],
  ['charge_empty_design', 'charge_empty_design', 1e6],
  ['charge_full', 'charge_full', 1e6],
  ['charge_full_design', 'charge_full_design', 1e6],
  ['charge_now', 'charge_ampere', 1e6],
  ['charge_term_current', 'charge_term_current', 1e6],
  ['constant_charge_current', 'constant_charge_current', 1e6],
  ['constant_charge_current_max', 'constant_charge_current_max', 1e6],
  ['constant_charge_voltage', 'constant_charge_voltage', 1e6],
  ['constant_charge_voltage_max', 'constant_charge_voltage_max', 1e6],
  ['precharge_current', 'precharge_current', 1e6],
  ['input_current_limit', 'input_current_limit', 1e6],
  ['power_now', 'power_watt', 1e6],
  ['temp', 'temp_celsius', 10],
  ['temp_alert_max', 'temp_alert_max_celsius', 10],
  ['temp_alert_min', 'temp_alert_min_celsius', 10],
  ['temp_ambient', 'temp_ambient_celsius', 10],
  ['temp_ambient_max', 'temp_ambient_max_celsius', 10],
  ['temp_ambient_min', 'temp_ambient_min_celsius', 10],
  ['temp_max', 'temp_max_celsius', 10],
  ['temp_min', 'temp_min_celsius', 10],
];

/** The string attributes that become node_power_supply_info labels (when not empty). */
const POWER_SUPPLY_INFO_LABELS = [
  'capacity_level',
  'charge_type',
  'health',
  'manufacturer',
  'model_name',
  'serial_number',
  'status',
  'technology',
  'type',
  'usb_type',
  'scope',
];

/** The node_power_supply_<name> metric names, for docs and tests. */
export const POWER_SUPPLY_METRIC_NAMES: readonly string[] = POWER_SUPPLY_METRICS.map(([, n]) => `node_power_supply_${n}`);

function powerSupplySamples(supplies: readonly PowerSupplyReading[], out: Sample[]): void {
  for (const ps of supplies) {
    for (const [attr, name, scale] of POWER_SUPPLY_METRICS) {
      const v = ps.values[attr];
      if (v !== undefined) out.push(sample(powerSupplyDef(name), scale === 1 ? v : v / scale, { power_supply: ps.name }));
    }
    const info: Record<string, string> = { power_supply: ps.name };
    for (const k of POWER_SUPPLY_INFO_LABELS) {
      const v = ps.strings[k];
      if (v !== undefined && v !== '') info[k] = v;
    }
    out.push(sample(C.powerSupplyInfo, 1, info));
  }
}

/** Whether node_rapl_joules_total{rapl_zone} replaces the per-zone families (--collector.rapl.enable-zone-label). */
export interface HardwareRenderOptions {
  readonly raplZoneLabel?: boolean;
}

export function renderHardware(r: HardwareReading, x: Exposition, o: HardwareRenderOptions = {}): void {
  const out: Sample[] = [];
  if (r.hwmon) hwmonSamples(r.hwmon, out);
  for (const z of r.thermalZones ?? []) out.push(sample(C.thermalZoneTemp, z.celsius, { zone: z.zone, type: z.type }));
  for (const d of r.coolingDevices ?? []) {
    out.push(sample(C.coolingDeviceCurState, d.curState, { name: d.name, type: d.type }));
    out.push(sample(C.coolingDeviceMaxState, d.maxState, { name: d.name, type: d.type }));
  }
  if (r.powerSupplies) powerSupplySamples(r.powerSupplies, out);
  for (const z of r.rapl ?? []) {
    const labels = { index: String(z.index), path: z.path };
    out.push(
      o.raplZoneLabel === true
        ? sample(C.raplJoules, z.joules, { ...labels, rapl_zone: z.name })
        : sample(raplZoneDef(z.name), z.joules, labels),
    );
  }
  if (r.dmi) out.push(sample(C.dmiInfo, 1, { ...r.dmi }));
  for (const c of r.edac ?? []) {
    const controller = c.controller;
    out.push(sample(C.edacCorrectable, c.correctable, { controller }));
    out.push(sample(C.edacUncorrectable, c.uncorrectable, { controller }));
    out.push(sample(C.edacCsrowCorrectable, c.correctableNoInfo, { controller, csrow: 'unknown' }));
    out.push(sample(C.edacCsrowUncorrectable, c.uncorrectableNoInfo, { controller, csrow: 'unknown' }));
    for (const row of c.csrows) {
      out.push(sample(C.edacCsrowCorrectable, row.correctable, { controller, csrow: row.csrow }));
      out.push(sample(C.edacCsrowUncorrectable, row.uncorrectable, { controller, csrow: row.csrow }));
      for (const ch of row.channels) {
        const l = { controller, csrow: row.csrow, channel: ch.channel, dimm_label: ch.dimmLabel };
        out.push(sample(C.edacChannelCorrectable, ch.correctable, l));
        if (ch.uncorrectable !== undefined) out.push(sample(C.edacChannelUncorrectable, ch.uncorrectable, l));
      }
    }
  }
  for (const w of r.watchdogs ?? []) {
    const l = { name: w.name };
    const num: [PromFamily, number | undefined][] = [
      [C.watchdogBootstatus, w.bootstatus],
      [C.watchdogFwVersion, w.fwVersion],
      [C.watchdogNowayout, w.nowayout],
      [C.watchdogTimeleft, w.timeleft],
      [C.watchdogTimeout, w.timeout],
      [C.watchdogPretimeout, w.pretimeout],
      [C.watchdogAccessCs0, w.accessCs0],
    ];
    for (const [def, v] of num) if (v !== undefined) out.push(sample(def, v, l));
    out.push(
      sample(C.watchdogInfo, 1, {
        name: w.name,
        options: w.options ?? '',
        identity: w.identity ?? '',
        state: w.state ?? '',
        status: w.status ?? '',
        pretimeout_governor: w.pretimeoutGovernor ?? '',
      }),
    );
  }
  const fcCounters: readonly (readonly [string, PromFamily])[] = [
    ['dumped_frames', C.fcDumpedFrames],
    ['error_frames', C.fcErrorFrames],
    ['invalid_crc_count', C.fcInvalidCrcCount],
    ['rx_frames', C.fcRxFrames],
    ['rx_words', C.fcRxWords],
    ['tx_frames', C.fcTxFrames],
    ['tx_words', C.fcTxWords],
    ['seconds_since_last_reset', C.fcSecondsSinceLastReset],
    ['invalid_tx_word_count', C.fcInvalidTxWordCount],
    ['link_failure_count', C.fcLinkFailureCount],
    ['loss_of_sync_count', C.fcLossOfSyncCount],
    ['loss_of_signal_count', C.fcLossOfSignalCount],
    ['nos_count', C.fcNosCount],
    ['fcp_packet_aborts', C.fcFcpPacketAborts],
  ];
  for (const h of r.fibreChannel ?? []) {
    const s = h.strings;
    out.push(
      sample(C.fcInfo, 1, {
        fc_host: h.name,
        speed: s.speed ?? '',
        port_state: s.port_state ?? '',
        port_type: s.port_type ?? '',
        port_id: s.port_id ?? '',
        port_name: s.port_name ?? '',
        fabric_name: s.fabric_name ?? '',
        symbolic_name: s.symbolic_name ?? '',
        supported_classes: s.supported_classes ?? '',
        supported_speeds: s.supported_speeds ?? '',
        dev_loss_tmo: s.dev_loss_tmo ?? '',
      }),
    );
    for (const [file, def] of fcCounters) {
      const v = h.counters[file];
      if (v !== undefined) out.push(sample(def, v, { fc_host: h.name }));
    }
  }
  out.sort((a, b) => (a.def.name < b.def.name ? -1 : a.def.name > b.def.name ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of out) x.add(s.def, s.value, s.labels);
}
