/**
 * Types and constants of the process area: psutil's Process data in camelCase, the
 * IOPriority and RLIMIT constants (frozen `as const` objects with the kernel's numbers, as
 * in src/enums.ts), and the attribute names of `asDict`, `processIter` and the batch scan.
 */
import type { InetConnection, UnixConnection } from '../net.js';
import type { Roots } from '../roots.js';

/** psutil's process status strings (the state letter of /proc/<pid>/stat). */
export const ProcessStatus = Object.freeze({
  RUNNING: 'running',
  SLEEPING: 'sleeping',
  DISK_SLEEP: 'disk-sleep',
  STOPPED: 'stopped',
  TRACING_STOP: 'tracing-stop',
  ZOMBIE: 'zombie',
  DEAD: 'dead',
  WAKE_KILL: 'wake-kill',
  WAKING: 'waking',
  IDLE: 'idle',
  PARKED: 'parked',
  UNKNOWN: '?',
} as const);
export type ProcessStatus = (typeof ProcessStatus)[keyof typeof ProcessStatus];

export const STATUS_RUNNING = ProcessStatus.RUNNING;
export const STATUS_SLEEPING = ProcessStatus.SLEEPING;
export const STATUS_DISK_SLEEP = ProcessStatus.DISK_SLEEP;
export const STATUS_STOPPED = ProcessStatus.STOPPED;
export const STATUS_TRACING_STOP = ProcessStatus.TRACING_STOP;
export const STATUS_ZOMBIE = ProcessStatus.ZOMBIE;
export const STATUS_DEAD = ProcessStatus.DEAD;
export const STATUS_WAKE_KILL = ProcessStatus.WAKE_KILL;
export const STATUS_WAKING = ProcessStatus.WAKING;
export const STATUS_IDLE = ProcessStatus.IDLE;
export const STATUS_PARKED = ProcessStatus.PARKED;

const STATUS_BY_LETTER: Readonly<Record<string, ProcessStatus>> = Object.freeze({
  R: 'running',
  S: 'sleeping',
  D: 'disk-sleep',
  T: 'stopped',
  t: 'tracing-stop',
  Z: 'zombie',
  X: 'dead',
  x: 'dead',
  K: 'wake-kill',
  W: 'waking',
  I: 'idle',
  P: 'parked',
});

/** The psutil status for a /proc state letter ('?' when unknown). */
export function statusFromLetter(letter: string): ProcessStatus {
  return STATUS_BY_LETTER[letter] ?? '?';
}

/** I/O scheduling classes (linux/ioprio.h), psutil's `IOPriority`. */
export const IOPriority = Object.freeze({
  IOPRIO_CLASS_NONE: 0,
  IOPRIO_CLASS_RT: 1,
  IOPRIO_CLASS_BE: 2,
  IOPRIO_CLASS_IDLE: 3,
} as const);
export type IOPriority = (typeof IOPriority)[keyof typeof IOPriority];
export const IOPRIO_CLASS_NONE = IOPriority.IOPRIO_CLASS_NONE;
export const IOPRIO_CLASS_RT = IOPriority.IOPRIO_CLASS_RT;
export const IOPRIO_CLASS_BE = IOPriority.IOPRIO_CLASS_BE;
export const IOPRIO_CLASS_IDLE = IOPriority.IOPRIO_CLASS_IDLE;

/** Resource limits (asm-generic/resource.h), psutil's `RLIMIT_*`. */
export const RLIMIT = Object.freeze({
  CPU: 0,
  FSIZE: 1,
  DATA: 2,
  STACK: 3,
  CORE: 4,
  RSS: 5,
  NPROC: 6,
  NOFILE: 7,
  MEMLOCK: 8,
  AS: 9,
  LOCKS: 10,
  SIGPENDING: 11,
  MSGQUEUE: 12,
  NICE: 13,
  RTPRIO: 14,
  RTTIME: 15,
} as const);
export type RLIMIT = (typeof RLIMIT)[keyof typeof RLIMIT];
export const RLIMIT_CPU = RLIMIT.CPU;
export const RLIMIT_FSIZE = RLIMIT.FSIZE;
export const RLIMIT_DATA = RLIMIT.DATA;
export const RLIMIT_STACK = RLIMIT.STACK;
export const RLIMIT_CORE = RLIMIT.CORE;
export const RLIMIT_RSS = RLIMIT.RSS;
export const RLIMIT_NPROC = RLIMIT.NPROC;
export const RLIMIT_NOFILE = RLIMIT.NOFILE;
export const RLIMIT_MEMLOCK = RLIMIT.MEMLOCK;
export const RLIMIT_AS = RLIMIT.AS;
export const RLIMIT_LOCKS = RLIMIT.LOCKS;
export const RLIMIT_SIGPENDING = RLIMIT.SIGPENDING;
export const RLIMIT_MSGQUEUE = RLIMIT.MSGQUEUE;
export const RLIMIT_NICE = RLIMIT.NICE;
export const RLIMIT_RTPRIO = RLIMIT.RTPRIO;
export const RLIMIT_RTTIME = RLIMIT.RTTIME;
/** "unlimited", as psutil (Python's resource.RLIM_INFINITY is -1). */
export const RLIM_INFINITY = -1;

