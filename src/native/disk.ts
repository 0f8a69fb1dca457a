// The disk area's slice of the native addon (native/binding/disk.cc).
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

/** One mount, as native/core/disk.h DiskPartition. */
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

/** statvfs-derived usage, as native/core/disk.h DiskUsage. */
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

/** One diskstats line, as native/core/disk.h DiskIo. */
export interface NativeDiskIo {
  name: string;
  major: number;
  minor: number;
  readCount: number;
  writeCount: number;
  readBytes: number;
  writeBytes: number;
  readTime: number;
  writeTime: number;
  readMergedCount: number;
  writeMergedCount: number;
  busyTime: number;
  inProgress: number | null;
  weightedTime: number | null;
  discardCount: number | null;
  discardMergedCount: number | null;
  discardSectors: number | null;
  discardTime: number | null;
  flushCount: number | null;
  flushTime: number | null;
}

/** A statvfs started (or joined) on its own native thread. */
export interface NativeUsageCall {
  promise: Promise<NativeDiskUsage>;
  /** The call's id, for diskUsageMarkStuck; 0 when nothing was started (stuck path). */
  id: number;
  /** The path statvfs runs on (rootfs prefix included). */
  path: string;
}

export interface NativeDisk {
  diskPartitions(roots: Roots, all: boolean): NativeDiskPartition[];
  diskIoCounters(roots: Roots, perDisk: boolean): NativeDiskIo[];
  diskUsageStart(roots: Roots, path: string): NativeUsageCall;
  diskUsageSync(roots: Roots, path: string, timeoutMs: number): NativeDiskUsage;
  diskUsageMarkStuck(id: number): boolean;
  diskUsageStuck(roots: Roots, path: string): boolean;
  diskUsageStuckPaths(): string[];
}

export const nativeDisk = nativeSlice<NativeDisk>();
