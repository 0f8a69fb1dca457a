/**
 * The disk area: mounted file systems, disk space and block-device I/O counters, with
 * psutil's Linux semantics (`disk_partitions`, `disk_usage`, `disk_io_counters`) plus the
 * fields node_exporter's filesystem and diskstats collectors report.
 *
 * `diskPartitions` and `diskIoCounters` are synchronous: each reads one /proc file, which
 * takes microseconds and never touches the mounted file systems. `diskUsage` is
 * asynchronous because statvfs on a dead NFS or FUSE mount can block forever: it runs on a
 * dedicated native thread (never a libuv pool thread) and gives up after `timeoutMs`.
 */
import { InvalidArgumentError, TimeoutExpired, callNative, fromNative } from './errors.js';
import { WrapNumbers } from './internal/wrap-numbers.js';
import { DISK_IO_FIELDS, nativeDisk } from './native/disk.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface DiskRootsOption {
  roots?: Partial<Roots>;
}

// ---------------------------------------------------------------------------------------
// diskPartitions

/** A mounted file system (psutil's `sdiskpart` plus node_exporter's mount facts). */
export interface DiskPartition {
  /** The mount source, e.g. `/dev/sda1`; `''` for `none`; `/dev/root` resolved to the real device when possible. */
  device: string;
  /** Mount point, relative to the host root (the rootfs prefix removed). */
  mountpoint: string;
  /** File-system type as the kernel names it (`ext4`, `fuse.sshfs`, ...). */
  fstype: string;
  /** Mount options as `/proc/mounts` shows them (what psutil reports). */
  opts: string;
  /** The superblock options field of mountinfo, verbatim. */
  superOpts: string;
  /** Device numbers of the mounted file system (st_dev; anonymous 0:N for nodev types). */
  major: number;
  minor: number;
  /** `ro` in the mount or super options, or `emergency_ro` in the super options (node_filesystem_readonly). */
  readonly: boolean;
}

export interface DiskPartitionsOptions extends DiskRootsOption {
  /**
   * false (default): only physical devices, as psutil: mounts with a device whose fstype is
   * listed in `<procfs>/filesystems` without `nodev` (plus zfs). true: every mount.
   */
  all?: boolean;
}

/**
 * Mounted file systems, like psutil's `disk_partitions(all)`, read from
 * `<procfs>/self/mountinfo`, or from `<procfs>/1/mountinfo` (the host's view) when procfs
 * is not `/proc`. Mount points read from the reader's own view are reported relative to
 * `rootfs`, and mounts outside `rootfs` are left out.
 *
 * @throws NotFoundError / AccessDenied when mountinfo or filesystems cannot be read; ParseError on a malformed line.
 */
export function diskPartitions(options: DiskPartitionsOptions = {}): DiskPartition[] {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeDisk.diskPartitions(roots, options.all === true));
}

// ---------------------------------------------------------------------------------------
// diskUsage

/** Disk space of the file system holding a path (psutil's `sdiskusage` plus node_filesystem_* values). */
export interface DiskUsage {
  /** Size in bytes: f_blocks × f_frsize. */
  total: number;
  /** Used bytes: (f_blocks − f_bfree) × f_frsize. */
  used: number;
  /** Bytes available to unprivileged users: f_bavail × f_frsize (df's Avail). */
  free: number;
  /** used / (used + free) × 100, rounded to 1 decimal like psutil (df's Use%; the root reserve is not counted as free). */
  percent: number;
  /** = free (node_filesystem_avail_bytes). */
  availBytes: number;
  /** Free bytes including the root reserve: f_bfree × f_frsize (node_filesystem_free_bytes). */
  freeBytes: number;
  /** Inodes: f_files (node_filesystem_files). */
  files: number;
  /** Free inodes: f_ffree (node_filesystem_files_free). */
  filesFree: number;
}

