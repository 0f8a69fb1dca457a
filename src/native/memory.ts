// The memory area's slice of the native addon (native/binding/memory.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** The Float64Array results are written into `out` when it is given and long enough. */
export interface NativeMemory {
  /** [total, available, percent, used, free, active, inactive, buffers, cached, shared, slab] */
  memoryVirtual(roots: Roots, out?: Float64Array): Float64Array;
  /** [total, used, free, percent, sin, sout] */
  memorySwap(roots: Roots, out?: Float64Array): Float64Array;
  /** [field names joined by '\n', their values] */
  memoryMeminfo(roots: Roots): [string, Float64Array];
  /** [field names joined by '\n', their values] */
  memoryVmstat(roots: Roots): [string, Float64Array];
  /** The four above from one read of meminfo and one of vmstat (vmstat null when missing). */
  memoryAll(
    roots: Roots,
  ): [virtual: Float64Array, swap: Float64Array, meminfo: [string, Float64Array], vmstat: [string, Float64Array] | null];
  /** sysconf(_SC_PAGESIZE) */
  memoryPageSize(): number;
}

export const nativeMemory = nativeSlice<NativeMemory>();
