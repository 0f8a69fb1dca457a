// The memory area's slice of the native addon (native/binding/memory.cc).
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

export interface NativeMemory {
  /** [total, available, percent, used, free, active, inactive, buffers, cached, shared, slab] */
  memoryVirtual(roots: Roots): Float64Array;
  /** [total, used, free, percent, sin, sout] */
  memorySwap(roots: Roots): Float64Array;
  memoryMeminfo(roots: Roots): Record<string, number>;
  memoryVmstat(roots: Roots): Record<string, number>;
}

export const nativeMemory = nativeSlice<NativeMemory>();