export interface DiskUsageOptions extends DiskRootsOption {
  /**
   * Give up after this many milliseconds (default 5000, node_exporter's mount timeout).
   * 0 or Infinity waits forever.
   */
  timeoutMs?: number;
}

/** The default `timeoutMs` of `diskUsage` and `diskUsageSync`. */
export const DEFAULT_DISK_USAGE_TIMEOUT_MS = 5000;

/**
 * statvfs did not return in time. The mount is then "stuck": until that statvfs returns,
 * further calls for the same path fail at once with `alreadyStuck: true`, without starting
 * another statvfs (node_exporter reports such mounts with `device_error`).
 */
export class DiskUsageTimeout extends TimeoutExpired {
  /** The path asked for (relative to the host root). */
  override readonly path: string;
  /** The path statvfs runs on (with the rootfs prefix). */
  readonly statPath: string;
  /** True when the call failed at once because an earlier statvfs of the path is still hanging. */
  readonly alreadyStuck: boolean;
  constructor(path: string, statPath: string, timeoutMs: number, alreadyStuck: boolean) {
    super(timeoutMs / 1000);
    this.path = path;
    this.statPath = statPath;
    this.alreadyStuck = alreadyStuck;
    this.message = alreadyStuck
      ? `statvfs ${statPath} has not returned since an earlier call timed out (stuck mount)`
      : `statvfs ${statPath} did not return within ${timeoutMs} ms; the mount is marked stuck until it does`;
  }
}

function timeoutOf(options: DiskUsageOptions): number {
  const t = options.timeoutMs ?? DEFAULT_DISK_USAGE_TIMEOUT_MS;
  if (typeof t !== 'number' || Number.isNaN(t) || t < 0) {
    throw new InvalidArgumentError(`timeoutMs must be a number >= 0 (got ${String(t)})`);
  }
  return t === 0 || !Number.isFinite(t) ? 0 : t;
}

function usageOf(u: DiskUsage): DiskUsage {
  return {
    total: u.total,
    used: u.used,
    free: u.free,
    percent: u.percent,
    availBytes: u.availBytes,
    freeBytes: u.freeBytes,
    files: u.files,
    filesFree: u.filesFree,
  };
}

function usageError(e: unknown, path: string, statPath: string, timeoutMs: number): unknown {
  const err = e as { kind?: unknown; code?: unknown; path?: unknown };
  if (e instanceof Error && err.kind === 'TimeoutExpired') {
    const where = typeof err.path === 'string' ? err.path : statPath;
    return new DiskUsageTimeout(path, where, timeoutMs, err.code === 'EBUSY');
  }
  return fromNative(e);
}

/**
 * Disk space of the file system holding `path`, like psutil's `disk_usage(path)`.
 *
 * statvfs runs on `<rootfs>/<path>` (on `path` itself when rootfs is `/`), so
 * `diskUsage(p.mountpoint)` works for every `p` of `diskPartitions()` in host mode too.
 * It runs on its own native thread; after `timeoutMs` the promise rejects with
 * `DiskUsageTimeout` and the mount is marked stuck (see `isDiskUsageStuck`).
 *
 * @throws NotFoundError (ENOENT), AccessDenied (EACCES), IoError (e.g. ENOTCONN for a dead FUSE mount), DiskUsageTimeout.
 */
export async function diskUsage(path: string, options: DiskUsageOptions = {}): Promise<DiskUsage> {
  const roots = resolveRoots(options.roots);
  const timeoutMs = timeoutOf(options);
  const call = callNative(() => nativeDisk.diskUsageStart(roots, path));
  return new Promise<DiskUsage>((resolve, reject) => {
    // The native completion handle does not keep the event loop alive (a stuck statvfs
    // must not keep the process running), so this timer does while we wait.
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            nativeDisk.diskUsageMarkStuck(call.id);
            reject(new DiskUsageTimeout(path, call.path, timeoutMs, false));
          }, timeoutMs)
        : setInterval(() => undefined, 1 << 30);
    call.promise.then(
      (u) => {
        clearTimeout(timer);
        resolve(usageOf(u));
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(usageError(e, path, call.path, timeoutMs));
      },
    );
  });
}

