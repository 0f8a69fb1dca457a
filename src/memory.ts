/**
 * The memory area: psutil's `virtual_memory()` and `swap_memory()` with psutil HEAD's
 * Linux formulas, plus every field of /proc/meminfo and /proc/vmstat for the agent's
 * node_exporter `meminfo` and `vmstat` collectors.
 *
 * Everything here is synchronous: the kernel generates these files from in-memory
 * counters, so a call takes microseconds and never blocks on I/O.
 */
import { callNative } from './errors.js';
import { nativeMemory } from './native/memory.js';
import { resolveRoots, type Roots } from './roots.js';

/** The addon writes the fixed-size results here; they are copied into objects at once. */
const scratch = new Float64Array(11);

/** Per-call override of the module-level roots (see `setRoots`). */
export interface MemoryRootsOption {
  roots?: Partial<Roots>;
}

/** System memory in bytes (psutil `svmem`); `percent` in %. */
export interface VirtualMemory {
  /** `MemTotal`. */
  total: number;
  /**
   * Memory that can be given to processes without swapping: `MemAvailable`, or, when
   * that is missing (< 3.14) or 0, the kernel's own estimate from `MemFree`, the file
   * LRU lists, `SReclaimable` and the zones' low watermarks (`<procfs>/zoneinfo`).
   * Clamped at 0; a value above `total` (LXC) is replaced by `free`.
   */
  available: number;
  /** (total − available) / total × 100, rounded to 1 decimal. */
  percent: number;
  /** total − available (psutil ≥ 6, procps `free` ≥ 4). */
  used: number;
  /** `MemFree`. */
  free: number;
  /** `Active`. */
  active: number;
  /** `Inactive` (or `Inact_dirty + Inact_clean + Inact_laundry` on 2.4 kernels). */
  inactive: number;
  /** `Buffers` (0 when missing). */
  buffers: number;
  /** `Cached + SReclaimable`, as `free` reports it. */
  cached: number;
  /** `Shmem` (else `MemShared`). */
  shared: number;
  /** `Slab`. */
  slab: number;
}

/**
 * System memory usage (psutil `virtual_memory()`), from `<procfs>/meminfo` (and
 * `<procfs>/zoneinfo` when MemAvailable is missing or 0).
 *
 * @throws ParseError naming the file when meminfo has a malformed line or no MemTotal/MemFree.
 */
export function virtualMemory(options: MemoryRootsOption = {}): VirtualMemory {
  const roots = resolveRoots(options.roots);
  return virtualOf(callNative(() => nativeMemory.memoryVirtual(roots, scratch)));
}

function virtualOf(a: Float64Array): VirtualMemory {
  return {
    total: a[0] as number,
    available: a[1] as number,
    percent: a[2] as number,
    used: a[3] as number,
    free: a[4] as number,
    active: a[5] as number,
    inactive: a[6] as number,
    buffers: a[7] as number,
    cached: a[8] as number,
    shared: a[9] as number,
    slab: a[10] as number,
  };
}

/** Swap in bytes (psutil `sswap`); `percent` in %. */
export interface SwapMemory {
  /** `SwapTotal`. */
  total: number;
  /** total − free. */
  used: number;
  /** `SwapFree`. */
  free: number;
  /** used / total × 100, rounded to 1 decimal; 0 without swap. */
  percent: number;
  /** Bytes swapped in since boot: `pswpin` of `<procfs>/vmstat` × the page size (0 when unavailable). */
  sin: number;
  /** Bytes swapped out since boot: `pswpout` × the page size. */
  sout: number;
}

/**
 * Swap usage (psutil `swap_memory()`): `SwapTotal`/`SwapFree` of `<procfs>/meminfo`
 * (falling back to sysinfo(2) when they are missing), and the swap-in/out counters of
 * `<procfs>/vmstat` multiplied by the real page size (psutil assumes 4 KiB, which is
 * wrong on 16K/64K-page arm64 and ppc64).
 *
 * @throws ParseError naming the file on a malformed meminfo or vmstat line.
 */
export function swapMemory(options: MemoryRootsOption = {}): SwapMemory {
  const roots = resolveRoots(options.roots);
  return swapOf(callNative(() => nativeMemory.memorySwap(roots, scratch)));
}

function swapOf(a: Float64Array): SwapMemory {
  return {
    total: a[0] as number,
    used: a[1] as number,
    free: a[2] as number,
    percent: a[3] as number,
    sin: a[4] as number,
    sout: a[5] as number,
  };
}

/**
 * Every `<procfs>/meminfo` field under the kernel's own name (`MemTotal`,
 * `Active(anon)`, `HugePages_Total`, ...). Fields the kernel prints in kB are returned
 * in bytes (× 1024); fields without a unit (`HugePages_*`) are counts.
 *
 * @throws ParseError naming the file on a malformed line.
 */
export function meminfo(options: MemoryRootsOption = {}): Record<string, number> {
  const roots = resolveRoots(options.roots);
  return toRecord(callNative(() => nativeMemory.memoryMeminfo(roots)));
}

/** The last field lists seen and their split names: the kernel's list rarely changes. */
const splitCache = new Map<string, string[]>();

function toRecord([joined, values]: [string, Float64Array]): Record<string, number> {
  let names = splitCache.get(joined);
  if (!names) {
    names = joined === '' ? [] : joined.split('\n');
    if (splitCache.size >= 8) splitCache.clear();
    splitCache.set(joined, names);
  }
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) out[names[i] as string] = values[i] as number;
  return out;
}

/**
 * Every `<procfs>/vmstat` counter under the kernel's own name (`pgfault`, `pswpin`,
 * `oom_kill`, ...). Values are the kernel's units (mostly pages or events).
 *
 * @throws ParseError naming the file on a malformed line.
 */
export function vmstat(options: MemoryRootsOption = {}): Record<string, number> {
  const roots = resolveRoots(options.roots);
  return toRecord(callNative(() => nativeMemory.memoryVmstat(roots)));
}

/** `virtualMemory()`, `swapMemory()`, `meminfo()` and `vmstat()` of one instant. */
export interface MemoryReadings {
  virtual: VirtualMemory;
  swap: SwapMemory;
  meminfo: Record<string, number>;
  /** null when `<procfs>/vmstat` is missing (then `swap.sin`/`sout` are 0). */
  vmstat: Record<string, number> | null;
}

/**
 * The four memory reads at once, from one read of `<procfs>/meminfo` and one of
 * `<procfs>/vmstat`, so the summaries and the raw fields agree with each other (what the
 * agent's mem collector uses: the separate calls would read meminfo three times).
 *
 * @throws ParseError naming the file on a malformed meminfo or vmstat line.
 */
export function memoryReadings(options: MemoryRootsOption = {}): MemoryReadings {
  const roots = resolveRoots(options.roots);
  const [v, sw, mi, vm] = callNative(() => nativeMemory.memoryAll(roots));
  return { virtual: virtualOf(v), swap: swapOf(sw), meminfo: toRecord(mi), vmstat: vm ? toRecord(vm) : null };
}

let pageBytes: number | undefined;

/**
 * The kernel's page size in bytes (`sysconf(_SC_PAGESIZE)`: 4096 on x86-64, 16 or 64 KiB
 * on some arm64 and ppc64 kernels): the unit of the page counts in /proc/vmstat,
 * /proc/net/sockstat's `mem` and statm.
 */
export function pageSize(): number {
  return (pageBytes ??= callNative(() => nativeMemory.memoryPageSize()));
}
