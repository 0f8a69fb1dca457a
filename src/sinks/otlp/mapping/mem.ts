/**
 * mem collector → system.memory.*, system.paging.*.
 *
 * Semantic conventions: `system.memory.state` is used/free/buffers/cached with
 * used = MemTotal − MemAvailable; slab, available and shared are separate
 * `system.memory.linux.*` metrics. The hostmetrics receiver instead reports
 * used/free/buffered/cached/slab_reclaimable/slab_unreclaimable as states of one metric,
 * with gopsutil's used = total − free − buffers − cached (the same as psutil's, which is
 * what the snapshot's `virtual.used` holds). `cached` includes SReclaimable in both, as in
 * psutil.
 */
import { defineMapping } from './types.js';

export const memMapping = defineMapping('mem', [
  {
    name: 'system.memory.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Reports memory in use by state.',
    points: (r, emit, { naming }) => {
      const v = r.virtual;
      if (!v) return;
      if (naming === 'hostmetrics') {
        emit(v.used, { 'system.memory.state': 'used' });
        emit(v.free, { 'system.memory.state': 'free' });
        emit(v.buffers, { 'system.memory.state': 'buffered' });
        emit(v.cached, { 'system.memory.state': 'cached' });
        if (v.slabReclaimable !== undefined) emit(v.slabReclaimable, { 'system.memory.state': 'slab_reclaimable' });
        if (v.slabUnreclaimable !== undefined) emit(v.slabUnreclaimable, { 'system.memory.state': 'slab_unreclaimable' });
        return;
      }
      emit(Math.max(0, v.total - v.available), { 'system.memory.state': 'used' });
      emit(v.free, { 'system.memory.state': 'free' });
      emit(v.buffers, { 'system.memory.state': 'buffers' });
      emit(v.cached, { 'system.memory.state': 'cached' });
    },
  },
  {
    name: 'system.memory.limit',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Total virtual memory available in the system.',
    points: (r, emit) => {
      if (r.virtual) emit(r.virtual.total);
    },
  },
  {
    name: 'system.memory.linux.available',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'An estimate of how much memory is available for starting new applications, without causing swapping (MemAvailable).',
    hostmetrics: { name: 'system.linux.memory.available' },
    points: (r, emit) => {
      if (r.virtual) emit(r.virtual.available);
    },
  },
  {
    name: 'system.memory.linux.shared',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Shared memory used, mostly by tmpfs (Shmem).',
    hostmetrics: null,
    points: (r, emit) => {
      if (r.virtual) emit(r.virtual.shared);
    },
  },
  {
    name: 'system.memory.linux.slab.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Reports the memory used by the Linux kernel for managing caches of frequently used objects.',
    hostmetrics: null,
    points: (r, emit) => {
      const v = r.virtual;
      if (!v) return;
      if (v.slabReclaimable !== undefined) emit(v.slabReclaimable, { 'system.memory.linux.slab.state': 'reclaimable' });
      if (v.slabUnreclaimable !== undefined) emit(v.slabUnreclaimable, { 'system.memory.linux.slab.state': 'unreclaimable' });
    },
  },
  {
    name: 'system.paging.usage',
    instrument: 'updowncounter',
    unit: 'By',
    valueType: 'int',
    description: 'Unix swap or windows pagefile usage (all swap devices together).',
    points: (r, emit) => {
      const s = r.swap;
      if (!s) return;
      emit(s.used, { 'system.paging.state': 'used' });
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