const usageScratch = new Float64Array(8);

/**
 * The blocking form of {@link diskUsage}, like psutil's `disk_usage(path)`.
 *
 * Without `timeoutMs` the statvfs runs right here on the calling thread, as psutil does: the
 * cheapest form, but a dead network or FUSE mount blocks the caller (the whole event loop)
 * for as long as it is dead. Use {@link diskUsage}, or pass `timeoutMs`, for mounts that may
 * hang. A path already marked stuck (an earlier guarded call timed out on it) fails at once
 * with `DiskUsageTimeout` (`alreadyStuck: true`) in both forms.
 *
 * With `timeoutMs` (0 or Infinity: no limit) the statvfs runs on its own native thread like
 * `diskUsage`'s, so a dead mount costs at most `timeoutMs` of the caller's time and marks
 * the mount stuck.
 */
export function diskUsageSync(path: string, options: DiskUsageOptions = {}): DiskUsage {
  const roots = resolveRoots(options.roots);
  if (options.timeoutMs === undefined) {
    let u: Float64Array;
    try {
      u = nativeDisk.diskUsageNow(roots, path, usageScratch);
    } catch (e) {
      throw usageError(e, path, path, 0);
    }
    return {
      total: u[0]!,
      used: u[1]!,
      free: u[2]!,
      percent: u[3]!,
      availBytes: u[4]!,
      freeBytes: u[5]!,
      files: u[6]!,
      filesFree: u[7]!,
    };
  }
  const timeoutMs = timeoutOf(options);
  try {
    return usageOf(nativeDisk.diskUsageSync(roots, path, timeoutMs));
  } catch (e) {
    throw usageError(e, path, path, timeoutMs);
  }
}

/**
 * True while a statvfs of `path` (under the rootfs) that timed out has not returned: the
 * mount is stuck, and `diskUsage(path)` fails at once. node_exporter's `device_error`.
 */
export function isDiskUsageStuck(path: string, options: DiskRootsOption = {}): boolean {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeDisk.diskUsageStuck(roots, path));
}

/** The statvfs paths (rootfs prefix included) currently stuck. */
export function diskUsageStuckPaths(): string[] {
  return callNative(() => nativeDisk.diskUsageStuckPaths());
}

// ---------------------------------------------------------------------------------------
// diskIoCounters

/** Block-device I/O counters (psutil's `sdiskio` plus node_disk_* values). Times are milliseconds. */
export interface DiskIoCounters {
  /** Reads completed. */
  readCount: number;
  /** Writes completed. */
  writeCount: number;
  /** Bytes read (sectors × 512). */
  readBytes: number;
  /** Bytes written (sectors × 512). */
  writeBytes: number;
  /** ms spent reading. */
  readTime: number;
  /** ms spent writing. */
  writeTime: number;
  /** Adjacent reads merged. */
  readMergedCount: number;
  /** Adjacent writes merged. */
  writeMergedCount: number;
  /** ms the device had I/O in flight (io_ticks; gives utilisation). */
  busyTime: number;
  /** I/Os in flight now (a gauge). null for a 2.6 partition line. */
  inProgress: number | null;
  /** ms spent doing I/O weighted by the number in flight (gives the queue size). null for a 2.6 partition line. */
  weightedTime: number | null;
  /** Discards completed (kernel 4.18+; null before). */
  discardCount: number | null;
  discardMergedCount: number | null;
  /** Sectors discarded (512-byte sectors, not bytes: node_exporter's unit). */
  discardSectors: number | null;
  /** ms spent discarding. */
  discardTime: number | null;
  /** Flush requests completed (kernel 5.5+; null before). */
  flushCount: number | null;
  /** ms spent flushing. */
  flushTime: number | null;
}

