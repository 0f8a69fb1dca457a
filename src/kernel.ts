/**
 * Kernel facts node_exporter reports through small collectors: the NTP clock discipline
 * (adjtimex(2), `timex`), the hung task count (`kernel_hung`), SELinux modes (`selinux`),
 * per-CPU scheduler statistics (`schedstat`), isolated CPUs and thermal throttle counts
 * (`cpu`). All synchronous: one syscall or a few small files each.
 */
import { callNative } from './errors.js';
import {
  nativeKernel,
  type NativeCpuInfoEntry,
  type NativeSchedstatCpu,
  type NativeSelinux,
  type NativeThrottles,
  type NativeTimex,
} from './native/kernel.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface KernelRootsOption {
  roots?: Partial<Roots>;
}

/**
 * adjtimex(2)'s `struct timex`, read with modes 0 (nothing is changed), in the kernel's
 * units: `offset` and `jitter` in nanoseconds when `status` has STA_NANO (0x2000), else
 * microseconds; `freq`, `ppsfreq` and `stabil` in ppm with a 16-bit fraction; `maxerror`,
 * `esterror` and `tick` in microseconds. `state` is the call's return value (5 =
 * TIME_ERROR, the clock is not synchronised).
 */
export type Timex = NativeTimex;

/**
 * The kernel clock's discipline state (adjtimex(2) with modes 0). It is the host clock
 * whatever the roots.
 *
 * @throws AccessDeniedError when a seccomp profile forbids the call.
 */
export function timex(): Timex {
  return callNative(() => nativeKernel.kernelTimex());
}

/** STA_NANO: offset and jitter are in nanoseconds. */
export const STA_NANO = 0x2000;
/** adjtimex's TIME_ERROR return: the clock is not synchronised. */
export const TIME_ERROR = 5;

/**
 * The hung tasks detected since boot, `<procfs>/sys/kernel/hung_task_detect_count`
 * (Linux 6.11+ with CONFIG_DETECT_HUNG_TASK); null when absent.
 */
export function kernelHungTasks(options: KernelRootsOption = {}): number | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelHungTasks(roots));
}

/**
 * SELinux state: `enabled` when selinuxfs is at `<sysfs>/fs/selinux` (and the process is
 * not labelled `kernel`); `currentMode` from its `enforce`, `configMode` from `SELINUX=` of
 * `<rootfs>/etc/selinux/config`: 1 enforcing, 0 permissive, -1 disabled.
 */
export type Selinux = NativeSelinux;

export function selinux(options: KernelRootsOption = {}): Selinux {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelSelinux(roots));
}

/** One `cpuN` line of /proc/schedstat: ns running, ns waiting on the run queue, timeslices. */
export type SchedstatCpu = NativeSchedstatCpu;

/**
 * Per-CPU scheduler statistics from `<procfs>/schedstat`; null when the kernel has none
 * (CONFIG_SCHEDSTATS off).
 *
 * @throws ParseError naming the file on a short or malformed cpu line.
 */
export function schedstat(options: KernelRootsOption = {}): SchedstatCpu[] | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelSchedstat(roots));
}

/** The isolated CPUs (`isolcpus=`), `<sysfs>/devices/system/cpu/isolated`; null when absent. */
export function isolatedCpus(options: KernelRootsOption = {}): number[] | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelIsolatedCpus(roots));
}

/** Thermal throttle counts, per package and per (package, core). */
export type CpuThrottles = NativeThrottles;

/**
 * `thermal_throttle/{package,core}_throttle_count` of `<sysfs>/devices/system/cpu/cpuN`,
 * read once per package and per core as node_exporter does; CPUs without topology or the
 * counters are skipped (both lists empty on most VMs).
 */
export function cpuThrottles(options: KernelRootsOption = {}): CpuThrottles {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelThrottles(roots));
}

/** One processor of /proc/cpuinfo: the fields of node_exporter's `node_cpu_info`. */
export type CpuInfoEntry = NativeCpuInfoEntry;

/**
 * The processors of `<procfs>/cpuinfo` as node_exporter's procfs reads them on x86
 * (`vendor_id`, `cpu family`, `model`, `model name`, `stepping`, `microcode`, `cache size`,
 * `physical id`, `core id`, `flags`, `bugs`); fields the kernel does not print are `''`.
 *
 * @throws ParseError when the file does not start with a `processor : N` line.
 */
export function cpuInfoEntries(options: KernelRootsOption = {}): CpuInfoEntry[] {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeKernel.kernelCpuInfo(roots));
}

/** The softirq vectors of /proc/stat's `softirq` line, in the kernel's order. */
export const SOFTIRQ_VECTORS = ['hi', 'timer', 'net_tx', 'net_rx', 'block', 'block_iopoll', 'tasklet', 'sched', 'hrtimer', 'rcu'] as const;

/**
 * Softirqs serviced since boot per vector, from the `softirq` line of `<procfs>/stat`
 * (node_exporter's `--collector.stat.softirq`); null on kernels without the line.
 *
 * @throws ParseError naming the file when the line has fewer than ten vectors.
 */
export function softirqVectors(options: KernelRootsOption = {}): Record<(typeof SOFTIRQ_VECTORS)[number], number> | null {
  const roots = resolveRoots(options.roots);
  const v = callNative(() => nativeKernel.kernelStatSoftirqs(roots));
  if (!v) return null;
  const out = {} as Record<(typeof SOFTIRQ_VECTORS)[number], number>;
  SOFTIRQ_VECTORS.forEach((name, i) => {
    out[name] = v[i] ?? 0;
  });
  return out;
}
