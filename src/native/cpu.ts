// The cpu area's slice of the native addon (native/binding/cpu.cc).
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

/** Raw cpufreq sysfs attributes of one CPU, as native/core/cpu.h CpuFreqInfo (kHz). */
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

/** The /proc/stat counters, as native/core/cpu.h CpuStats. */
export interface NativeCpuStats {
  ctxSwitches: number;
  interrupts: number;
  softInterrupts: number;
  syscalls: number;
  forks: number;
  procsRunning: number;
  procsBlocked: number;
}

export interface NativeCpu {
  /** 10 tick counts (user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice), or 11 per CPU with the CPU number first. */
  cpuTimes(roots: Roots, perCpu: boolean): Float64Array;
  /** USER_HZ, sysconf(_SC_CLK_TCK). */
  cpuClockTicks(): number;
  cpuCount(roots: Roots, logical: boolean): number | null;
  cpuStats(roots: Roots): NativeCpuStats;
  /** [cpu, current, min, max] (MHz) per CPU. */
  cpuFreq(roots: Roots): Float64Array;
  cpuFreqInfo(roots: Roots): NativeCpuFreqInfo[];
  cpuLoadAvg(roots: Roots): [number, number, number];
  cpuBootTime(roots: Roots): number;
}

export const nativeCpu = nativeSlice<NativeCpu>();
