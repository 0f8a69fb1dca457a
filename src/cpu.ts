/**
 * The cpu area: psutil's `cpu_times`, `cpu_percent`, `cpu_times_percent`, `cpu_count`,
 * `cpu_stats`, `cpu_freq`, `getloadavg` and `boot_time` with their Linux semantics, plus
 * the per-CPU cpufreq attributes node_exporter's cpufreq collector reports.
 *
 * Everything here is synchronous: each call is one or a few reads of procfs/sysfs files
 * that the kernel generates from memory, in microseconds. The only waits are the
 * `interval` of `cpuPercentAsync` / `cpuTimesPercentAsync`, which sleep on a timer
 * (never blocking the event loop) between two samples.
 */
import { InvalidArgumentError, callNative } from './errors.js';
import { nativeCpu } from './native/cpu.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface CpuRootsOption {
  roots?: Partial<Roots>;
}

// ---------------------------------------------------------------------------------------
// cpuTimes

/**
 * Seconds each CPU spent in each mode since boot (`/proc/stat` ticks ÷ USER_HZ). Fields
 * an old kernel does not report are 0. `guest` and `guestNice` are already included in
 * `user` and `nice`.
 */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  /** Waiting for I/O (Linux ≥ 2.5.41). */
  iowait: number;
  /** Servicing hardware interrupts (≥ 2.6.0). */
  irq: number;
  /** Servicing softirqs (≥ 2.6.0). */
  softirq: number;
  /** Stolen by the hypervisor for other guests (≥ 2.6.11). */
  steal: number;
  /** Running a guest's virtual CPU (≥ 2.6.24). */
  guest: number;
  /** Running a niced guest (≥ 2.6.33). */
  guestNice: number;
}

/** One CPU's times. `cpu` is the kernel's CPU number: offline CPUs have no entry, so it is not always the index. */
export interface PerCpuTimes extends CpuTimes {
  cpu: number;
}

export interface CpuTimesOptions extends CpuRootsOption {
  /** One entry per online CPU instead of the system-wide sum. */
  perCpu?: boolean;
}

const FIELDS = 10;

/** Scratch for results read into an object at once (the addon writes into it, no allocation). */
const scratch10 = new Float64Array(FIELDS);
const scratch3 = new Float64Array(3);
/** Bound to the addon, which writes the own load averages into it; `ownLoadGeneration` identifies the binding. */
const ownLoad = new Float64Array(3);
let ownLoadGeneration = -1;

let hz = 0;
/** USER_HZ, read once. */
export function clockTicks(): number {
  if (hz === 0) hz = callNative(() => nativeCpu.cpuClockTicks());
  return hz;
}

/** Ticks at a[o..o+9] as seconds. */
function timesAt(a: ArrayLike<number>, o: number, div: number): CpuTimes {
  return {
    user: (a[o] as number) / div,
    nice: (a[o + 1] as number) / div,
    system: (a[o + 2] as number) / div,
    idle: (a[o + 3] as number) / div,
    iowait: (a[o + 4] as number) / div,
    irq: (a[o + 5] as number) / div,
    softirq: (a[o + 6] as number) / div,
    steal: (a[o + 7] as number) / div,
    guest: (a[o + 8] as number) / div,
    guestNice: (a[o + 9] as number) / div,
  };
}

/**
 * System-wide CPU times in seconds (psutil `cpu_times()`), read from `<procfs>/stat`.
 * With `perCpu: true`, one entry per online CPU, each carrying its CPU number.
 *
 * @throws NotFoundError / AccessDenied when `<procfs>/stat` cannot be read; ParseError when its cpu lines are malformed.
 */
