// The disk area's slice of the native addon (native/binding/disk.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/**
 * diskIoCounters' result: the device names joined by "\n", and DISK_IO_FIELDS values per
 * device (NaN for a field the kernel's layout lacks) in the order of native/binding/disk.cc
 * put_io(): readCount, writeCount, readBytes, writeBytes, readTime, writeTime,
 * readMergedCount, writeMergedCount, busyTime, weightedTime, discardCount,
 * discardMergedCount, discardSectors, discardTime, flushCount, flushTime, inProgress,
 * major, minor.
 */
export type NativeDiskIoTable = [names: string, values: Float64Array];

/** Values per device in a NativeDiskIoTable. */
export const DISK_IO_FIELDS = 19;

/** As native/core/disk.h DiskPartition: one mount. */
export interface NativeDiskPartition {
  device: string;
  mountpoint: string;
  fstype: string;
  opts: string;
  superOpts: string;
  major: number;
  minor: number;
  readonly: boolean;
}

/** As native/core/disk.h DiskUsage: statvfs-derived, bytes and inodes. */
export interface NativeDiskUsage {
  total: number;
  used: number;
  free: number;
  percent: number;
  availBytes: number;
  freeBytes: number;
  files: number;
  filesFree: number;
}

/** As native/core/block_info.h BlockDeviceInfo. */
export interface NativeBlockDeviceInfo {
  rotational: string | null;
  udev: Record<string, string> | null;
  slaves: string[];
}

/** A statvfs started (or joined) on its own native thread. */
export interface NativeUsageCall {
  /** statvfs-derived usage, as native/core/disk.h DiskUsage. */
  promise: Promise<NativeDiskUsage>;
  /** The call's id, for diskUsageMarkStuck; 0 when nothing was started (stuck path). */
  id: number;
  /** The path statvfs runs on (rootfs prefix included). */
  path: string;
}

export interface NativeDisk {
  /** The mounts, as native/core/disk.h DiskPartition. */
  diskPartitions(roots: Roots, all: boolean): NativeDiskPartition[];
  diskIoCounters(roots: Roots, perDisk: boolean): NativeDiskIoTable;
  diskUsageStart(roots: Roots, path: string): NativeUsageCall;
  diskUsageSync(roots: Roots, path: string, timeoutMs: number): NativeDiskUsage;
  /**
   * statvfs on the calling thread (no timeout), into `out` when it is a Float64Array(8):
   * total, used, free, percent, availBytes, freeBytes, files, filesFree.
   */
  diskUsageNow(roots: Roots, path: string, out?: Float64Array): Float64Array;
  diskUsageMarkStuck(id: number): boolean;
  diskUsageStuck(roots: Roots, path: string): boolean;
  diskUsageStuckPaths(): string[];
  /** native/core/block_info.h BlockDeviceInfo ("" udevDir: no udev lookup). */
  diskBlockInfo(roots: Roots, udevDir: string, name: string, major: number, minor: number): NativeBlockDeviceInfo;
}

export const nativeDisk = nativeSlice<NativeDisk>();