/** The counters of one device (a `/proc/diskstats` line). */
export interface DiskIoCountersPerDisk extends DiskIoCounters {
  major: number;
  minor: number;
}

export interface DiskIoCountersOptions extends DiskRootsOption {
  /** true: every diskstats line by name, partitions included. false (default): the sum over whole disks. */
  perDisk?: boolean;
  /**
   * true (default): keep counters monotonic across calls like psutil's `nowrap`: when a
   * counter goes down (a 32-bit wrap, or a device reset), the previous value is added to
   * it from then on. `inProgress` is a gauge and is never adjusted.
   */
  nowrap?: boolean;
}

const COUNTER_FIELDS = [
  'readCount',
  'writeCount',
  'readBytes',
  'writeBytes',
  'readTime',
  'writeTime',
  'readMergedCount',
  'writeMergedCount',
  'busyTime',
  'weightedTime',
  'discardCount',
  'discardMergedCount',
  'discardSectors',
  'discardTime',
  'flushCount',
  'flushTime',
] as const satisfies readonly (keyof DiskIoCounters)[];

const N_COUNTERS = COUNTER_FIELDS.length; // values 0..15 of a row: what nowrap adjusts
const IN_PROGRESS = 16;
const MAJOR = 17;
const MINOR = 18;

/** nowrap's memory, per (roots, mode). */
const wrapNumbers = new WrapNumbers(DISK_IO_FIELDS, N_COUNTERS);

/** Forgets the values `nowrap` remembers (psutil's `disk_io_counters.cache_clear()`). */
export function clearDiskIoCountersCache(): void {
  wrapNumbers.clear();
}

/** A value of a row, null for NaN (the field is absent from this kernel's layout). */
function opt(v: number): number | null {
  return v === v ? v : null;
}

function rowOf(a: Float64Array, o: number): DiskIoCountersPerDisk {
  return {
    readCount: a[o]!,
    writeCount: a[o + 1]!,
    readBytes: a[o + 2]!,
    writeBytes: a[o + 3]!,
    readTime: a[o + 4]!,
    writeTime: a[o + 5]!,
    readMergedCount: a[o + 6]!,
    writeMergedCount: a[o + 7]!,
    busyTime: a[o + 8]!,
    inProgress: opt(a[o + IN_PROGRESS]!),
    weightedTime: opt(a[o + 9]!),
    discardCount: opt(a[o + 10]!),
    discardMergedCount: opt(a[o + 11]!),
    discardSectors: opt(a[o + 12]!),
    discardTime: opt(a[o + 13]!),
    flushCount: opt(a[o + 14]!),
    flushTime: opt(a[o + 15]!),
    major: a[o + MAJOR]!,
    minor: a[o + MINOR]!,
  };
}

// Sums of one call in total mode, reused (the result object is built fresh from it).
const sums = new Float64Array(DISK_IO_FIELDS);
const seen = new Uint8Array(DISK_IO_FIELDS);

/** The sum over all rows; an optional field stays null only when no device has it. */
function sumOf(a: Float64Array, rows: number): DiskIoCounters {
  sums.fill(0);
  seen.fill(0);
  for (let i = 0; i < rows; i++) {
    const o = i * DISK_IO_FIELDS;
    for (let f = 0; f <= IN_PROGRESS; f++) {
      const v = a[o + f]!;
      if (v === v) {
        sums[f] = sums[f]! + v;
        seen[f] = 1;
      }
    }
  }
  const s = (f: number): number | null => (seen[f] ? sums[f]! : null);
  return {
    readCount: sums[0]!,
    writeCount: sums[1]!,
    readBytes: sums[2]!,
    writeBytes: sums[3]!,
    readTime: sums[4]!,
    writeTime: sums[5]!,
    readMergedCount: sums[6]!,
    writeMergedCount: sums[7]!,
    busyTime: sums[8]!,
    inProgress: s(IN_PROGRESS),
    weightedTime: s(9),
    discardCount: s(10),
    discardMergedCount: s(11),
    discardSectors: s(12),
    discardTime: s(13),
    flushCount: s(14),
    flushTime: s(15),
  };
}

