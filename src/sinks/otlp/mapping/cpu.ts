/**
 * cpu collector → system.cpu.*, load average, processes created.
 *
 * Semantic conventions' cpu.mode has no `softirq`: it is folded into `interrupt`, and
 * `iowait` keeps its name. The hostmetrics receiver splits `interrupt`/`softirq` and calls
 * iowait `wait`, with the logical CPU as a string attribute `cpu="cpu0"`. `guest` and
 * `guest_nice` are already counted in `user`/`nice` by the kernel and are not separate modes.
 */
import type { CpuModeTimes } from '../../../contract/snapshot.js';
import { defineMapping, type Naming } from './types.js';

function modes(t: CpuModeTimes, naming: Naming): [string, number][] {
  if (naming === 'hostmetrics') {
    return [
      ['user', t.user],
      ['system', t.system],
      ['nice', t.nice],
      ['idle', t.idle],
      ['wait', t.iowait],
      ['interrupt', t.irq],
      ['softirq', t.softirq],
      ['steal', t.steal],
    ];
  }
  return [
    ['user', t.user],
    ['system', t.system],
    ['nice', t.nice],
    ['idle', t.idle],
    ['iowait', t.iowait],
    ['interrupt', t.irq + t.softirq],
    ['steal', t.steal],
  ];
}

const cpuNumber = (cpu: number, naming: Naming): number | string => (naming === 'hostmetrics' ? `cpu${cpu}` : cpu);

export const cpuMapping = defineMapping('cpu', [
  {
    name: 'system.cpu.time',
    instrument: 'counter',
    unit: 's',
    valueType: 'double',
    description: 'Seconds each logical CPU spent on each mode.',
    start: 'boot',
    attributes: { 'cpu.mode': 'user, system, nice, idle, iowait, interrupt = irq + softirq, steal', 'cpu.logical_number': '' },
    hostmetricsValues: '`state` values `wait` (iowait), `interrupt` and `softirq` apart; `cpu` = `"cpu0"`',
    points: (r, emit, { naming }) => {
      for (const e of r.perCpu ?? []) {
        for (const [mode, v] of modes(e.times, naming)) {
          emit(v, { 'cpu.mode': mode, 'cpu.logical_number': cpuNumber(e.cpu, naming) });
        }
      }
    },
  },
  {
    name: 'system.cpu.logical.count',
    instrument: 'updowncounter',
    unit: '{cpu}',
    valueType: 'int',
    description: 'Reports the number of logical (virtual) processor cores created by the operating system to manage multitasking.',
    attributes: {},
    points: (r, emit) => {
      if (r.logicalCount !== undefined) emit(r.logicalCount);
    },
  },
  {
    name: 'system.cpu.frequency',
    instrument: 'gauge',
    unit: 'Hz',
    valueType: 'double',
    description: 'Operating frequency of the logical CPU in Hertz.',
    attributes: { 'cpu.logical_number': '' },
    points: (r, emit, { naming }) => {
      for (const f of r.freq ?? []) {
        const hz = f.scalingCurrentHz ?? f.currentHz;
        if (hz !== undefined) emit(hz, { 'cpu.logical_number': cpuNumber(f.cpu, naming) });
      }
    },
  },
  ...(['1m', '5m', '15m'] as const).map((w) => ({
    name: `system.cpu.load_average.${w}`,
    instrument: 'gauge' as const,
    unit: '{thread}',
    valueType: 'double' as const,
    description: `Average CPU load over the last ${w === '1m' ? '1 minute' : w === '5m' ? '5 minutes' : '15 minutes'}.`,
    attributes: {},
    points: (r: { load?: { load1: number; load5: number; load15: number } }, emit: (v: number) => void) => {
      if (!r.load) return;
      emit(w === '1m' ? r.load.load1 : w === '5m' ? r.load.load5 : r.load.load15);
    },
  })),
  {
    name: 'system.process.created',
    instrument: 'counter',
    unit: '{process}',
    valueType: 'int',
    description: 'Total number of processes created over uptime of the host.',
    start: 'boot',
    hostmetrics: { name: 'system.processes.created', unit: '{processes}' },
    attributes: {},
    points: (r, emit) => {
      if (r.stat) emit(r.stat.forks);
    },
  },
]);