/** Options every process function accepts. */
export interface ProcessOptions {
  /** Per-call override of the module-level roots (see `setRoots`). */
  roots?: Partial<Roots>;
}

/** psutil's puids / pgids. */
export interface ProcessIds {
  real: number;
  effective: number;
  saved: number;
}

/** psutil's pcputimes, in seconds. */
export interface ProcessCpuTimes {
  user: number;
  system: number;
  childrenUser: number;
  childrenSystem: number;
  /** Time waiting for block I/O (delayacct_blkio_ticks). */
  iowait: number;
}

/** psutil's pmem (from /proc/<pid>/statm), in bytes. */
export interface ProcessMemoryInfo {
  rss: number;
  vms: number;
  shared: number;
  text: number;
  /** Always 0 since Linux 2.6 (statm's lib). */
  lib: number;
  data: number;
  /** Always 0 since Linux 2.6 (statm's dt). */
  dirty: number;
}

/** psutil's pfullmem: pmem plus USS, PSS and swap from smaps_rollup (or smaps), bytes. */
export interface ProcessMemoryFullInfo extends ProcessMemoryInfo {
  uss: number;
  pss: number;
  swap: number;
}

/** One row of `memoryMaps()`; bytes. */
export interface ProcessMemoryMap {
  /** The mapped file, or "[heap]", "[stack]", "[anon]"... */
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

/** One row of `memoryMaps({grouped: false})`: a single mapping. */
export interface ProcessMemoryMapRange extends ProcessMemoryMap {
  /** "start-end" in hex. */
  addr: string;
  /** "r-xp" etc. */
  perms: string;
}

/** psutil's pctxsw. */
export interface ProcessCtxSwitches {
  voluntary: number;
  involuntary: number;
}

/** psutil's pio (from /proc/<pid>/io). */
export interface ProcessIoCounters {
  /** read syscalls (syscr) */
  readCount: number;
  /** write syscalls (syscw) */
  writeCount: number;
  /** bytes fetched from storage (read_bytes) */
  readBytes: number;
  /** bytes sent to storage (write_bytes) */
  writeBytes: number;
  /** bytes read, cache included (rchar) */
  readChars: number;
  /** bytes written (wchar) */
  writeChars: number;
}

/** psutil's ppagefaults (HEAD). */
export interface ProcessPageFaults {
  minor: number;
  major: number;
}

/** psutil's popenfile. */
export interface ProcessOpenFile {
  path: string;
  fd: number;
  /** File offset (fdinfo pos). */
  position: number;
  mode: 'r' | 'w' | 'a' | 'r+' | 'a+';
  /** open(2) flags (fdinfo flags). */
  flags: number;
}

/** psutil's pthread; times in seconds. */
export interface ProcessThread {
  id: number;
  userTime: number;
  systemTime: number;
}

/** psutil's pionice. */
export interface ProcessIoNice {
  ioclass: IOPriority;
  value: number;
}

/** psutil's pconn: a socket of this process (netConnections' row without the pid). */
export type ProcessConnection = Omit<InetConnection, 'pid'> | Omit<UnixConnection, 'pid'>;

/** Everything `asDict()` can return, by psutil's attribute name in camelCase. */
export interface ProcessInfo {
  pid: number;
  name: string;
  exe: string;
  cmdline: string[];
  status: ProcessStatus;
  ppid: number;
  uids: ProcessIds;
  gids: ProcessIds;
  username: string;
  createTime: number;
  cpuTimes: ProcessCpuTimes;
  cpuPercent: number;
  cpuNum: number;
  memoryInfo: ProcessMemoryInfo;
  memoryFullInfo: ProcessMemoryFullInfo;
  memoryPercent: number;
  memoryMaps: ProcessMemoryMap[];
  numFds: number;
  numThreads: number;
  threads: ProcessThread[];
  numCtxSwitches: ProcessCtxSwitches;
  ioCounters: ProcessIoCounters;
  pageFaults: ProcessPageFaults;
  nice: number;
  ionice: ProcessIoNice;
  cpuAffinity: number[];
  openFiles: ProcessOpenFile[];
  connections: ProcessConnection[];
  cwd: string;
  environ: Record<string, string>;
  terminal: string | null;
}
export type ProcessAttr = keyof ProcessInfo;

/** Every attribute name of `asDict()` (its default), in psutil's order of appearance. */
export const PROCESS_ATTRS: readonly ProcessAttr[] = Object.freeze([
  'pid',
  'name',
  'exe',
  'cmdline',
  'status',
  'ppid',
  'uids',
  'gids',
  'username',
  'createTime',
  'cpuTimes',
  'cpuPercent',
  'cpuNum',
  'memoryInfo',
  'memoryFullInfo',
  'memoryPercent',
  'memoryMaps',
  'numFds',
  'numThreads',
  'threads',
  'numCtxSwitches',
  'ioCounters',
  'pageFaults',
  'nice',
  'ionice',
  'cpuAffinity',
  'openFiles',
  'connections',
  'cwd',
  'environ',
  'terminal',
] as const);

/** The dictionary `asDict({attrs, adValue})` returns: attributes that were AccessDenied or ZombieProcess hold `adValue`. */
export type ProcessDict<K extends ProcessAttr, D> = { [P in K]: ProcessInfo[P] | D };

// ----------------------------------------------------------------- the batch scan

/** Thread-state letters counted by the `threadStates` scan attribute ("other" collects the rest). */
export interface ThreadStateCounts {
  R: number;
  S: number;
  D: number;
  Z: number;
  T: number;
  t: number;
  I: number;
  X: number;
  other: number;
}

/** psutil-style soft/hard pair; -1 (RLIM_INFINITY) for unlimited. */
export interface LimitPair {
  soft: number;
  hard: number;
}

/** The `asDict()` attributes the batch scan reads too, with the same types as in ProcessInfo. */
type SharedScanAttr =
  | 'name'
  | 'cmdline'
  | 'exe'
  | 'cwd'
  | 'status'
  | 'ppid'
  | 'uids'
  | 'gids'
  | 'username'
  | 'createTime'
  | 'cpuTimes'
  | 'memoryInfo'
  | 'memoryFullInfo'
  | 'numThreads'
  | 'numFds'
  | 'numCtxSwitches'
  | 'ioCounters'
  | 'pageFaults'
  | 'nice'
  | 'cpuNum'
  | 'terminal';

/** What the batch scan can read, by attribute: ProcessInfo's shared attributes plus three of its own. */
export interface ScanInfo extends Pick<ProcessInfo, SharedScanAttr> {
  /** VmSwap of /proc/<pid>/status, bytes (process-exporter's "swapped"). */
  memorySwap: number;
  /** RLIMIT_NOFILE from /proc/<pid>/limits (process-exporter's worst_fd_ratio). */
  fdLimit: LimitPair;
  /** The states of the process's threads, counted (from task/<tid>/stat). */
  threadStates: ThreadStateCounts;
}
export type ScanAttr = keyof ScanInfo;

/**
 * The scan attributes, in the order of their bits in `ProcessTable.missing` (bit i is
 * `SCAN_ATTRS[i]`). Must match kAttrNames in native/core/process_scan.cc.
 */
export const SCAN_ATTRS: readonly ScanAttr[] = Object.freeze([
  'name',
  'cmdline',
  'exe',
  'cwd',
  'status',
  'ppid',
  'uids',
  'gids',
  'username',
  'createTime',
  'cpuTimes',
  'memoryInfo',
  'memoryFullInfo',
  'memorySwap',
  'numThreads',
  'numFds',
  'fdLimit',
  'numCtxSwitches',
  'ioCounters',
  'pageFaults',
  'nice',
  'cpuNum',
  'terminal',
  'threadStates',
] as const);

const COMMON_ATTRS = [
  'name',
  'cmdline',
  'status',
  'cpuTimes',
  'memoryInfo',
  'numThreads',
  'numFds',
  'numCtxSwitches',
  'ioCounters',
  'createTime',
  'ppid',
  'username',
] as const satisfies readonly ScanAttr[];
/** psutil's common attribute set for a process table (what `ps`/`top`-like tools read). */
export type CommonScanAttr = (typeof COMMON_ATTRS)[number];
export const COMMON_SCAN_ATTRS: readonly CommonScanAttr[] = Object.freeze(COMMON_ATTRS);

/** Per-row flags of the batch scan. */
export const ScanFlags = Object.freeze({
  /** Gone between listing and reading: the row has its pid and nothing else. */
  VANISHED: 1,
  /** A zombie: cmdline, exe and cwd are null (psutil's ZombieProcess). */
  ZOMBIE: 2,
  /** At least one attribute was AccessDenied (it is null). */
  ACCESS_DENIED: 4,
  /** A file was malformed or an unexpected error happened: those attributes are null. */
  ERROR: 8,
} as const);

/** One row of a scan: the identity, the flags, and each requested attribute (null when the row does not have it). */
export type ScanRecord<K extends ScanAttr = ScanAttr> = {
  pid: number;
  /** Clock ticks since boot at which the process started: with `pid`, its identity. */
  startTicks: number;
  /** `${pid}-${startTicks}`, the same as `Process.key`. */
  key: string;
  vanished: boolean;
  zombie: boolean;
  accessDenied: boolean;
  error: boolean;
} & { [P in K]: ScanInfo[P] | null };

/** node_exporter's processes collector numbers. */
export interface ProcessesSummary {
  /** Processes whose stat could be read (node_processes_pids). */
  pids: number;
  /** Sum of every process's thread count (node_processes_threads). */
  threads: number;
  /** `<procfs>/sys/kernel/pid_max` (node_processes_max_processes); null if unreadable. */
  maxProcesses: number | null;
  /** `<procfs>/sys/kernel/threads-max` (node_processes_max_threads); null if unreadable. */
  maxThreads: number | null;
  /** Processes per state letter (node_processes_state{state}). */
  states: Record<string, number>;
  /** Threads per state letter (node_processes_threads_state{thread_state}). */
  threadStates: Record<string, number>;
}
