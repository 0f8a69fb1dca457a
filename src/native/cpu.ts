// The cpu area's slice of the native addon (native/binding/cpu.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** As native/core/cpu.h CpuStats: the /proc/stat counters. */
export interface NativeCpuStats {
  ctxSwitches: number;
  interrupts: number;
  softInterrupts: number;
  syscalls: number;
  forks: number;
  procsRunning: number;
  procsBlocked: number;
}

/** As native/core/cpu.h CpuFreqInfo: one CPU's raw cpufreq sysfs attributes (kHz), null when absent. */
export interface NativeCpuFreqInfo {
  cpu: number;
  cpuinfoCurKHz: number | null;
  cpuinfoMinKHz: number | null;
  cpuinfoMaxKHz: number | null;
  cpuinfoAvgKHz: number | null;
  scalingCurKHz: number | null;
  scalingMinKHz: number | null;
  scalingMaxKHz: number | null;
  governor: string | null;
  driver: string | null;
  availableGovernors: string[];
}

export interface NativeCpu {
  /** 10 tick counts (written into `out` when given and not per CPU) (user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice), or 11 per CPU with the CPU number first. */
  cpuTimes(roots: Roots, perCpu: boolean, out?: Float64Array): Float64Array;
  /** USER_HZ, sysconf(_SC_CLK_TCK). */
  cpuClockTicks(): number;
  cpuCount(roots: Roots, logical: boolean): number | null;
  /** The /proc/stat counters, as native/core/cpu.h CpuStats. */
  cpuStats(roots: Roots): NativeCpuStats;
  /** [cpu, current, min, max] (MHz) per CPU. */
  cpuFreq(roots: Roots): Float64Array;
  /** Raw cpufreq sysfs attributes per CPU, as native/core/cpu.h CpuFreqInfo (kHz). */
  cpuFreqInfo(roots: Roots): NativeCpuFreqInfo[];
  /** [load1, load5, load15] of `<procfs>/loadavg` (sysinfo(2) for /proc), written into `out` when given. */
  cpuLoadAvg(roots: Roots, out?: Float64Array): Float64Array;
  /** Binds the Float64Array(3) that cpuLoadAvgOwn fills (per thread); returns the binding's generation. */
  cpuLoadAvgBind(out: Float64Array): number;
  /** Writes the reader's own [load1, load5, load15] (sysinfo(2)) into the bound array; returns its generation, 0 when none is bound. */
  cpuLoadAvgOwn(): number;
  cpuBootTime(roots: Roots): number;
}

export const nativeCpu = nativeSlice<NativeCpu>();