export function cpuTimes(options?: CpuTimesOptions & { perCpu?: false }): CpuTimes;
export function cpuTimes(options: CpuTimesOptions & { perCpu: true }): PerCpuTimes[];
export function cpuTimes(options?: CpuTimesOptions): CpuTimes | PerCpuTimes[];
export function cpuTimes(options: CpuTimesOptions = {}): CpuTimes | PerCpuTimes[] {
  const roots = resolveRoots(options.roots);
  const div = clockTicks();
  if (!options.perCpu)
    return timesAt(
      callNative(() => nativeCpu.cpuTimes(roots, false, scratch10)),
      0,
      div,
    );
  const a = callNative(() => nativeCpu.cpuTimes(roots, true));
  const out: PerCpuTimes[] = [];
  for (let o = 0; o < a.length; o += FIELDS + 1) {
    out.push({ cpu: a[o] as number, ...timesAt(a, o + 1, div) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// cpuPercent / cpuTimesPercent

/**
 * Python's `round(x, 1)`: correctly rounded, ties to even. Ties at one decimal happen
 * only for x = k/4 with k odd (0.25, 0.75, ...), where `toFixed` would round up.
 */
function round1(x: number): number {
  if (!Number.isFinite(x)) return x;
  const q = x * 4; // exact: a power-of-two scale
  if (Number.isInteger(q) && q % 2 !== 0) {
    let n = Math.floor(x * 10);
    if (n % 2 !== 0) n += 1;
    return n / 10;
  }
  return Number(x.toFixed(1));
}

/** A sample in ticks: `cpu numbers -> 10 values`, or one row for the system-wide line (cpu -1). */
interface Sample {
  cpus: number[];
  values: Float64Array;
}

function sample(roots: Roots, perCpu: boolean): Sample {
  const a = callNative(() => nativeCpu.cpuTimes(roots, perCpu));
  if (!perCpu) return { cpus: [-1], values: a };
  const n = a.length / (FIELDS + 1);
  const cpus: number[] = new Array<number>(n);
  const values = new Float64Array(n * FIELDS);
  for (let i = 0; i < n; i++) {
    cpus[i] = a[i * (FIELDS + 1)] as number;
    values.set(a.subarray(i * (FIELDS + 1) + 1, (i + 1) * (FIELDS + 1)), i * FIELDS);
  }
  return { cpus, values };
}

/** Clamped deltas of row `i` of `t2` against the same CPU in `t1` (itself when new). */
function deltas(t1: Sample, t2: Sample, i: number, out: Float64Array): void {
  const cpu = t2.cpus[i] as number;
  let j = t1.cpus[i] === cpu ? i : t1.cpus.indexOf(cpu);
  const base = j < 0 ? t2 : t1;
  if (j < 0) j = i;
  for (let f = 0; f < FIELDS; f++) {
    // Counters can go backwards (psutil gh#392, #645, #1210); top clamps too.
    const d = (t2.values[i * FIELDS + f] as number) - (base.values[j * FIELDS + f] as number);
    out[f] = d > 0 ? d : 0;
  }
}

/** Total time of a delta row: guest and guest_nice are already inside user and nice. */
function totalOf(d: Float64Array): number {
  let t = 0;
  for (let f = 0; f < 8; f++) t += d[f] as number;
  return t;
}

function percentOf(d: Float64Array): number {
  const total = totalOf(d);
  if (total <= 0) return 0;
  const busy = total - (d[3] as number) - (d[4] as number); // minus idle and iowait
  // Integer ticks: busy * 100 / total is exact whenever the true value is a short decimal.
  return Math.min(100, Math.max(0, round1((busy * 100) / total)));
}

function timesPercentOf(d: Float64Array): CpuTimes {
  const total = totalOf(d);
  const p = new Float64Array(FIELDS);
  if (total > 0) {
    for (let f = 0; f < FIELDS; f++) p[f] = Math.min(100, Math.max(0, round1(((d[f] as number) * 100) / total)));
  }
  return timesAt(p, 0, 1);
}

/** Last samples of the non-blocking calls, per function, per-CPU flag and procfs root. */
const lastSamples = new Map<string, Sample>();

function previous(kind: string, roots: Roots, perCpu: boolean, now: Sample): Sample {
  const key = `${kind}\0${perCpu ? 1 : 0}\0${roots.procfs}`;
  const prev = lastSamples.get(key);
  lastSamples.set(key, now);
  return prev ?? now;
}

function remember(kind: string, roots: Roots, perCpu: boolean, now: Sample): void {
  lastSamples.set(`${kind}\0${perCpu ? 1 : 0}\0${roots.procfs}`, now);
}

function compare<T>(t1: Sample, t2: Sample, perCpu: boolean, f: (d: Float64Array) => T, cpuOf?: (v: T, cpu: number) => T): T | T[] {
  const d = new Float64Array(FIELDS);
  if (!perCpu) {
    deltas(t1, t2, 0, d);
    return f(d);
  }
  const out: T[] = [];
  for (let i = 0; i < t2.cpus.length; i++) {
    deltas(t1, t2, i, d);
    const v = f(d);
    out.push(cpuOf ? cpuOf(v, t2.cpus[i] as number) : v);
  }
  return out;
}

function checkInterval(name: string, interval: number | null | undefined, sync: boolean): number {
  if (interval === undefined || interval === null) return 0;
  if (typeof interval !== 'number' || Number.isNaN(interval) || interval < 0) {
    throw new InvalidArgumentError(`${name}: interval must be a number >= 0 (got ${String(interval)})`);
  }
  if (sync && interval > 0) {
    throw new InvalidArgumentError(`${name}: never sleeps; use ${name}Async({ interval: ${interval} }) to wait`);
  }
  return interval;
}

const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

export interface CpuPercentOptions extends CpuRootsOption {
  /** One value per online CPU (in `cpuTimes({perCpu: true})` order) instead of the system-wide one. */
  perCpu?: boolean;
  /** Only 0 (or absent) for the synchronous form: it compares with the previous call. */
  interval?: 0 | null;
}

export interface CpuPercentAsyncOptions extends CpuRootsOption {
  perCpu?: boolean;
  /** Seconds to wait between the two samples; 0 or absent compares with the previous call, like the synchronous form. */
  interval?: number | null;
}

/**
 * System-wide CPU utilisation in % since the previous call (psutil `cpu_percent()` with
 * `interval=None`): never sleeps. The first call (per `perCpu` and procfs root) has
 * nothing to compare with and returns 0: ignore it, and call at least 0.1 s apart.
 *
 * busy = total − idle − iowait, total excludes guest and guestNice (already in user and
 * nice), deltas are clamped at 0, and the result is rounded to 1 decimal like psutil.
 * Per CPU, each CPU is compared with the same CPU number of the previous sample.
 *
 * @throws InvalidArgumentError when `interval` > 0: use {@link cpuPercentAsync}.
 */
export function cpuPercent(options?: CpuPercentOptions & { perCpu?: false }): number;
export function cpuPercent(options: CpuPercentOptions & { perCpu: true }): number[];
export function cpuPercent(options?: CpuPercentOptions): number | number[];
export function cpuPercent(options: CpuPercentOptions = {}): number | number[] {
  checkInterval('cpuPercent', options.interval, true);
  const roots = resolveRoots(options.roots);
  const perCpu = !!options.perCpu;
  const now = sample(roots, perCpu);
  return compare(previous('percent', roots, perCpu, now), now, perCpu, percentOf);
}

/**
 * {@link cpuPercent} that can wait: with `interval` > 0 it samples, sleeps `interval`
 * seconds on a timer (the event loop keeps running) and samples again, like psutil's
 * blocking `cpu_percent(interval)`. The second sample becomes the baseline of the next
 * non-blocking call. With `interval` 0 or absent it resolves with the non-blocking value.
 *
 * @throws InvalidArgumentError (as a rejection) for a negative interval.
 */
export function cpuPercentAsync(options?: CpuPercentAsyncOptions & { perCpu?: false }): Promise<number>;
export function cpuPercentAsync(options: CpuPercentAsyncOptions & { perCpu: true }): Promise<number[]>;
export function cpuPercentAsync(options?: CpuPercentAsyncOptions): Promise<number | number[]>;
export async function cpuPercentAsync(options: CpuPercentAsyncOptions = {}): Promise<number | number[]> {
  const interval = checkInterval('cpuPercent', options.interval, false);
  if (interval === 0) return cpuPercent({ ...options, interval: 0 });
  const roots = resolveRoots(options.roots);
  const perCpu = !!options.perCpu;
  const t1 = sample(roots, perCpu);
  await sleep(interval);
  const t2 = sample(roots, perCpu);
  remember('percent', roots, perCpu, t2);
  return compare(t1, t2, perCpu, percentOf);
}

/**
 * Like {@link cpuPercent}, but the share of each mode in % (psutil
 * `cpu_times_percent()`), each field rounded to 1 decimal and clamped to [0, 100]. Keeps
 * its own previous sample, independent of `cpuPercent`'s.
 *
 * Unlike psutil, which divides by max(1, total seconds) and so under-reports when less
 * than one CPU-second elapsed between the samples, the fields are divided by the real
 * total.
 *
 * @throws InvalidArgumentError when `interval` > 0: use {@link cpuTimesPercentAsync}.
 */
export function cpuTimesPercent(options?: CpuPercentOptions & { perCpu?: false }): CpuTimes;
export function cpuTimesPercent(options: CpuPercentOptions & { perCpu: true }): PerCpuTimes[];
export function cpuTimesPercent(options?: CpuPercentOptions): CpuTimes | PerCpuTimes[];
export function cpuTimesPercent(options: CpuPercentOptions = {}): CpuTimes | PerCpuTimes[] {
  checkInterval('cpuTimesPercent', options.interval, true);
  const roots = resolveRoots(options.roots);
  const perCpu = !!options.perCpu;
  const now = sample(roots, perCpu);
  return compare(previous('timesPercent', roots, perCpu, now), now, perCpu, timesPercentOf, withCpu) as CpuTimes | PerCpuTimes[];
}

/** {@link cpuTimesPercent} that can wait `interval` seconds between its samples (see {@link cpuPercentAsync}). */
export function cpuTimesPercentAsync(options?: CpuPercentAsyncOptions & { perCpu?: false }): Promise<CpuTimes>;
export function cpuTimesPercentAsync(options: CpuPercentAsyncOptions & { perCpu: true }): Promise<PerCpuTimes[]>;
export function cpuTimesPercentAsync(options?: CpuPercentAsyncOptions): Promise<CpuTimes | PerCpuTimes[]>;
export async function cpuTimesPercentAsync(options: CpuPercentAsyncOptions = {}): Promise<CpuTimes | PerCpuTimes[]> {
  const interval = checkInterval('cpuTimesPercent', options.interval, false);
  if (interval === 0) return cpuTimesPercent({ ...options, interval: 0 });
  const roots = resolveRoots(options.roots);
  const perCpu = !!options.perCpu;
  const t1 = sample(roots, perCpu);
  await sleep(interval);
  const t2 = sample(roots, perCpu);
  remember('timesPercent', roots, perCpu, t2);
  return compare(t1, t2, perCpu, timesPercentOf, withCpu) as CpuTimes | PerCpuTimes[];
}

function withCpu(t: CpuTimes, cpu: number): PerCpuTimes {
  return { cpu, ...t };
}

// ---------------------------------------------------------------------------------------
// cpuCount, cpuStats

export interface CpuCountOptions extends CpuRootsOption {
  /** true (default): online logical CPUs; false: physical cores. */
  logical?: boolean;
}

/**
 * Number of CPUs (psutil `cpu_count()`), or null when it cannot be determined.
 *
 * - `logical: true` (default): online CPUs, from `<sysfs>/devices/system/cpu/online`,
 *   else the `processor` lines of `<procfs>/cpuinfo`, else the `cpuN` lines of
 *   `<procfs>/stat`. Not cgroup-aware, like psutil and `nproc --all`'s online count.
 * - `logical: false`: physical cores, the number of distinct
 *   `cpuN/topology/core_cpus_list` strings (else `thread_siblings_list`), else the sum of
 *   `cpu cores` per `physical id` in cpuinfo. Cores, not sockets.
 */
export function cpuCount(options: CpuCountOptions = {}): number | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeCpu.cpuCount(roots, options.logical !== false));
}

/** Counters of `<procfs>/stat` (psutil `cpu_stats()` plus node_exporter's stat collector fields). */
export interface CpuStats {
  /** Context switches since boot (`ctxt`). */
  ctxSwitches: number;
  /** Interrupts since boot (first number of `intr`). */
  interrupts: number;
  /** Softirqs since boot (first number of `softirq`; 0 on kernels < 2.6.31, which lack the line). */
  softInterrupts: number;
  /** Always 0 on Linux, as in psutil. */
  syscalls: number;
  /** Processes and threads created since boot (`processes`). */
  forks: number;
  /** Runnable threads now (`procs_running`). */
  procsRunning: number;
  /** Threads blocked on I/O now (`procs_blocked`). */
  procsBlocked: number;
}

/**
 * Context switches, interrupts, soft interrupts, forks and run-queue counts from `<procfs>/stat`.
 *
 * @throws ParseError when `ctxt`, `intr`, `processes`, `procs_running` or `procs_blocked` is missing or malformed.
 */
export function cpuStats(options: CpuRootsOption = {}): CpuStats {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeCpu.cpuStats(roots));
}

// ---------------------------------------------------------------------------------------
// cpuFreq, cpuFreqInfo

/** CPU frequency in MHz (psutil `scpufreq`). `min` and `max` are 0 when there is no cpufreq in sysfs. */
export interface CpuFreq {
  current: number;
  min: number;
  max: number;
}

/** One CPU's frequency; `cpu` is the kernel CPU number (offline CPUs are skipped). */
export interface PerCpuFreq extends CpuFreq {
  cpu: number;
}

export interface CpuFreqOptions extends CpuRootsOption {
  perCpu?: boolean;
}

/**
 * CPU frequency in MHz (psutil `cpu_freq()`).
 *
 * Reads the cpufreq policies under `<sysfs>/devices/system/cpu/cpufreq` (else
 * `cpuN/cpufreq`), mapping CPUs through each policy's `affected_cpus`. The current value
 * comes from `<procfs>/cpuinfo`'s `cpu MHz` lines when there is one per CPU, else from
 * `scaling_cur_freq`, then `cpuinfo_cur_freq`; min/max from `scaling_min_freq` /
 * `scaling_max_freq`. Offline CPUs are skipped. Without cpufreq (most VMs) the cpuinfo
 * values are used with min = max = 0.
 *
 * Without `perCpu`: the average over the CPUs, or null when there is nothing to report.
 *
 * @throws UnsupportedError when an online CPU's policy has no current-frequency file.
 */
export function cpuFreq(options?: CpuFreqOptions & { perCpu?: false }): CpuFreq | null;
export function cpuFreq(options: CpuFreqOptions & { perCpu: true }): PerCpuFreq[];
export function cpuFreq(options?: CpuFreqOptions): CpuFreq | PerCpuFreq[] | null;
export function cpuFreq(options: CpuFreqOptions = {}): CpuFreq | PerCpuFreq[] | null {
  const roots = resolveRoots(options.roots);
  const a = callNative(() => nativeCpu.cpuFreq(roots));
  const n = a.length / 4;
  if (options.perCpu) {
    const out: PerCpuFreq[] = [];
    for (let i = 0; i < n; i++) {
      out.push({ cpu: a[i * 4] as number, current: a[i * 4 + 1] as number, min: a[i * 4 + 2] as number, max: a[i * 4 + 3] as number });
    }
    return out;
  }
  if (n === 0) return null;
  if (n === 1) return { current: a[1] as number, min: a[2] as number, max: a[3] as number };
  let current = 0;
  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    current += a[i * 4 + 1] as number;
    min += a[i * 4 + 2] as number;
    max += a[i * 4 + 3] as number;
  }
  return { current: current / n, min: min / n, max: max / n };
}

