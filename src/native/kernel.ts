// The kernel-facts slice of the native addon (native/binding/kernel.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** adjtimex(2)'s struct timex (modes 0) as the kernel keeps it, plus its return value. */
export interface NativeTimex {
  /** TIME_OK (0) .. TIME_ERROR (5). */
  state: number;
  offset: number;
  freq: number;
  maxerror: number;
  esterror: number;
  status: number;
  constant: number;
  precision: number;
  tolerance: number;
  tick: number;
  ppsfreq: number;
  jitter: number;
  shift: number;
  stabil: number;
  jitcnt: number;
  calcnt: number;
  errcnt: number;
  stbcnt: number;
  tai: number;
}

/** SELinux modes: 1 enforcing, 0 permissive, -1 disabled. */
export interface NativeSelinux {
  enabled: boolean;
  currentMode: number;
  configMode: number;
}

/** One cpuN line of /proc/schedstat. */
export interface NativeSchedstatCpu {
  cpu: string;
  runningNs: number;
  waitingNs: number;
  timeslices: number;
}

export interface NativeThrottles {
  packages: { package: number; count: number }[];
  cores: { package: number; core: number; count: number }[];
}

/** One processor of /proc/cpuinfo ("" for fields the kernel does not print). */
export interface NativeCpuInfoEntry {
  processor: number;
  vendorId: string;
  cpuFamily: string;
  model: string;
  modelName: string;
  stepping: string;
  microcode: string;
  cacheSize: string;
  physicalId: string;
  coreId: string;
  flags: string[];
  bugs: string[];
}

export interface NativeKernel {
  kernelTimex(): NativeTimex;
  kernelHungTasks(roots: Roots): number | null;
  kernelSelinux(roots: Roots): NativeSelinux;
  kernelSchedstat(roots: Roots): NativeSchedstatCpu[] | null;
  kernelIsolatedCpus(roots: Roots): number[] | null;
  kernelThrottles(roots: Roots): NativeThrottles;
  kernelCpuInfo(roots: Roots): NativeCpuInfoEntry[];
  /** /proc/stat's softirq vectors in the kernel's order (hi .. rcu); null without the line. */
  kernelStatSoftirqs(roots: Roots): number[] | null;
}

export const nativeKernel = nativeSlice<NativeKernel>();
