/**
 * process collector → system.process.count (all processes by state) and process.* for the
 * configured process groups.
 *
 * A group is not one process, so its metrics cannot carry the conventions' identifying
 * process resource (process.pid + process.creation.time); they go on the host resource
 * with a `process.group.name` data-point attribute (the group's templated name, the
 * `groupname` label of namedprocess_namegroup_* on /metrics). Group counters are
 * accumulated by the agent and never go backwards while the group exists, so their start
 * time is the agent's start (or the export before the group first appeared).
 * The optional top-N processes are not sent over OTLP: they would double-count the groups
 * in any sum.
 */
import type { ProcessGroupReading } from '../../../contract/snapshot.js';
import { defineMapping, type Emit, type Naming } from './types.js';

/** One-letter kernel states → process.state (semconv) / status (hostmetrics). */
const SEMCONV_STATE: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'sleeping',
  I: 'sleeping',
  P: 'sleeping',
  W: 'sleeping',
  K: 'sleeping',
  T: 'stopped',
  t: 'stopped',
  Z: 'defunct',
};
const HOSTMETRICS_STATUS: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'blocked',
  I: 'idle',
  W: 'paging',
  T: 'stopped',
  t: 'stopped',
  Z: 'zombies',
};

function groupPoints(fn: (g: ProcessGroupReading, emit: (v: number, extra?: Record<string, string>) => void, naming: Naming) => void) {
  return (r: { groups?: readonly ProcessGroupReading[] }, emit: Emit, ctx: { naming: Naming }): void => {
    for (const g of r.groups ?? []) {
      fn(g, (v, extra) => emit(v, { 'process.group.name': g.name, ...extra }), ctx.naming);
    }
  };
}

export const processMapping = defineMapping('process', [
  {
    name: 'system.process.count',
    instrument: 'updowncounter',
    unit: '{process}',
    valueType: 'int',
    description: 'Total number of processes in each state.',
    hostmetrics: { name: 'system.processes.count', unit: '{processes}' },
    attributes: { 'process.state': 'running, sleeping, stopped, defunct' },
    hostmetricsValues: '`status` values running, sleeping, blocked, idle, stopped, zombies, paging',
    points: (r, emit, { naming }) => {
      const states = r.summary?.states;
      if (!states) return;
      const table = naming === 'hostmetrics' ? HOSTMETRICS_STATUS : SEMCONV_STATE;
      const sums = new Map<string, number>();
      for (const [letter, n] of Object.entries(states)) {
        const s = table[letter] ?? (naming === 'hostmetrics' ? 'unknown' : undefined);
        if (s === undefined) continue; // X (dead) and unknown letters have no semconv state
        sums.set(s, (sums.get(s) ?? 0) + n);
      }
      for (const [s, n] of sums) emit(n, { 'process.state': s });
    },
  },
  {
    name: 'process.count',
    instrument: 'updowncounter',
    unit: '{process}',
    valueType: 'int',
    description: 'Processes in the group (hostprobe; the name the hostmetrics groupprocess scraper uses).',
    attributes: { 'process.group.name': '' },
    points: groupPoints((g, emit) => emit(g.numProcs)),
  },
  {
    name: 'process.cpu.time',
    instrument: 'counter',
    unit: 's',
    valueType: 'double',
    description: 'CPU seconds used by the group, by mode.',
    start: 'agent',
    attributes: { 'process.group.name': '', 'cpu.mode': 'user, system' },
    points: groupPoints((g, emit) => {
      emit(g.cpuUserSeconds, { 'cpu.mode': 'user' });
      emit(g.cpuSystemSeconds, { 'cpu.mode': 'system' });
    }),
  },
  {
    name: 'process.memory.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Resident memory of the group (sum of members).',
    attributes: { 'process.group.name': '' },
    points: groupPoints((g, emit) => emit(g.residentBytes)),
  },
  {
    name: 'process.memory.virtual',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Virtual memory of the group (sum of members).',
    attributes: { 'process.group.name': '' },
    points: groupPoints((g, emit) => emit(g.virtualBytes)),
  },
  {
    name: 'process.disk.io',
    instrument: 'counter',
    unit: 'By',
    valueType: 'int',
    description: 'Bytes read from and written to storage by the group (/proc/<pid>/io).',
    start: 'agent',
    attributes: { 'process.group.name': '', 'disk.io.direction': 'read, write' },
    points: groupPoints((g, emit) => {
      emit(g.readBytes, { 'disk.io.direction': 'read' });
      emit(g.writeBytes, { 'disk.io.direction': 'write' });
    }),
  },
  {
    name: 'process.thread.count',
    instrument: 'updowncounter',
    unit: '{thread}',
    valueType: 'int',
    description: 'Threads in the group.',
    hostmetrics: { name: 'process.threads', unit: '{threads}' },
    attributes: { 'process.group.name': '' },
    points: groupPoints((g, emit) => emit(g.numThreads)),
  },
  {
    name: 'process.unix.file_descriptor.count',
    instrument: 'updowncounter',
    unit: '{file_descriptor}',
    valueType: 'int',
    description: 'Open file descriptors of the group.',
    hostmetrics: { name: 'process.open_file_descriptors', unit: '{count}' },
    attributes: { 'process.group.name': '' },
    points: groupPoints((g, emit) => emit(g.openFds)),
  },
  {
    name: 'process.context_switches',
    instrument: 'counter',
    unit: '{context_switch}',
    valueType: 'int',
    description: 'Context switches of the group, by type.',
    start: 'agent',
    hostmetrics: { unit: '{count}' },
    attributes: { 'process.group.name': '', 'process.context_switch.type': 'voluntary, involuntary' },
    points: groupPoints((g, emit) => {
      emit(g.voluntaryContextSwitches, { 'process.context_switch.type': 'voluntary' });
      emit(g.nonvoluntaryContextSwitches, { 'process.context_switch.type': 'involuntary' });
    }),
  },
  {
    name: 'process.paging.faults',
    instrument: 'counter',
    unit: '{fault}',
    valueType: 'int',
    description: 'Page faults of the group, by type.',
    start: 'agent',
    hostmetrics: { unit: '{faults}' },
    attributes: { 'process.group.name': '', 'system.paging.fault.type': 'major, minor' },
    points: groupPoints((g, emit) => {
      emit(g.majorPageFaults, { 'system.paging.fault.type': 'major' });
      emit(g.minorPageFaults, { 'system.paging.fault.type': 'minor' });
    }),
  },
  {
    name: 'process.uptime',
    instrument: 'gauge',
    unit: 's',
    valueType: 'double',
    description: 'Age of the oldest process in the group at the poll.',
    attributes: { 'process.group.name': '' },
    points: (r, emit, { snapshot }) => {
      for (const g of r.groups ?? []) {
        if (g.oldestStartTimeSeconds > 0) {
          emit(Math.max(0, snapshot.timestamp / 1000 - g.oldestStartTimeSeconds), { 'process.group.name': g.name });
        }
      }
    },
  },
]);
