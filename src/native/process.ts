// The process area's slice of the native addon (native/binding/process.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** processStat: the parsed /proc/<pid>/stat (times in seconds). */
export interface NativeStat {
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  minflt: number;
  majflt: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  blkio: number;
  priority: number;
  nice: number;
  numThreads: number;
  startTicks: number;
  createTime: number;
  processor: number | null;
}

/** processStatus: the /proc/<pid>/status lines psutil uses. */
export interface NativeStatus {
  uids: [number, number, number];
  gids: [number, number, number];
  numThreads: number;
  voluntary: number | null;
  involuntary: number | null;
  vmSwap: number;
  cpusAllowedList: string;
}

/** processOpenFiles: one open file (mode the string the binding built: r, w, a, r+, a+). */
export interface NativeOpenFile {
  path: string;
  fd: number;
  position: number;
  mode: string;
  flags: number;
}

/** /proc/<pid>/statm, bytes. */
export interface NativeStatm {
  rss: number;
  vms: number;
  shared: number;
  text: number;
  lib: number;
  data: number;
  dirty: number;
}

/** /proc/<pid>/io. */
export interface NativeIo {
  readCount: number;
  writeCount: number;
  readBytes: number;
  writeBytes: number;
  readChars: number;
  writeChars: number;
}

/** smaps_rollup (or smaps) totals, bytes. */
export interface NativeMemoryFull {
  uss: number;
  pss: number;
  swap: number;
}

/** One memory map (grouped by path), bytes. */
export interface NativeMemoryMap {
  path: string;
  rss: number;
  size: number;
  pss: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  referenced: number;
  anonymous: number;
  swap: number;
}

/** One mapping (not grouped): a NativeMemoryMap with its address range and permissions. */
export interface NativeMemoryMapRange extends NativeMemoryMap {
  addr: string;
  perms: string;
}

/** One thread, times in seconds. */
export interface NativeThread {
  id: number;
  userTime: number;
  systemTime: number;
}

/** The processes collector's numbers. */
export interface NativeProcessesSummary {
  pids: number;
  threads: number;
  maxProcesses: number | null;
  maxThreads: number | null;
  states: Record<string, number>;
  threadStates: Record<string, number>;
}

export interface NativeConnection {
  fd: number;
  family: number;
  type: number;
  laddr: { ip: string; port: number } | string | null;
  raddr: { ip: string; port: number } | null;
  status: string;
}

/** The columnar result of processScan / processScanSync. */
export interface NativeScan {
  length: number;
  pid: Int32Array;
  startTicks: Float64Array;
  flags: Uint8Array;
  missing: Uint32Array;
  columns: Record<string, Float64Array>;
  strings: Partial<Record<'name' | 'exe' | 'cwd' | 'cmdline' | 'terminal', (string | null)[]>>;
  users?: Record<string, string>;
}

export interface NativeProcess {
  processStat(roots: Roots, pid: number, startTicks?: number): NativeStat;
  processName(roots: Roots, pid: number, startTicks?: number): string;
  processStatus(roots: Roots, pid: number): NativeStatus;
  /** /proc/<pid>/statm, bytes. */
  processStatm(roots: Roots, pid: number): NativeStatm;
  processIo(roots: Roots, pid: number): NativeIo;
  processCmdline(roots: Roots, pid: number): string[];
  processExe(roots: Roots, pid: number): string;
  processCwd(roots: Roots, pid: number): string;
  processEnviron(roots: Roots, pid: number): string[];
  processNumFds(roots: Roots, pid: number): number;
  processMemoryFull(roots: Roots, pid: number): NativeMemoryFull;
  /** Grouped by path, or one NativeMemoryMapRange per mapping when `grouped` is false. */
  processMemoryMaps(roots: Roots, pid: number, grouped: boolean): NativeMemoryMap[] | NativeMemoryMapRange[];
  processOpenFiles(roots: Roots, pid: number): NativeOpenFile[];
  processThreads(roots: Roots, pid: number): NativeThread[];
  processTerminal(roots: Roots, pid: number, startTicks?: number): string | null;
  processConnections(roots: Roots, pid: number, kind: string): NativeConnection[];
  processPids(roots: Roots): number[];
  processPidExists(roots: Roots, pid: number): boolean;
  processPpidMap(roots: Roots): Float64Array;
  processUsername(roots: Roots, uid: number): string;
  processMemTotal(roots: Roots): number;
  processSamePidNamespace(roots: Roots): boolean;
  processSetNice(roots: Roots, pid: number, startTicks: number, value: number): void;
  processIonice(roots: Roots, pid: number, startTicks: number): { ioclass: number; value: number };
  processSetIonice(roots: Roots, pid: number, startTicks: number, ioclass: number, value: number): void;
  processCpuAffinity(roots: Roots, pid: number, startTicks: number): number[];
  processSetCpuAffinity(roots: Roots, pid: number, startTicks: number, cpus: number[]): void;
  processRlimit(roots: Roots, pid: number, startTicks: number, resource: number): [number, number];
  processSetRlimit(roots: Roots, pid: number, startTicks: number, resource: number, soft: number, hard: number): void;
  processSignal(roots: Roots, pid: number, startTicks: number, signal: number): void;
  processWaitCheck(roots: Roots, pid: number, startTicks: number): { exited: boolean; code: number | null };
  processScan(roots: Roots, attrs: readonly string[], pids?: readonly number[]): Promise<NativeScan>;
  processScanSync(roots: Roots, attrs: readonly string[], pids?: readonly number[]): NativeScan;
  processesSummary(roots: Roots): Promise<NativeProcessesSummary>;
  /** Per pid (null: gone): wait channels with thread counts, and for a multi-threaded process the threads' summed context switches. */
  processThreadTotals(
    roots: Roots,
    pids: number[],
    wchans: boolean,
    ctx: boolean,
    threads: boolean,
  ): Promise<
    ({
      wchans: [wchan: string, threads: number][];
      ctx: [voluntary: number, involuntary: number] | null;
      /** [tid, name, user s, system s, minflt, majflt, read bytes, write bytes, voluntary, involuntary] */
      threads: [number, string, number, number, number, number, number, number, number, number][];
    } | null)[]
  >;
  processClockTicks(): number;
  processBootTime(roots: Roots): number;
}

export const nativeProcess = nativeSlice<NativeProcess>();
