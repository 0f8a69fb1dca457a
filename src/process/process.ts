/**
 * psutil's Process class for Linux, and the module functions around it: pids, pidExists,
 * processIter, waitProcs.
 *
 * Identity: a Process is (pid, start time in clock ticks since boot). `key` is
 * `${pid}-${startTicks}`; `equals()` compares identities. Every value derived from
 * /proc/<pid>/stat is read with an identity check, and every method that changes or
 * signals the process checks it first, so a reused pid raises NoSuchProcess instead of
 * touching another process. Signals go through a pidfd opened before the check, so the
 * check cannot race with a reuse.
 */
import { constants as osConstants } from 'node:os';
import { inspect } from 'node:util';
import {
  AccessDenied,
  callNative,
  HostProbeError,
  InvalidArgumentError,
  NoSuchProcess,
  TimeoutExpired,
  UnsupportedError,
  ZombieProcess,
} from '../errors.js';
import type { ConnectionKind } from '../net.js';
import { nativeProcess, type NativeStat, type NativeStatus } from '../native/process.js';
import { resolveRoots, type Roots } from '../roots.js';
import { checkScanAttrs, ProcessTable, scanProcessesSync } from './scan.js';
import {
  IOPriority,
  PROCESS_ATTRS,
  RLIMIT,
  SCAN_ATTRS,
  statusFromLetter,
  type ProcessAttr,
  type ProcessConnection,
  type ProcessCpuTimes,
  type ProcessCtxSwitches,
  type ProcessDict,
  type ProcessIds,
  type ProcessInfo,
  type ProcessIoCounters,
  type ProcessIoNice,
  type ProcessMemoryFullInfo,
  type ProcessMemoryInfo,
  type ProcessMemoryMap,
  type ProcessMemoryMapRange,
  type ProcessOpenFile,
  type ProcessOptions,
  type ProcessPageFaults,
  type ProcessStatus,
  type ProcessThread,
  type ScanAttr,
} from './types.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();

// Set by processFromIdentity: lets the constructor skip its stat read when the caller
// already knows the start time (processIter, children, scans).
let pendingIdentity: { pid: number; startTicks: number } | undefined;

// MemTotal per procfs (psutil caches _TOTAL_PHYMEM the same way).
const memTotalCache = new Map<string, number>();

/** MemTotal of a procfs root, bytes (read once per root: it does not change). */
function memTotal(roots: Roots): number {
  let total = memTotalCache.get(roots.procfs);
  if (total === undefined) {
    total = nativeProcess.processMemTotal(roots);
    memTotalCache.set(roots.procfs, total);
  }
  return total;
}
// Lowest pid per procfs (psutil's _LOWEST_PID): parent() of that process is null.
const lowestPidCache = new Map<string, number>();

interface OneshotCache {
  stat?: NativeStat;
  status?: NativeStatus;
  statm?: ProcessMemoryInfo;
}

function checkPid(pid: unknown): number {
  if (typeof pid !== 'number' || !Number.isInteger(pid)) {
    throw new InvalidArgumentError(`pid must be an integer, got ${String(pid)}`);
  }
  if (pid < 0) throw new InvalidArgumentError(`pid must be a positive integer (got ${pid})`);
  return pid;
}