/**
 * I/O counters of the block devices, like psutil's `disk_io_counters(perdisk, nowrap)`,
 * from `<procfs>/diskstats` (or `<sysfs>/block/<dev>/stat` when diskstats is missing).
 *
 * With `perDisk: false` the result is the sum over the names that exist as
 * `<sysfs>/block/<name>` (whole disks, so a partition is not counted twice; virtual devices
 * such as dm-*, md*, loop* are whole disks too, as in psutil), or null when there are none.
 * With `perDisk: true` it maps every device name, partitions included, to its counters.
 *
 * @throws ParseError naming the file and line on a line of unexpected layout.
 */
export function diskIoCounters(options?: DiskIoCountersOptions & { perDisk?: false }): DiskIoCounters | null;
export function diskIoCounters(options: DiskIoCountersOptions & { perDisk: true }): Record<string, DiskIoCountersPerDisk>;
export function diskIoCounters(options?: DiskIoCountersOptions): DiskIoCounters | null | Record<string, DiskIoCountersPerDisk>;
export function diskIoCounters(options: DiskIoCountersOptions = {}): DiskIoCounters | null | Record<string, DiskIoCountersPerDisk> {
  const roots = resolveRoots(options.roots);
  const perDisk = options.perDisk === true;
  const [names, raw] = callNative(() => nativeDisk.diskIoCounters(roots, perDisk));
  const list = names === '' ? [] : names.split('\n');
  const values =
    options.nowrap === false ? raw : wrapNumbers.run(`${roots.procfs}\0${roots.sysfs}\0${perDisk ? 'perdisk' : 'total'}`, list, raw, names);
  if (!perDisk) return list.length === 0 ? null : sumOf(values, list.length);
  const out: Record<string, DiskIoCountersPerDisk> = {};
  for (let i = 0; i < list.length; i++) out[list[i]!] = rowOf(values, i * DISK_IO_FIELDS);
  return out;
}

/** Static facts about a block device (node_exporter's node_disk_info and udev families). */
export interface BlockDeviceInfo {
  /** `<sysfs>/block/<name>/queue/rotational`: "1" spinning, "0" not; null without a queue (partitions). */
  rotational: string | null;
  /**
   * The device's udev properties (`E:` lines of `<udev data>/b<major>:<minor>`, what
   * `udevadm info` prints as `E:`): ID_MODEL, ID_SERIAL_SHORT, ID_WWN, ID_PATH, DM_NAME,
   * ID_FS_TYPE, ID_ATA_*, ... null when udev has no entry for it.
   */
  udev: Record<string, string> | null;
  /** `<sysfs>/block/<name>/slaves`, sorted: the devices under a device-mapper or md device. */
  slaves: string[];
}

export interface BlockDeviceInfoOptions extends DiskRootsOption {
  /**
   * udev's database directory (node_exporter's `--path.udev.data`); default
   * `<rootfs>/run/udev/data`. "" skips udev.
   */
  udevDataPath?: string;
}

/** The default udev database directory under a root file system. */
export function defaultUdevDataPath(rootfs: string): string {
  return `${rootfs.replace(/\/+$/, '')}/run/udev/data`;
}

/**
 * Static facts about one block device of `/proc/diskstats` (name, major, minor as
 * diskIoCounters reports them): the rotational flag and slaves from sysfs and the udev
 * properties. Missing files are not errors: the fields are null or empty.
 */
export function blockDeviceInfo(
  device: { name: string; major: number; minor: number },
  options: BlockDeviceInfoOptions = {},
): BlockDeviceInfo {
  const roots = resolveRoots(options.roots);
  const udev = options.udevDataPath ?? defaultUdevDataPath(roots.rootfs);
  return callNative(() => nativeDisk.diskBlockInfo(roots, udev, device.name, device.major, device.minor));
}
