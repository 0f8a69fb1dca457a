/**
 * The small kernel parts of the host collector (timex, kernel_hung, selinux) and of the cpu
 * collector (schedstat, isolated CPUs, thermal throttles): node_exporter's conversions from
 * the kernel's units, kept apart from the collectors that schedule them.
 */
import type { OptionalInput } from '../contract/collector.js';
import type { CpuInfoReading, CpuThrottlesReading, SchedstatEntry, TimexReading } from '../contract/snapshot.js';
import { compileRegex } from '../config/spec.js';
import {
  cpuInfoEntries,
  cpuThrottles,
  isolatedCpus,
  softirqVectors,
  schedstat,
  STA_NANO,
  TIME_ERROR,
  type KernelRootsOption,
  type SchedstatCpu,
  type Timex,
} from '../kernel.js';

const NANO = 1e9;
const MICRO = 1e6;
/** ppm with a 16-bit fraction (freq, ppsfreq, stabil) → a ratio. */
const PPM16 = 1e6 * 65536;

/**
 * adjtimex(2)'s struct timex in node_exporter's units (timex.go): offset and PPS jitter in
 * seconds from ns when STA_NANO is set, else from us; maxerror, esterror and tick from us;
 * freq as 1 + ppm/1e6; sync_status 0 when the call returned TIME_ERROR.
 */
export function timexReading(t: Timex): TimexReading {
  const divisor = (t.status & STA_NANO) !== 0 ? NANO : MICRO;
  return {
    syncStatus: t.state === TIME_ERROR ? 0 : 1,
    offsetSeconds: t.offset / divisor,
    frequencyAdjustmentRatio: 1 + t.freq / PPM16,
    maxerrorSeconds: t.maxerror / MICRO,
    estimatedErrorSeconds: t.esterror / MICRO,
    status: t.status,
    loopTimeConstant: t.constant,
    tickSeconds: t.tick / MICRO,
    ppsFrequencyHertz: t.ppsfreq / PPM16,
    ppsJitterSeconds: t.jitter / divisor,
    ppsShiftSeconds: t.shift,
    ppsStabilityHertz: t.stabil / PPM16,
    ppsJitterTotal: t.jitcnt,
    ppsCalibrationTotal: t.calcnt,
    ppsErrorTotal: t.errcnt,
    ppsStabilityExceededTotal: t.stbcnt,
    taiOffsetSeconds: t.tai,
  };
}

/** /proc/schedstat in seconds (node_exporter schedstat). */
export function schedstatEntries(rows: readonly SchedstatCpu[]): SchedstatEntry[] {
  return rows.map((c) => ({
    cpu: c.cpu,
    runningSeconds: c.runningNs / NANO,
    waitingSeconds: c.waitingNs / NANO,
    timeslices: c.timeslices,
  }));
}

/** Schedstat part: undefined when the kernel has no /proc/schedstat. */
export function readSchedstat(o: KernelRootsOption): SchedstatEntry[] | undefined {
  const rows = schedstat(o);
  return rows ? schedstatEntries(rows) : undefined;
}

/** The cpu part's extras: isolated CPUs (absent file: undefined) and throttle counts. */
export function readIsolated(o: KernelRootsOption): number[] | undefined {
  return isolatedCpus(o) ?? undefined;
}

export function readThrottles(o: KernelRootsOption): CpuThrottlesReading {
  return cpuThrottles(o);
}

/** node_exporter's cpu.info switches: an include regex turns info on. */
export interface CpuInfoConfig {
  readonly info: boolean;
  readonly info_flags_include: string;
  readonly info_bugs_include: string;
}

export function cpuInfoEnabled(c: CpuInfoConfig): boolean {
  return c.info || c.info_flags_include !== '' || c.info_bugs_include !== '';
}

/**
 * node_cpu_info per processor, and node_cpu_flag_info / node_cpu_bug_info from the first
 * processor's flags and bugs matching the include regexes (none without a regex), as
 * node_exporter's updateInfo.
 */
export function readCpuInfo(o: KernelRootsOption, c: CpuInfoConfig): CpuInfoReading {
  const rows = cpuInfoEntries(o);
  const cpus = rows.map((r) => ({
    package: r.physicalId,
    core: r.coreId,
    cpu: String(r.processor),
    vendor: r.vendorId,
    family: r.cpuFamily,
    model: r.model,
    modelName: r.modelName,
    microcode: r.microcode,
    stepping: r.stepping,
    cachesize: r.cacheSize,
  }));
  const first = rows[0];
  const pick = (values: readonly string[], re: string): string[] | undefined => {
    if (re === '' || !first) return undefined;
    const rx = compileRegex(re);
    return values.filter((v) => rx.test(v));
  };
  const flags = pick(first?.flags ?? [], c.info_flags_include);
  const bugs = pick(first?.bugs ?? [], c.info_bugs_include);
  return { cpus, ...(flags ? { flags } : {}), ...(bugs ? { bugs } : {}) };
}

/** node_softirqs_total's samples (node_exporter's stat.softirq); undefined without the line. */
export function readSoftirqVectors(o: KernelRootsOption): { vector: string; count: number }[] | undefined {
  const v = softirqVectors(o);
  return v ? Object.entries(v).map(([vector, count]) => ({ vector, count })) : undefined;
}

/** Inputs of these parts whose absence is normal (the readers return null for them). */
export const KERNEL_OPTIONAL_INPUTS = {
  kernelHung: {
    part: 'kernelHung',
    paths: ['<procfs>/sys/kernel/hung_task_detect_count'],
    why: 'kernels before 6.11 or without CONFIG_DETECT_HUNG_TASK: no node_kernel_hung_tasks_total',
  },
  selinux: {
    part: 'selinux',
    paths: ['<sysfs>/fs/selinux/enforce', '<rootfs>/etc/selinux/config'],
    why: 'no SELinux (most Debian/Ubuntu hosts): node_selinux_enabled 0 only',
  },
  schedstat: { part: 'schedstat', paths: ['<procfs>/schedstat'], why: 'CONFIG_SCHEDSTATS off: no node_schedstat_* series' },
  isolated: { part: 'isolated', paths: ['<sysfs>/devices/system/cpu/isolated'], why: 'kernels without the file: no node_cpu_isolated' },
  throttles: {
    part: 'throttles',
    paths: ['<sysfs>/devices/system/cpu/cpu*/thermal_throttle/*', '<sysfs>/devices/system/cpu/cpu*/topology/*'],
    why: 'no thermal_throttle (VMs, non-Intel): no throttle series',
  },
} as const satisfies Record<string, OptionalInput>;