function signalNumber(sig: number | NodeJS.Signals): number {
  if (typeof sig === 'number') {
    if (!Number.isInteger(sig) || sig < 0 || sig > 64) throw new InvalidArgumentError(`invalid signal number ${sig}`);
    return sig;
  }
  const n = (osConstants.signals as Record<string, number | undefined>)[sig];
  if (n === undefined) throw new InvalidArgumentError(`unknown signal '${sig}'`);
  return n;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Options of `new Process()`. */
export type ProcessConstructorOptions = ProcessOptions;

/** A process on this host (psutil.Process). */
export class Process {
  /** The process id. */
  readonly pid: number;
  /** Clock ticks since boot at which the process started: with `pid`, its identity. */
  readonly startTicks: number;
  /** `${pid}-${startTicks}`: equal for two Process objects of the same process; use it as a Map/Set key. */
  readonly key: string;
  /** Values prefetched by `processIter({attrs})` (psutil's `.info`). */
  info: Partial<ProcessInfo> | undefined;
  /** Set by `waitProcs` for gone processes: the exit code, or null when unknown. */
  returncode?: number | null;

  readonly #roots: Roots;
  #cache: OneshotCache | undefined;
  #depth = 0;
  #name: string | undefined;
  #exe: string | undefined;
  #createTime: number | undefined;
  #ppid: number | undefined;
  #gone = false;
  #lastCpu: { wall: number; cpu: number } | undefined;

  /**
   * Binds to the process `pid` (default: this process) as it is now: reads its start time.
   * @throws NoSuchProcess when there is no such process; InvalidArgumentError for a bad pid.
   */
  constructor(pid?: number, options: ProcessConstructorOptions = {}) {
    this.pid = checkPid(pid ?? process.pid);
    this.#roots = resolveRoots(options.roots);
    const pending = pendingIdentity;
    if (pending && pending.pid === this.pid) {
      this.startTicks = pending.startTicks;
    } else {
      const st = callNative(() => nativeProcess.processStat(this.#roots, this.pid));
      this.startTicks = st.startTicks;
      this.#createTime = st.createTime;
      this.#ppid = st.ppid;
    }
    this.key = `${this.pid}-${this.startTicks}`;
    this.info = undefined;
  }

  /** The roots this Process reads from. */
  get roots(): Roots {
    return this.#roots;
  }

  /** True when `other` is a Process with the same identity (pid and start time). */
  equals(other: unknown): boolean {
    return other instanceof Process && other.pid === this.pid && other.startTicks === this.startTicks;
  }

  // ------------------------------------------------------------ internals

  /** Calls the addon, translating errors and filling in what we know (name, ppid). */
  #call<T>(fn: () => T): T {
    try {
      return callNative(fn);
    } catch (e) {
      throw this.#decorate(e);
    }
  }

  #decorate(e: unknown): unknown {
    if (e instanceof ZombieProcess) {
      const opts: { code?: string; path?: string; name?: string; ppid?: number; cause?: unknown } = { cause: e.cause ?? e };
      if (e.code !== undefined) opts.code = e.code;
      if (e.path !== undefined) opts.path = e.path;
      if (this.#name !== undefined) opts.name = this.#name;
      const ppid = this.#cache?.stat?.ppid ?? this.#ppid;
      if (ppid !== undefined) opts.ppid = ppid;
      return new ZombieProcess(this.pid, e.message, opts);
    }
    if (e instanceof NoSuchProcess) {
      this.#gone = true;
      if (this.#name === undefined) return e;
      const opts: { code?: string; path?: string; name?: string; cause?: unknown } = { cause: e.cause ?? e, name: this.#name };
      if (e.code !== undefined) opts.code = e.code;
      if (e.path !== undefined) opts.path = e.path;
      return new NoSuchProcess(this.pid, e.message, opts);
    }
    return e;
  }

  /** /proc/<pid>/stat, identity-checked (NoSuchProcess when the pid was reused); cached in oneshot. */
  #stat(): NativeStat {
    const hit = this.#cache?.stat;
    if (hit) return hit;
    const st = this.#call(() => nativeProcess.processStat(this.#roots, this.pid, this.startTicks));
    this.#ppid = st.ppid;
    if (this.#cache) this.#cache.stat = st;
    return st;
  }

  #status(): NativeStatus {
    const hit = this.#cache?.status;
    if (hit) return hit;
    const st = this.#call(() => nativeProcess.processStatus(this.#roots, this.pid));
    if (this.#cache) this.#cache.status = st;
    return st;
  }

  #statm(): ProcessMemoryInfo {
    const hit = this.#cache?.statm;
    if (hit) return hit;
    const st = this.#call(() => nativeProcess.processStatm(this.#roots, this.pid));
    if (this.#cache) this.#cache.statm = st;
    return st;
  }

  /** NoSuchProcess unless this pid still belongs to this process (psutil's _raise_if_pid_reused). */
  #assertIdentity(): void {
    if (this.#cache?.stat) return;
    this.#stat();
  }

  // ------------------------------------------------------------ oneshot / asDict

  /**
   * Runs `fn` with the per-file caches on: inside it, /proc/<pid>/stat, status and statm
   * are read at most once however many methods use them (psutil's `oneshot()`).
   * Re-entrant; if `fn` returns a Promise the caches stay on until it settles.
   */
  oneshot<T>(fn: () => T): T {
    if (this.#depth++ === 0) this.#cache = {};
    let async = false;
    try {
      const r = fn();
      if (r instanceof Promise) {
        async = true;
        return r.finally(() => this.#exitOneshot()) as T;
      }
      return r;
    } finally {
      if (!async) this.#exitOneshot();
    }
  }

  #exitOneshot(): void {
    if (--this.#depth === 0) this.#cache = undefined;
  }

  /**
   * The process's attributes as a plain object, read under `oneshot()` (psutil's
   * `as_dict`). AccessDenied and ZombieProcess give `adValue` (default null) for that
   * attribute; an attribute this host cannot provide (UnsupportedError) is left out unless
   * it was asked for by name. NoSuchProcess propagates.
   * @throws InvalidArgumentError for an unknown attribute name.
   */
  asDict<K extends ProcessAttr = ProcessAttr, D = null>(options: { attrs?: readonly K[]; adValue?: D } = {}): ProcessDict<K, D> {
    const explicit = options.attrs !== undefined;
    const attrs = (options.attrs ?? PROCESS_ATTRS) as readonly K[];
    for (const a of attrs) {
      if (!(PROCESS_ATTRS as readonly string[]).includes(a)) {
        throw new InvalidArgumentError(`invalid attr name '${String(a)}'; choose between ${PROCESS_ATTRS.join(', ')}`);
      }
    }
    const adValue = (options.adValue ?? null) as D;
    return this.oneshot(() => {
      const out: Partial<Record<ProcessAttr, unknown>> = {};
      for (const a of attrs) {
        try {
          out[a] = this.#attr(a);
        } catch (e) {
          if (e instanceof ZombieProcess || e instanceof AccessDenied) out[a] = adValue;
          else if (e instanceof UnsupportedError && !explicit) continue;
          else throw e;
        }
      }
      return out as ProcessDict<K, D>;
    });
  }

  #attr(a: ProcessAttr): unknown {
    switch (a) {
      case 'pid':
        return this.pid;
      case 'name':
        return this.name();
      case 'exe':
        return this.exe();
      case 'cmdline':
        return this.cmdline();
      case 'status':
        return this.status();
      case 'ppid':
        return this.ppid();
      case 'uids':
        return this.uids();
      case 'gids':
        return this.gids();
      case 'username':
        return this.username();
      case 'createTime':
        return this.createTime();
      case 'cpuTimes':
        return this.cpuTimes();
      case 'cpuPercent':
        return this.cpuPercent();
      case 'cpuNum':
        return this.cpuNum();
      case 'memoryInfo':
        return this.memoryInfo();
      case 'memoryFullInfo':
        return this.memoryFullInfo();
      case 'memoryPercent':
        return this.memoryPercent();
      case 'memoryMaps':
        return this.memoryMaps();
      case 'numFds':
        return this.numFds();
      case 'numThreads':
        return this.numThreads();
      case 'threads':
        return this.threads();
      case 'numCtxSwitches':
        return this.numCtxSwitches();
      case 'ioCounters':
        return this.ioCounters();
      case 'pageFaults':
        return this.pageFaults();
      case 'nice':
        return this.nice();
      case 'ionice':
        return this.ionice();
      case 'cpuAffinity':
        return this.cpuAffinity();
      case 'openFiles':
        return this.openFiles();
      case 'connections':
        return this.connections();
      case 'cwd':
        return this.cwd();
      case 'environ':
        return this.environ();
      case 'terminal':
        return this.terminal();
    }
  }

  // ------------------------------------------------------------ identity and tree

  /**
   * The process name: /proc/<pid>/stat's comm, or, when comm is 15 characters (the
   * kernel's truncation), the basename of cmdline[0] if it starts with comm. Cached.
   */
  name(): string {
    if (this.#name === undefined) {
      this.#name = this.#call(() => nativeProcess.processName(this.#roots, this.pid, this.startTicks));
    }
    return this.#name;
  }

  /**
   * The executable's absolute path ("" for kernel threads). When the link is AccessDenied
   * (or empty), psutil's guess: an absolute, executable cmdline[0]. Cached.
   * @throws ZombieProcess for a zombie, AccessDenied when it cannot be guessed.
   */
  exe(): string {
    if (this.#exe === undefined) this.#exe = this.#call(() => nativeProcess.processExe(this.#roots, this.pid));
    return this.#exe;
  }

  /**
   * The command line: NUL-separated arguments, with psutil's space-separated fallback for
   * processes that rewrote their argv (setproctitle). [] for kernel threads.
   * @throws ZombieProcess for a zombie (its arguments are gone).
   */
  cmdline(): string[] {
    return this.#call(() => nativeProcess.processCmdline(this.#roots, this.pid));
  }

  /** 'running', 'sleeping', 'zombie', ... (psutil's STATUS_* strings). */
  status(): ProcessStatus {
    return statusFromLetter(this.#stat().state);
  }

  /** The parent's pid (not cached: it becomes the reaper's when the parent dies). Identity-checked. */
  ppid(): number {
    return this.#stat().ppid;
  }

  /**
   * The parent Process, or null when there is none (pid 0 or the lowest pid), when it is
   * gone, or when its pid was reused by a younger process. NoSuchProcess for THIS process
   * propagates (it is not swallowed).
   */
  parent(): Process | null {
    let lowest = lowestPidCache.get(this.#roots.procfs);
    if (lowest === undefined) {
      lowest = pids({ roots: this.#roots })[0] ?? 0;
    }
    if (this.pid === lowest) return null;
    const ppid = this.ppid();
    if (ppid <= 0) return null;
    try {
      const parent = new Process(ppid, { roots: this.#roots });
      return parent.startTicks <= this.startTicks ? parent : null;
    } catch (e) {
      if (e instanceof NoSuchProcess) return null;
      throw e;
    }
  }

  /** Every ancestor, nearest first (psutil's parents()). */
  parents(): Process[] {
    const out: Process[] = [];
    let p = this.parent();
    while (p) {
      out.push(p);
      p = p.parent();
    }
    return out;
  }

  /**
   * The children (and with `recursive`, all descendants), from one pass over every
   * /proc/<pid>/stat. A "child" that started before this process has a reused ppid and is
   * left out. Checks this process's identity first.
   */
  children(options: { recursive?: boolean } = {}): Process[] {
    this.#assertIdentity();
    const map = this.#call(() => nativeProcess.processPpidMap(this.#roots));
    const byParent = new Map<number, { pid: number; start: number }[]>();
    for (let i = 0; i + 2 < map.length; i += 3) {
      const pid = map[i] ?? 0;
      const ppid = map[i + 1] ?? 0;
      const start = map[i + 2] ?? 0;
      let list = byParent.get(ppid);
      if (!list) byParent.set(ppid, (list = []));
      list.push({ pid, start });
    }
    const out: Process[] = [];
    const seen = new Set<number>();
    const stack = [this.pid];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      if (seen.has(pid)) continue;
      seen.add(pid);
      for (const child of byParent.get(pid) ?? []) {
        if (child.start < this.startTicks) continue; // reused pid, older than us
        out.push(processFromIdentity(child.pid, child.start, this.#roots));
        if (options.recursive) stack.push(child.pid);
      }
      if (!options.recursive) break;
    }
    return out;
  }

  /** Real, effective and saved user ids (status Uid). */
  uids(): ProcessIds {
    const [real, effective, saved] = this.#status().uids;
    return { real, effective, saved };
  }

  /** Real, effective and saved group ids (status Gid). */
  gids(): ProcessIds {
    const [real, effective, saved] = this.#status().gids;
    return { real, effective, saved };
  }

  /** The real user's name (the decimal uid when it has none), as psutil. */
  username(): string {
    const uid = this.uids().real;
    return this.#call(() => nativeProcess.processUsername(this.#roots, uid));
  }

  /** Start time, seconds since the epoch: starttime / CLK_TCK + btime (btime read once). Cached. */
  createTime(): number {
    if (this.#createTime === undefined) this.#createTime = this.#stat().createTime;
    return this.#createTime;
  }

  // ------------------------------------------------------------ cpu and memory

  /** User, system, children's and I/O-wait times, seconds (identity-checked stat). */
  cpuTimes(): ProcessCpuTimes {
    const st = this.#stat();
    return { user: st.utime, system: st.stime, childrenUser: st.cutime, childrenSystem: st.cstime, iowait: st.blkio };
  }

  /**
   * CPU utilisation as a percentage, top-style (one busy core = 100; more for multi-threaded
   * processes). Without an interval: since the previous call on this object (the first call
   * returns 0), non-blocking. With `{interval}` (seconds > 0): measured over that interval,
   * asynchronously.
   */
  cpuPercent(): number;
  cpuPercent(options: { interval: number }): Promise<number>;
  cpuPercent(options: { interval?: number | null }): number | Promise<number>;
  cpuPercent(options: { interval?: number | null } = {}): number | Promise<number> {
    const interval = options.interval ?? null;
    if (interval !== null && (typeof interval !== 'number' || !(interval >= 0))) {
      throw new InvalidArgumentError(`interval is not positive (got ${String(interval)})`);
    }
    const sample = () => {
      const t = this.cpuTimes();
      return { wall: now() / 1000, cpu: t.user + t.system };
    };
    const pct = (a: { wall: number; cpu: number }, b: { wall: number; cpu: number }) => {
      const dt = b.wall - a.wall;
      if (!(dt > 0)) return 0;
      return round1(((b.cpu - a.cpu) / dt) * 100);
    };
    if (interval !== null && interval > 0) {
      const first = sample();
      return sleep(interval * 1000).then(() => {
        const second = sample();
        this.#lastCpu = second;
        return pct(first, second);
      });
    }
    const prev = this.#lastCpu;
    const cur = sample();
    this.#lastCpu = cur;
    return prev ? pct(prev, cur) : 0;
  }

  /** The CPU the process last ran on (stat processor). */
  cpuNum(): number {
    const p = this.#stat().processor;
    if (p === null) throw new UnsupportedError('cpu_num: /proc/<pid>/stat has no processor field on this kernel');
    return p;
  }

  /** rss, vms, shared, text, lib, data, dirty from /proc/<pid>/statm, bytes. */
  memoryInfo(): ProcessMemoryInfo {
    return { ...this.#statm() };
  }

  /** memoryInfo plus uss, pss and swap from smaps_rollup (smaps when absent), bytes. Slower. */
  memoryFullInfo(): ProcessMemoryFullInfo {
    const full = this.#call(() => nativeProcess.processMemoryFull(this.#roots, this.pid));
    return { ...this.memoryInfo(), ...full };
  }

  /**
   * A memoryFullInfo field as a percentage of MemTotal (default 'rss'); not rounded, as psutil.
   * @throws InvalidArgumentError for an unknown memtype.
   */
  memoryPercent(options: { memtype?: keyof ProcessMemoryFullInfo } = {}): number {
    const memtype = options.memtype ?? 'rss';
    const basic = ['rss', 'vms', 'shared', 'text', 'lib', 'data', 'dirty'];
    const full = [...basic, 'uss', 'pss', 'swap'];
    if (!full.includes(memtype)) {
      throw new InvalidArgumentError(`invalid memtype '${String(memtype)}'; valid types are ${full.join(', ')}`);
    }
    const info: ProcessMemoryFullInfo | ProcessMemoryInfo = basic.includes(memtype) ? this.memoryInfo() : this.memoryFullInfo();
    const value = (info as unknown as Record<string, number>)[memtype] ?? 0;
    const roots = this.#roots;
    return (value / this.#call(() => memTotal(roots))) * 100;
  }

  /**
   * The memory mappings from /proc/<pid>/smaps. `grouped` (default true) sums the mappings
   * of each path; false gives one row per mapping with addr and perms. Slow on big processes.
   */
  memoryMaps(options?: { grouped?: true }): ProcessMemoryMap[];
  memoryMaps(options: { grouped: false }): ProcessMemoryMapRange[];
  memoryMaps(options: { grouped?: boolean } = {}): ProcessMemoryMap[] | ProcessMemoryMapRange[] {
    const grouped = options.grouped ?? true;
    return this.#call(() => nativeProcess.processMemoryMaps(this.#roots, this.pid, grouped)) as ProcessMemoryMap[];
  }

  // ------------------------------------------------------------ counts

  /** Open file descriptors. AccessDenied for other users' processes unless privileged. */
  numFds(): number {
    return this.#call(() => nativeProcess.processNumFds(this.#roots, this.pid));
  }

  /** Threads (status Threads). */
  numThreads(): number {
    return this.#status().numThreads;
  }

  /** Every thread with its user and system time (task/<tid>/stat). */
  threads(): ProcessThread[] {
    return this.#call(() => nativeProcess.processThreads(this.#roots, this.pid));
  }

  /** Voluntary and involuntary context switches (status). */
  numCtxSwitches(): ProcessCtxSwitches {
    const st = this.#status();
    if (st.voluntary === null || st.involuntary === null) {
      throw new UnsupportedError('num_ctx_switches: /proc/<pid>/status has no *_ctxt_switches lines (kernel < 2.6.23)');
    }
    return { voluntary: st.voluntary, involuntary: st.involuntary };
  }

  /** /proc/<pid>/io. AccessDenied for other users' processes unless privileged. */
  ioCounters(): ProcessIoCounters {
    return this.#call(() => nativeProcess.processIo(this.#roots, this.pid));
  }

  /** Minor and major page faults (stat minflt/majflt). */
  pageFaults(): ProcessPageFaults {
    const st = this.#stat();
    return { minor: st.minflt, major: st.majflt };
  }

  // ------------------------------------------------------------ priorities and limits

  /**
   * Get (from stat: works for a host /proc too) or set (setpriority, after the identity
   * check) the nice value.
   * @throws AccessDenied to lower it without privileges; UnsupportedError to set it across PID namespaces.
   */
  nice(): number;
  nice(value: number): void;
  nice(value?: number): number | void {
    if (value === undefined) return this.#stat().nice;
    if (!Number.isInteger(value)) throw new InvalidArgumentError(`nice value must be an integer, got ${value}`);
    this.#call(() => nativeProcess.processSetNice(this.#roots, this.pid, this.startTicks, value));
  }

  /**
   * Get or set the I/O scheduling class and priority (ioprio_get/ioprio_set).
   * `value` is 0-7 for RT and BE, and must be 0 for NONE and IDLE.
   * @throws UnsupportedError across PID namespaces.
   */
  ionice(): ProcessIoNice;
  ionice(ioclass: IOPriority, value?: number): void;
  ionice(ioclass?: IOPriority, value?: number): ProcessIoNice | void {
    if (ioclass === undefined) {
      if (value !== undefined) throw new InvalidArgumentError("'ioclass' argument must be specified");
      const r = this.#call(() => nativeProcess.processIonice(this.#roots, this.pid, this.startTicks));
      return { ioclass: r.ioclass as IOPriority, value: r.value };
    }
    if (!(Object.values(IOPriority) as number[]).includes(ioclass)) {
      throw new InvalidArgumentError(`ioclass must be one of IOPriority (0-3), got ${String(ioclass)}`);
    }
    const v = value ?? 0;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`ionice value must be an integer, got ${v}`);
    this.#call(() => nativeProcess.processSetIonice(this.#roots, this.pid, this.startTicks, ioclass, v));
  }

  /**
   * Get (sorted CPU numbers) or set the CPU affinity. An empty list means every CPU the
   * process is eligible for (psutil). Across PID namespaces the getter reads
   * Cpus_allowed_list and the setter raises UnsupportedError.
   */
  cpuAffinity(): number[];
  cpuAffinity(cpus: readonly number[]): void;
  cpuAffinity(cpus?: readonly number[]): number[] | void {
    if (cpus === undefined) {
      const got = this.#call(() => nativeProcess.processCpuAffinity(this.#roots, this.pid, this.startTicks));
      return [...new Set(got)].sort((a, b) => a - b);
    }
    if (!Array.isArray(cpus)) throw new InvalidArgumentError('cpus must be an array of CPU numbers');
    const list = [...new Set(cpus)];
    this.#call(() => nativeProcess.processSetCpuAffinity(this.#roots, this.pid, this.startTicks, list));
  }

  /**
   * Get or set a resource limit as [soft, hard] (RLIM_INFINITY = -1 for unlimited), via
   * prlimit(2). Across PID namespaces the getter reads /proc/<pid>/limits and the setter
   * raises UnsupportedError.
   */
  rlimit(resource: RLIMIT): [number, number];
  rlimit(resource: RLIMIT, limits: readonly [number, number]): void;
  rlimit(resource: RLIMIT, limits?: readonly [number, number]): [number, number] | void {
    if (!(Object.values(RLIMIT) as number[]).includes(resource)) {
      throw new InvalidArgumentError(`unknown resource ${String(resource)}; use one of RLIMIT`);
    }
    if (this.pid === 0) throw new InvalidArgumentError("can't use prlimit() against PID 0 process");
    if (limits === undefined) {
      return this.#call(() => nativeProcess.processRlimit(this.#roots, this.pid, this.startTicks, resource));
    }
    if (!Array.isArray(limits) || limits.length !== 2) {
      throw new InvalidArgumentError(`second argument must be a [soft, hard] pair, got ${inspect(limits)}`);
    }
    const [soft, hard] = limits;
    this.#call(() => nativeProcess.processSetRlimit(this.#roots, this.pid, this.startTicks, resource, soft, hard));
  }

  // ------------------------------------------------------------ files, sockets, environment

  /** Regular files open by the process, with fd, position, mode and flags. */
  openFiles(): ProcessOpenFile[] {
    return this.#call(() => nativeProcess.processOpenFiles(this.#roots, this.pid)) as ProcessOpenFile[];
  }

  /**
   * The process's sockets of `kind` (default 'inet'), from its fds and its own network
   * namespace's tables (psutil's `connections()`).
   */
  connections(options: { kind?: ConnectionKind } = {}): ProcessConnection[] {
    const kind = options.kind ?? 'inet';
    return this.#call(() => nativeProcess.processConnections(this.#roots, this.pid, kind)) as ProcessConnection[];
  }

  /** The working directory. @throws ZombieProcess for a zombie. */
  cwd(): string {
    return this.#call(() => nativeProcess.processCwd(this.#roots, this.pid));
  }

  /** The environment the process started with (/proc/<pid>/environ). */
  environ(): Record<string, string> {
    const flat = this.#call(() => nativeProcess.processEnviron(this.#roots, this.pid));
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
    return Object.fromEntries(pairs);
  }

  /** The controlling terminal's path (e.g. "/dev/pts/0"), or null. */
  terminal(): string | null {
    return this.#call(() => nativeProcess.processTerminal(this.#roots, this.pid, this.startTicks));
  }

  // ------------------------------------------------------------ lifecycle

  /**
   * True while this process (this pid AND this start time) exists; zombies count as
   * running, as in psutil. False once it is gone or its pid was reused.
   */
  isRunning(): boolean {
    if (this.#gone) return false;
    try {
      const st = callNative(() => nativeProcess.processStat(this.#roots, this.pid));
      if (st.startTicks === this.startTicks) return true;
    } catch (e) {
      if (!(e instanceof NoSuchProcess)) throw e;
    }
    this.#gone = true;
    return false;
  }

  /**
   * Sends a signal (number or name). The identity is checked through a pidfd first, so a
   * reused pid is never signalled.
   * @throws NoSuchProcess when gone or reused; AccessDenied; UnsupportedError across PID namespaces.
   */
  sendSignal(sig: number | NodeJS.Signals): void {
    if (this.pid === 0) {
      throw new InvalidArgumentError(
        'preventing sending signal to process with PID 0 as it would affect every process in the process group of the calling process',
      );
    }
    const n = signalNumber(sig);
    this.#call(() => nativeProcess.processSignal(this.#roots, this.pid, this.startTicks, n));
  }

  /** SIGSTOP. */
  suspend(): void {
    this.sendSignal('SIGSTOP');
  }
  /** SIGCONT. */
  resume(): void {
    this.sendSignal('SIGCONT');
  }
  /** SIGTERM. */
  terminate(): void {
    this.sendSignal('SIGTERM');
  }
  /** SIGKILL. */
  kill(): void {
    this.sendSignal('SIGKILL');
  }

  /**
   * Waits (asynchronously, polling /proc with a backoff up to 40 ms; no thread is held) for
   * the process to exit. Resolves with its exit code, or minus the signal that killed it,
   * when it is a child of this Node process and its status could be read before it was
   * reaped (child_process reaps its children itself: prefer its 'exit' event for them);
   * otherwise null. A zombie that is not our child counts as running until its parent reaps it.
   * @throws TimeoutExpired after `timeout` seconds.
   */
  async wait(options: { timeout?: number } = {}): Promise<number | null> {
    if (this.pid === 0) throw new InvalidArgumentError("can't wait for PID 0");
    const timeout = options.timeout;
    if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
      throw new InvalidArgumentError(`timeout must be a positive number, got ${String(timeout)}`);
    }
    const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : now() + timeout * 1000;
    let delay = 1;
    for (;;) {
      const r = this.#waitCheck();
      if (r.exited) return r.code;
      const left = deadline - now();
      if (left <= 0) throw new TimeoutExpired(timeout ?? 0, this.pid);
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, 40);
    }
  }

  /** @internal One non-blocking look (waitProcs). */
  _waitCheck(): { exited: boolean; code: number | null } {
    return this.#waitCheck();
  }

  #waitCheck(): { exited: boolean; code: number | null } {
    const r = callNative(() => nativeProcess.processWaitCheck(this.#roots, this.pid, this.startTicks));
    if (r.exited) this.#gone = true;
    return r;
  }

  // ------------------------------------------------------------ display

  toString(): string {
    const parts = [`pid=${this.pid}`];
    try {
      parts.push(`name='${this.name()}'`);
      parts.push(`status='${this.status()}'`);
      const started = new Date(this.createTime() * 1000);
      parts.push(`started='${started.toTimeString().slice(0, 8)}'`);
    } catch (e) {
      if (e instanceof ZombieProcess) parts.push("status='zombie'");
      else if (e instanceof NoSuchProcess) parts.push("status='terminated'");
      else if (!(e instanceof HostProbeError)) throw e;
    }
    return `hostprobe.Process(${parts.join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** `{pid, startTicks, key}` (JSON.stringify reads no /proc file). */
  toJSON(): { pid: number; startTicks: number; key: string } {
    return { pid: this.pid, startTicks: this.startTicks, key: this.key };
  }
}

/** @internal A Process for a known identity, without reading stat again. */
export function processFromIdentity(pid: number, startTicks: number, roots: Roots): Process {
  pendingIdentity = { pid, startTicks };
  try {
    return new Process(pid, { roots });
  } finally {
    pendingIdentity = undefined;
  }
}

// ================================================================== module functions

/** The pids in `<procfs>`, sorted (psutil.pids()). */
export function pids(options: ProcessOptions = {}): number[] {
  const roots = resolveRoots(options.roots);
  const list = callNative(() => nativeProcess.processPids(roots));
  if (list.length > 0) lowestPidCache.set(roots.procfs, list[0] as number);
  return list;
}

/**
 * Whether a process with this pid exists (psutil.pid_exists): kill(pid, 0) in this PID
 * namespace, then the status file's Tgid must be the pid (thread ids are not pids).
 */
export function pidExists(pid: number, options: ProcessOptions = {}): boolean {
  if (!Number.isInteger(pid)) throw new InvalidArgumentError(`pid must be an integer, got ${String(pid)}`);
  if (pid < 0) return false;
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeProcess.processPidExists(roots, pid));
}

// processIter's Process objects per procfs, by identity key (psutil's _pmap).
const pmaps = new Map<string, Map<string, Process>>();

export interface ProcessIterOptions<K extends ProcessAttr, D> extends ProcessOptions {
  /** Attributes to prefetch into `.info` (as `asDict`); default: none. */
  attrs?: readonly K[];
  /** Value for attributes that are AccessDenied or ZombieProcess (default null). */
  adValue?: D;
}

/** A Process yielded by `processIter({attrs})`, with its prefetched `.info`. */
export type ProcessWithInfo<K extends ProcessAttr, D> = Process & { info: ProcessDict<K, D> };

/**
 * Every process, sorted by pid, zombies included, as Process objects (psutil.process_iter).
 * The table is read by one native scan (stat for every process, plus the files the
 * requested `attrs` need), so processes that vanish meanwhile are skipped, never raised.
 * The same live process yields the same Process object on every call (cached by identity
 * key), so `cpuPercent()` works across iterations. With `attrs`, `.info` holds them as
 * `asDict` would (AccessDenied/ZombieProcess -> adValue); the attributes the scan cannot
 * read (memoryMaps, openFiles, connections, environ, ionice, cpuAffinity, threads...) are
 * read per process.
 */
export function* processIter<K extends ProcessAttr = never, D = null>(
  options: ProcessIterOptions<K, D> = {},
): Generator<ProcessWithInfo<K, D>, void, undefined> {
  const roots = resolveRoots(options.roots);
  const attrs = options.attrs;
  if (attrs) {
    for (const a of attrs) {
      if (!(PROCESS_ATTRS as readonly string[]).includes(a)) {
        throw new InvalidArgumentError(`invalid attr name '${String(a)}'; choose between ${PROCESS_ATTRS.join(', ')}`);
      }
    }
  }
  const adValue = (options.adValue ?? null) as D;
  const scanAttrs = (attrs ?? []).filter((a): a is K & ScanAttr => (SCAN_ATTRS as readonly string[]).includes(a));
  // memoryPercent (rss / MemTotal) comes from the scan's statm, so that it agrees with
  // memoryInfo of the same row instead of a second read moments later.
  const memPercent = (attrs as readonly string[] | undefined)?.includes('memoryPercent') ?? false;
  if (memPercent && !scanAttrs.includes('memoryInfo' as K & ScanAttr)) scanAttrs.push('memoryInfo' as K & ScanAttr);
  checkScanAttrs(scanAttrs);
  const perProcess = (attrs ?? []).filter((a) => a !== 'pid' && a !== 'memoryPercent' && !(SCAN_ATTRS as readonly string[]).includes(a));
  const table: ProcessTable<K & ScanAttr> = scanProcessesSync({ roots, attrs: scanAttrs });
  const total = memPercent ? callNative(() => memTotal(roots)) : 0;

  const cacheKey = `${roots.procfs}\0${roots.sysfs}\0${roots.rootfs}`;
  const old = pmaps.get(cacheKey) ?? new Map<string, Process>();
  const next = new Map<string, Process>();
  pmaps.set(cacheKey, next);
  if (table.length > 0) lowestPidCache.set(roots.procfs, table.pid[0] as number);

  for (let i = 0; i < table.length; i++) {
    if (table.isVanished(i)) continue;
    if (table.hasError(i) && table.startTicks[i] === 0) continue; // stat unreadable
    const key = table.key(i);
    const proc = old.get(key) ?? processFromIdentity(table.pid[i] as number, table.startTicks[i] as number, roots);
    next.set(key, proc);
    if (attrs) {
      const info: Partial<Record<ProcessAttr, unknown>> = {};
      for (const a of attrs) {
        if (a === 'pid') info.pid = proc.pid;
        else if (a === 'memoryPercent') {
          const mi = table.value(i, 'memoryInfo' as K & ScanAttr) as ProcessMemoryInfo | null;
          info.memoryPercent = mi === null ? adValue : (mi.rss / total) * 100;
        } else if ((SCAN_ATTRS as readonly string[]).includes(a)) {
          const v = table.value(i, a as K & ScanAttr);
          info[a] = v === null ? adValue : v;
        }
      }
      if (perProcess.length > 0) {
        try {
          Object.assign(info, proc.asDict({ attrs: perProcess, adValue }));
        } catch (e) {
          if (e instanceof NoSuchProcess) continue; // gone meanwhile: skipped, as psutil
          throw e;
        }
      }
      // Keep the requested order.
      const ordered: Partial<Record<ProcessAttr, unknown>> = {};
      for (const a of attrs) ordered[a] = info[a];
      proc.info = ordered as Partial<ProcessInfo>;
    }
    yield proc as ProcessWithInfo<K, D>;
  }
}

/** Forgets the Process objects processIter keeps between calls (psutil's process_iter.cache_clear()). */
export function processIterCacheClear(): void {
  pmaps.clear();
}

/**
 * Waits for several processes to exit (psutil.wait_procs), polling each without holding a
 * thread. Resolves with the gone ones (each with `returncode` set, see `Process.wait`) and
 * the ones still alive when `timeout` (seconds) ran out. `callback` is called once per
 * process as soon as it is seen gone.
 */
export async function waitProcs(
  procs: Iterable<Process>,
  options: { timeout?: number; callback?: (proc: Process) => void } = {},
): Promise<{ gone: Process[]; alive: Process[] }> {
  const { timeout, callback } = options;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout >= 0))) {
    throw new InvalidArgumentError(`timeout must be a positive number, got ${String(timeout)}`);
  }
  if (callback !== undefined && typeof callback !== 'function') {
    throw new InvalidArgumentError('callback is not a function');
  }
  const deadline = timeout === undefined ? Number.POSITIVE_INFINITY : now() + timeout * 1000;
  let alive = [...new Set(procs)];
  const gone: Process[] = [];
  let delay = 1;
  for (;;) {
    const still: Process[] = [];
    for (const p of alive) {
      const r = p._waitCheck();
      if (r.exited) {
        p.returncode = r.code;
        gone.push(p);
        callback?.(p);
      } else {
        still.push(p);
      }
    }
    alive = still;
    const left = deadline - now();
    if (alive.length === 0 || left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 40);
  }
  return { gone, alive };
}
