/**
 * hardware collector (sysfs hwmon, thermal, power_supply) → the hardware conventions'
 * hw.temperature, hw.fan.speed, hw.voltage, hw.power, hw.energy (RAPL), hw.battery.charge
 * and hw.battery.time_left. Sensors are identified by node_exporter's chip and sensor labels
 * (`hw.id` = `<chip>_<sensor>`, `hw.parent` = chip), named by their hwmon label where they
 * have one. hwmon current, power, energy, humidity, PWM and alarm files have no hw.* metric
 * whose `hw.type` could be told from sysfs (the component they measure is not named), so they
 * are on /metrics only. The hostmetrics receiver has none of these metrics.
 */
import type { HwmonChipReading, HwmonSensorReading, PowerSupplyReading } from '../../../contract/snapshot.js';
import { defineMapping, type Emit, type PointAttributes } from './types.js';

/** The sensor's current value: `<type><N>_input`, else the bare `<type><N>` file. */
function inputOf(s: HwmonSensorReading): number | undefined {
  const raw = s.props.input ?? s.props[''];
  if (raw === undefined || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return undefined;
  return Number(raw);
}

function sensorAttrs(chip: HwmonChipReading, s: HwmonSensorReading, type: string): PointAttributes {
  const a: PointAttributes = {
    'hw.id': `${chip.chip}_${s.sensor}`,
    'hw.type': type,
    'hw.name': s.props.label ?? s.sensor,
    'hw.parent': chip.chip,
  };
  if (s.props.label !== undefined) a['hw.sensor_location'] = s.props.label;
  return a;
}

function hwmonPoints(chips: readonly HwmonChipReading[] | undefined, sensorType: string, hwType: string, scale: number, emit: Emit): void {
  for (const c of chips ?? []) {
    for (const s of c.sensors) {
      if (s.type !== sensorType) continue;
      const v = inputOf(s);
      if (v !== undefined) emit(v * scale, sensorAttrs(c, s, hwType));
    }
  }
}

function isBattery(p: PowerSupplyReading): boolean {
  return p.strings.type === 'Battery';
}

function supplyAttrs(p: PowerSupplyReading): PointAttributes {
  const a: PointAttributes = { 'hw.id': p.name, 'hw.name': p.name, 'hw.type': isBattery(p) ? 'battery' : 'power_supply' };
  if (p.strings.manufacturer) a['hw.vendor'] = p.strings.manufacturer;
  if (p.strings.model_name) a['hw.model'] = p.strings.model_name;
  if (p.strings.serial_number) a['hw.serial_number'] = p.strings.serial_number;
  if (isBattery(p) && p.strings.technology) a['hw.battery.chemistry'] = p.strings.technology;
  return a;
}

export const hardwareMapping = defineMapping('hardware', [
  {
    name: 'hw.temperature',
    instrument: 'gauge',
    unit: 'Cel',
    valueType: 'double',
    description: 'Temperature in degrees Celsius: hwmon temperature sensors and thermal zones.',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.type': 'temperature',
      'hw.name': '',
      'hw.parent': '(the hwmon chip; not on thermal zones)',
      'hw.sensor_location': '(the sensor label, when the chip has one)',
    },
    points: (r, emit) => {
      hwmonPoints(r.hwmon, 'temp', 'temperature', 0.001, emit);
      for (const z of r.thermalZones ?? [])
        emit(z.celsius, { 'hw.id': `thermal_zone${z.zone}`, 'hw.type': 'temperature', 'hw.name': z.type });
    },
  },
  {
    name: 'hw.fan.speed',
    instrument: 'gauge',
    unit: 'rpm',
    valueType: 'double',
    description: 'Fan speed in revolutions per minute.',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.type': 'fan',
      'hw.name': '',
      'hw.parent': '(the hwmon chip)',
      'hw.sensor_location': '(the sensor label, when the chip has one)',
    },
    points: (r, emit) => hwmonPoints(r.hwmon, 'fan', 'fan', 1, emit),
  },
  {
    name: 'hw.voltage',
    instrument: 'gauge',
    unit: 'V',
    valueType: 'double',
    description: 'Voltage measured by the sensor.',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.type': 'voltage',
      'hw.name': '',
      'hw.parent': '(the hwmon chip)',
      'hw.sensor_location': '(the sensor label, when the chip has one)',
    },
    points: (r, emit) => hwmonPoints(r.hwmon, 'in', 'voltage', 0.001, emit),
  },
  {
    name: 'hw.power',
    instrument: 'gauge',
    unit: 'W',
    valueType: 'double',
    description: 'Instantaneous power drawn from (or given to) a battery or power supply (power_now).',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.name': '',
      'hw.type': 'battery, power_supply',
      'hw.vendor': '',
      'hw.model': '',
      'hw.serial_number': '',
      'hw.battery.chemistry': '',
    },
    points: (r, emit) => {
      for (const p of r.powerSupplies ?? []) if (p.values.power_now !== undefined) emit(p.values.power_now / 1e6, supplyAttrs(p));
    },
  },
  {
    name: 'hw.energy',
    instrument: 'counter',
    unit: 'J',
    valueType: 'double',
    description: 'Energy consumed by the component: RAPL package, core and uncore zones (hw.type cpu) and dram (hw.type memory).',
    hostmetrics: null,
    attributes: { 'hw.id': '', 'hw.name': '', 'hw.type': 'cpu, memory' },
    points: (r, emit) => {
      for (const z of r.rapl ?? []) {
        const type = z.name === 'dram' ? 'memory' : z.name === 'package' || z.name === 'core' || z.name === 'uncore' ? 'cpu' : undefined;
        if (type !== undefined)
          emit(z.joules, { 'hw.id': `rapl_${z.name}_${z.index}`, 'hw.name': `${z.name}-${z.index}`, 'hw.type': type });
      }
    },
  },
  {
    name: 'hw.battery.charge',
    instrument: 'gauge',
    unit: '1',
    valueType: 'double',
    description: 'Remaining fraction of battery charge (capacity / 100).',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.name': '',
      'hw.type': 'battery',
      'hw.vendor': '',
      'hw.model': '',
      'hw.serial_number': '',
      'hw.battery.chemistry': '',
    },
    points: (r, emit) => {
      for (const p of r.powerSupplies ?? [])
        if (isBattery(p) && p.values.capacity !== undefined) emit(p.values.capacity / 100, supplyAttrs(p));
    },
  },
  {
    name: 'hw.battery.time_left',
    instrument: 'gauge',
    unit: 's',
    valueType: 'double',
    description: 'Time left before the battery is completely discharged (time_to_empty_now) or charged (time_to_full_now).',
    hostmetrics: null,
    attributes: {
      'hw.id': '',
      'hw.name': '',
      'hw.type': 'battery',
      'hw.vendor': '',
      'hw.model': '',
      'hw.serial_number': '',
      'hw.battery.chemistry': '',
      'hw.battery.state': 'charging, discharging',
    },
    points: (r, emit) => {
      for (const p of r.powerSupplies ?? []) {
        if (!isBattery(p)) continue;
        const a = supplyAttrs(p);
        if (p.values.time_to_empty_now !== undefined) emit(p.values.time_to_empty_now, { ...a, 'hw.battery.state': 'discharging' });
        if (p.values.time_to_full_now !== undefined) emit(p.values.time_to_full_now, { ...a, 'hw.battery.state': 'charging' });
      }
    },
  },
]);