/**
 * One CPU's cpufreq attributes from `<sysfs>/devices/system/cpu/cpuN/cpufreq/`, in kHz as
 * the kernel prints them (node_exporter's `node_cpu_frequency_*` and
 * `node_cpu_scaling_*` metrics). A field is null when its file is absent or unreadable
 * (`cpuinfo_cur_freq` is root-only).
 */
export interface CpuFreqInfo {
  cpu: number;
  cpuinfoCurKHz: number | null;
  cpuinfoMinKHz: number | null;
  cpuinfoMaxKHz: number | null;
  /** `cpuinfo_avg_freq` (Linux 6.13+). */
  cpuinfoAvgKHz: number | null;
  scalingCurKHz: number | null;
  scalingMinKHz: number | null;
  scalingMaxKHz: number | null;
  /** `scaling_governor`. */
  governor: string | null;
  /** `scaling_driver`. */
  driver: string | null;
  /** `scaling_available_governors`; [] when absent. */
  availableGovernors: string[];
}

/** The cpufreq attributes of every CPU that has a `cpufreq` directory, by CPU number; [] without cpufreq. */
export function cpuFreqInfo(options: CpuRootsOption = {}): CpuFreqInfo[] {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeCpu.cpuFreqInfo(roots));
}

// ---------------------------------------------------------------------------------------
// loadAvg, bootTime

