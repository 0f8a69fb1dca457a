/**
 * mem collector → system.memory.*, system.paging.*.
 *
 * Semantic conventions: `system.memory.state` is used/free/buffers/cached with
 * used = MemTotal − MemAvailable; slab, available and shared are separate
 * `system.memory.linux.*` metrics. The hostmetrics receiver instead reports
 * used/free/buffered/cached/slab_reclaimable/slab_unreclaimable as states of one metric,
 * with gopsutil's used = total − free − buffers − cached (psutil 5.x's; total − free when
 * that is negative). `cached` includes SReclaimable in both, as in psutil and procps free.
 * The figures come from the snapshot's meminfo fields (what `/metrics` serves), so both
 * sinks agree to the byte.
 */
import type { MemReading } from '../../../contract/snapshot.js';
import { defineMapping } from './types.js';

/** The memory figures the mapping needs, in bytes. */
interface MemFacts {
  total: number;
  available: number;
  free: number;
  buffers: number;
  /** Cached + SReclaimable (psutil's and procps free's `cached`). */
  cached: number;
  shared: number;
  slabReclaimable?: number;
  slabUnreclaimable?: number;
}

/**
 * Memory figures from the /proc/meminfo fields of the snapshot (the very values `/metrics`
 * serves as node_memory_*), falling back to the psutil-style summary when the meminfo
 * part is off or a field is missing (old kernels without MemAvailable).
 */
function memFacts(r: MemReading): MemFacts | undefined {
  const f = new Map<string, number>();
  for (const m of r.meminfo ?? []) f.set(m.name, m.value);
  const v = r.virtual;
  const pick = (field: string, fallback: number | undefined): number | undefined => f.get(field) ?? fallback;
  const total = pick('MemTotal', v?.total);
  const free = pick('MemFree', v?.free);
  if (total === undefined || free === undefined) return undefined;
  const sRecl = f.get('SReclaimable') ?? v?.slabReclaimable;
  const sUnrecl = f.get('SUnreclaim') ?? v?.slabUnreclaimable;
  const cachedRaw = f.get('Cached');
  const out: MemFacts = {
    total,
    free,
    available: f.get('MemAvailable') ?? v?.available ?? free,
    buffers: pick('Buffers', v?.buffers) ?? 0,
    cached: cachedRaw !== undefined ? cachedRaw + (sRecl ?? 0) : (v?.cached ?? 0),
    shared: pick('Shmem', v?.shared) ?? 0,
  };
  if (sRecl !== undefined) out.slabReclaimable = sRecl;
  if (sUnrecl !== undefined) out.slabUnreclaimable = sUnrecl;
  return out;
}

/** Swap total and free, from meminfo (as `/metrics`) or the swap summary. */
function swapFacts(r: MemReading): { total: number; free: number } | undefined {
  let total: number | undefined;
  let free: number | undefined;
  for (const m of r.meminfo ?? []) {
    if (m.name === 'SwapTotal') total = m.value;
    else if (m.name === 'SwapFree') free = m.value;
  }
  if (total !== undefined && free !== undefined) return { total, free };
  return r.swap ? { total: r.swap.total, free: r.swap.free } : undefined;
}