/**
 * The 1, 5 and 15 minute load averages (psutil `getloadavg()`). From `<procfs>/loadavg`
 * when the roots point elsewhere (psutil ignores its procfs path here); for the default
 * `/proc`, from sysinfo(2), which holds the same fixed-point values at full precision
 * (what glibc's getloadavg and Node's os.loadavg() return).
 */
export function loadAvg(options: CpuRootsOption = {}): [number, number, number] {
  const roots = resolveRoots(options.roots);
  if (roots.procfs === '/proc') {
    // The default /proc: one sysinfo(2) call written into a bound array, like glibc's getloadavg.
    const a = ownLoad;
    if (callNative(() => nativeCpu.cpuLoadAvgOwn()) !== ownLoadGeneration) {
      // not bound yet on this thread, or another copy of the library bound its own array
      ownLoadGeneration = callNative(() => nativeCpu.cpuLoadAvgBind(a));
      callNative(() => nativeCpu.cpuLoadAvgOwn());
    }
    return [a[0] as number, a[1] as number, a[2] as number];
  }
  const a = callNative(() => nativeCpu.cpuLoadAvg(roots, scratch3));
  return [a[0] as number, a[1] as number, a[2] as number];
}

/**
 * Boot time in seconds since the epoch (`btime` of `<procfs>/stat`, psutil
 * `boot_time()`). Read on every call: the kernel derives it from the wall clock, so it
 * moves when the clock is stepped.
 */
export function bootTime(options: CpuRootsOption = {}): number {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeCpu.cpuBootTime(roots));
}