export const memMapping = defineMapping('mem', [
  {
    name: 'system.memory.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Reports memory in use by state.',
    attributes: { 'system.memory.state': 'used = total − available, free, buffers, cached' },
    hostmetricsValues:
      '`state` values used = total − free − buffers − cached, free, buffered, cached, slab_reclaimable, slab_unreclaimable',
    points: (r, emit, { naming }) => {
      const m = memFacts(r);
      if (!m) return;
      if (naming === 'hostmetrics') {
        const used = m.total - m.free - m.buffers - m.cached;
        emit(used >= 0 ? used : m.total - m.free, { 'system.memory.state': 'used' });
        emit(m.free, { 'system.memory.state': 'free' });
        emit(m.buffers, { 'system.memory.state': 'buffered' });
        emit(m.cached, { 'system.memory.state': 'cached' });
        if (m.slabReclaimable !== undefined) emit(m.slabReclaimable, { 'system.memory.state': 'slab_reclaimable' });
        if (m.slabUnreclaimable !== undefined) emit(m.slabUnreclaimable, { 'system.memory.state': 'slab_unreclaimable' });
        return;
      }
      emit(Math.max(0, m.total - m.available), { 'system.memory.state': 'used' });
      emit(m.free, { 'system.memory.state': 'free' });
      emit(m.buffers, { 'system.memory.state': 'buffers' });
      emit(m.cached, { 'system.memory.state': 'cached' });
    },
  },
  {
    name: 'system.memory.limit',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Total virtual memory available in the system.',
    attributes: {},
    points: (r, emit) => {
      const m = memFacts(r);
      if (m) emit(m.total);
    },
  },
  {
    name: 'system.memory.linux.available',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'An estimate of how much memory is available for starting new applications, without causing swapping (MemAvailable).',
    hostmetrics: { name: 'system.linux.memory.available' },
    attributes: {},
    points: (r, emit) => {
      const m = memFacts(r);
      if (m) emit(m.available);
    },
  },
  {
    name: 'system.memory.linux.shared',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Shared memory used, mostly by tmpfs (Shmem).',
    hostmetrics: null,
    attributes: {},
    points: (r, emit) => {
      const m = memFacts(r);
      if (m) emit(m.shared);
    },
  },
  {
    name: 'system.memory.linux.slab.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Reports the memory used by the Linux kernel for managing caches of frequently used objects.',
    hostmetrics: null,
    attributes: { 'system.memory.linux.slab.state': 'reclaimable, unreclaimable' },
    points: (r, emit) => {
      const m = memFacts(r);
      if (!m) return;
      if (m.slabReclaimable !== undefined) emit(m.slabReclaimable, { 'system.memory.linux.slab.state': 'reclaimable' });
      if (m.slabUnreclaimable !== undefined) emit(m.slabUnreclaimable, { 'system.memory.linux.slab.state': 'unreclaimable' });
    },
  },
  {
    name: 'system.paging.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Unix swap or windows pagefile usage (all swap devices together).',
    attributes: { 'system.paging.state': 'used, free' },
    points: (r, emit) => {
      const s = swapFacts(r);
      if (!s) return;
      emit(Math.max(0, s.total - s.free), { 'system.paging.state': 'used' });
      emit(s.free, { 'system.paging.state': 'free' });
    },
  },
  {
    name: 'system.paging.faults',
    instrument: 'counter',
    unit: '{fault}',
    valueType: 'int',
    description: 'Page faults by type (/proc/vmstat pgmajfault, and pgfault − pgmajfault for minor).',
    start: 'boot',
    hostmetrics: { unit: '{faults}' },
    attributes: { 'system.paging.fault.type': 'major, minor' },
    points: (r, emit) => {
      const vm = r.vmstat;
      if (!vm || vm.pgfault === undefined || vm.pgmajfault === undefined) return;
      emit(vm.pgmajfault, { 'system.paging.fault.type': 'major' });
      emit(Math.max(0, vm.pgfault - vm.pgmajfault), { 'system.paging.fault.type': 'minor' });
    },
  },
  {
    name: 'system.paging.operations',
    instrument: 'counter',
    unit: '{operation}',
    valueType: 'int',
    description:
      'Paging operations: swap-ins/outs as type major (pswpin/pswpout), page-ins/outs as type minor (pgpgin/pgpgout), as the hostmetrics receiver counts them.',
    start: 'boot',
    hostmetrics: { unit: '{operations}' },
    attributes: { 'system.paging.direction': 'in, out', 'system.paging.fault.type': 'major = swap, minor = page' },
    hostmetricsValues: '`direction` values page_in, page_out',
    points: (r, emit, { naming }) => {
      const vm = r.vmstat;
      if (!vm) return;
      const dir = (d: 'in' | 'out'): string => (naming === 'hostmetrics' ? `page_${d}` : d);
      const pairs: [number | undefined, 'in' | 'out', 'major' | 'minor'][] = [
        [vm.pswpin, 'in', 'major'],
        [vm.pswpout, 'out', 'major'],
        [vm.pgpgin, 'in', 'minor'],
        [vm.pgpgout, 'out', 'minor'],
      ];
      for (const [v, d, type] of pairs) {
        if (v !== undefined) emit(v, { 'system.paging.direction': dir(d), 'system.paging.fault.type': type });
      }
    },
  },
]);
