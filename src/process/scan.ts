/**
 * The batch scan: one native call reads the whole process table for a set of attributes
 * (off the JavaScript thread) and returns a columnar `ProcessTable`: typed arrays for the
 * numbers and the per-row flags, plain arrays for the strings. Rows are turned into
 * psutil-shaped objects only when asked (`get(i)`, iteration), so a collector that only
 * needs a few columns never builds per-process objects.
 */
import { callNative, callNativeAsync, InvalidArgumentError } from '../errors.js';
import { nativeProcess, type NativeScan } from '../native/process.js';
import { resolveRoots, type Roots } from '../roots.js';
import {
  COMMON_SCAN_ATTRS,
  SCAN_ATTRS,
  ScanFlags,
  statusFromLetter,
  type CommonScanAttr,
  type ProcessesSummary,
  type ProcessOptions,
  type ScanAttr,
  type ScanInfo,
  type ScanRecord,
  type ThreadStateCounts,
} from './types.js';

/** The numeric columns a scan can hold (each present when its attribute was requested). */
export type ScanColumn =
  | 'state'
  | 'ppid'
  | 'uidReal'
  | 'uidEffective'
  | 'uidSaved'
  | 'gidReal'
  | 'gidEffective'
  | 'gidSaved'
  | 'createTime'
  | 'cpuUser'
  | 'cpuSystem'
  | 'cpuChildrenUser'
  | 'cpuChildrenSystem'
  | 'cpuIowait'
  | 'memRss'
  | 'memVms'
  | 'memShared'
  | 'memText'
  | 'memLib'
  | 'memData'
  | 'memDirty'
  | 'memUss'
  | 'memPss'
  | 'memSwap'
  | 'vmSwap'
  | 'numThreads'
  | 'numFds'
  | 'fdLimitSoft'
  | 'fdLimitHard'
  | 'ctxVoluntary'
  | 'ctxInvoluntary'
  | 'ioReadCount'
  | 'ioWriteCount'
  | 'ioReadBytes'
  | 'ioWriteBytes'
  | 'ioReadChars'
  | 'ioWriteChars'
  | 'minorFaults'
  | 'majorFaults'
  | 'nice'
  | 'cpuNum'
  | 'threadsR'
  | 'threadsS'
  | 'threadsD'
  | 'threadsZ'
  | 'threadsT'
  | 'threadst'
  | 'threadsI'
  | 'threadsX'
  | 'threadsOther';

const ATTR_BIT: Readonly<Record<ScanAttr, number>> = Object.freeze(
  Object.fromEntries(SCAN_ATTRS.map((a, i) => [a, 2 ** i])) as Record<ScanAttr, number>,
);

/** Validates attribute names (InvalidArgumentError naming the bad one). */
export function checkScanAttrs(attrs: readonly string[]): asserts attrs is readonly ScanAttr[] {
  for (const a of attrs) {
    if (!(SCAN_ATTRS as readonly string[]).includes(a)) {
      throw new InvalidArgumentError(`invalid scan attribute '${a}'; choose between ${SCAN_ATTRS.join(', ')}`);
    }
  }
}

/** Splits "a\0b\0" back into ["a", "b"] ("" is [], "\0" is [""]). */
function splitCmdline(s: string): string[] {
  return s === '' ? [] : s.slice(0, -1).split('\0');
}

/**
 * A scanned process table. Row i describes the process `pid[i]`; `flags[i]` says whether it
 * vanished, is a zombie, or had AccessDenied/errors, and bit b of `missing[i]` says that
 * attribute `SCAN_ATTRS[b]` could not be read (it is null in `get(i)`, like psutil's
 * `ad_value`). Numeric columns are Float64Arrays sharing one buffer; strings are arrays.
 *
 * Memory is proportional to the number of processes: 17 bytes of identity and flags plus
 * 8 bytes per numeric column per row, plus the strings (see `byteLength`).
 */
export class ProcessTable<K extends ScanAttr = ScanAttr> implements Iterable<ScanRecord<K>> {
  /** Number of rows (processes listed, vanished ones included). */
  readonly length: number;
  /** The attributes this table was scanned for. */
  readonly attrs: readonly K[];
  readonly pid: Int32Array;
  /** Start time in clock ticks since boot (0 for a vanished row). */
  readonly startTicks: Float64Array;
  /** ScanFlags bits per row. */
  readonly flags: Uint8Array;
  /** Per row, a bit per attribute (index in SCAN_ATTRS) that is missing. */
  readonly missing: Uint32Array;
  readonly #native: NativeScan;
  readonly #users: Map<number, string>;
  #cmdlines: (string[] | null)[] | undefined;

  /** @internal Built by `scanProcesses`. */
  constructor(native: NativeScan, attrs: readonly K[]) {
    this.#native = native;
    this.length = native.length;
    this.attrs = Object.freeze([...attrs]);
    this.pid = native.pid;
    this.startTicks = native.startTicks;
    this.flags = native.flags;
    this.missing = native.missing;
    this.#users = new Map(Object.entries(native.users ?? {}).map(([uid, name]) => [Number(uid), name]));
  }

  /** A numeric column (undefined when its attribute was not requested). */
  column(name: ScanColumn): Float64Array | undefined {
    return this.#native.columns[name];
  }

  /** A string column: 'name', 'exe', 'cwd', 'terminal' (null where missing). */
  strings(name: 'name' | 'exe' | 'cwd' | 'terminal'): readonly (string | null)[] | undefined {
    return this.#native.strings[name];
  }

  /** uid -> user name for every real and effective uid seen (when 'username' was requested). */
  get users(): ReadonlyMap<number, string> {
    return this.#users;
  }

  /** `${pid}-${startTicks}`: the identity key of row i (the same as `Process.key`). */
  key(i: number): string {
    return `${this.pid[i]}-${this.startTicks[i]}`;
  }
  isVanished(i: number): boolean {
    return ((this.flags[i] ?? 0) & ScanFlags.VANISHED) !== 0;
  }
  isZombie(i: number): boolean {
    return ((this.flags[i] ?? 0) & ScanFlags.ZOMBIE) !== 0;
  }
  isAccessDenied(i: number): boolean {
    return ((this.flags[i] ?? 0) & ScanFlags.ACCESS_DENIED) !== 0;
  }
  hasError(i: number): boolean {
    return ((this.flags[i] ?? 0) & ScanFlags.ERROR) !== 0;
  }
  /** True when row i has attribute `attr` (requested and read). */
  has(i: number, attr: K): boolean {
    return this.attrs.includes(attr) && ((this.missing[i] ?? 0) & ATTR_BIT[attr]) === 0;
  }

  /** Row i's value of one attribute, psutil-shaped; null when missing. */
  value<A extends K>(i: number, attr: A): ScanInfo[A] | null {
    if (!this.has(i, attr)) return null;
    return this.#value(i, attr) as ScanInfo[A];
  }

  #col(name: ScanColumn, i: number): number {
    return this.#native.columns[name]?.[i] ?? Number.NaN;
  }

  #value(i: number, attr: ScanAttr): ScanInfo[ScanAttr] | null {
    const c = (name: ScanColumn) => this.#col(name, i);
    const s = this.#native.strings;
    switch (attr) {
      case 'name':
        return s.name?.[i] ?? null;
      case 'exe':
        return s.exe?.[i] ?? null;
      case 'cwd':
        return s.cwd?.[i] ?? null;
      case 'terminal':
        return s.terminal?.[i] ?? null;
      case 'cmdline': {
        this.#cmdlines ??= new Array<string[] | null>(this.length).fill(null);
        const hit = this.#cmdlines[i];
        if (hit) return [...hit];
        const raw = s.cmdline?.[i];
        if (raw === null || raw === undefined) return null;
        const args = splitCmdline(raw);
        this.#cmdlines[i] = args;
        return [...args];
      }
      case 'status':
        return statusFromLetter(String.fromCharCode(c('state')));
      case 'ppid':
        return c('ppid');
      case 'uids':
        return { real: c('uidReal'), effective: c('uidEffective'), saved: c('uidSaved') };
      case 'gids':
        return { real: c('gidReal'), effective: c('gidEffective'), saved: c('gidSaved') };
      case 'username': {
        const uid = c('uidReal');
        return this.#users.get(uid) ?? String(uid);
      }
      case 'createTime':
        return c('createTime');
      case 'cpuTimes':
        return {
          user: c('cpuUser'),
          system: c('cpuSystem'),
          childrenUser: c('cpuChildrenUser'),
          childrenSystem: c('cpuChildrenSystem'),
          iowait: c('cpuIowait'),
        };
      case 'memoryInfo':
        return {
          rss: c('memRss'),
          vms: c('memVms'),
          shared: c('memShared'),
          text: c('memText'),
          lib: c('memLib'),
          data: c('memData'),
          dirty: c('memDirty'),
        };
      case 'memoryFullInfo':
        return {
          rss: c('memRss'),
          vms: c('memVms'),
          shared: c('memShared'),
          text: c('memText'),
          lib: c('memLib'),
          data: c('memData'),
          dirty: c('memDirty'),
          uss: c('memUss'),
          pss: c('memPss'),
          swap: c('memSwap'),
        };
      case 'memorySwap':
        return c('vmSwap');
      case 'numThreads':
        return c('numThreads');
      case 'numFds':
        return c('numFds');
      case 'fdLimit':
        return { soft: c('fdLimitSoft'), hard: c('fdLimitHard') };
      case 'numCtxSwitches':
        return { voluntary: c('ctxVoluntary'), involuntary: c('ctxInvoluntary') };
      case 'ioCounters':
        return {
          readCount: c('ioReadCount'),
          writeCount: c('ioWriteCount'),
          readBytes: c('ioReadBytes'),
          writeBytes: c('ioWriteBytes'),
          readChars: c('ioReadChars'),
          writeChars: c('ioWriteChars'),
        };
      case 'pageFaults':
        return { minor: c('minorFaults'), major: c('majorFaults') };
      case 'nice':
        return c('nice');
      case 'cpuNum':
        return c('cpuNum');
      case 'threadStates': {
        const t: ThreadStateCounts = {
          R: c('threadsR'),
          S: c('threadsS'),
          D: c('threadsD'),
          Z: c('threadsZ'),
          T: c('threadsT'),
          t: c('threadst'),
          I: c('threadsI'),
          X: c('threadsX'),
          other: c('threadsOther'),
        };
        return t;
      }
    }
  }

  /** Row i as a plain object: identity, flags and every requested attribute (null when missing). */
  get(i: number): ScanRecord<K> {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) throw new RangeError(`row ${i} out of range 0..${this.length - 1}`);
    const flags = this.flags[i] ?? 0;
    const rec: Record<string, unknown> = {
      pid: this.pid[i],
      startTicks: this.startTicks[i],
      key: this.key(i),
      vanished: (flags & ScanFlags.VANISHED) !== 0,
      zombie: (flags & ScanFlags.ZOMBIE) !== 0,
      accessDenied: (flags & ScanFlags.ACCESS_DENIED) !== 0,
      error: (flags & ScanFlags.ERROR) !== 0,
    };
    const missing = this.missing[i] ?? 0;
    for (const a of this.attrs) rec[a] = (missing & ATTR_BIT[a]) !== 0 ? null : this.#value(i, a);
    return rec as ScanRecord<K>;
  }

  /** Every row as a plain object (vanished rows included; filter on `vanished`). */
  toArray(): ScanRecord<K>[] {
    const out: ScanRecord<K>[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.get(i));
    return out;
  }

  *[Symbol.iterator](): Iterator<ScanRecord<K>> {
    for (let i = 0; i < this.length; i++) yield this.get(i);
  }

  /** The row index of a pid (binary search: rows are in pid order when no pid list was given), or -1. */
  indexOf(pid: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.pid[mid] ?? 0;
      if (v === pid) return mid;
      if (v < pid) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = 0; i < this.length; i++) if (this.pid[i] === pid) return i;
    return -1;
  }

  /**
   * Approximate memory held by this table, bytes: the typed arrays plus the strings
   * (2 bytes per UTF-16 code unit, as an upper bound of V8's one- or two-byte strings).
   */
  get byteLength(): number {
    let bytes = this.pid.byteLength + this.startTicks.byteLength + this.flags.byteLength + this.missing.byteLength;
    const first = Object.values(this.#native.columns)[0];
    if (first) bytes += first.buffer.byteLength;
    for (const col of Object.values(this.#native.strings)) {
      if (!col) continue;
      bytes += col.length * 8; // the array's element slots
      for (const s of col) if (s) bytes += s.length * 2;
    }
    return bytes;
  }
}

export interface ScanOptions<K extends ScanAttr> extends ProcessOptions {
  /** What to read; default psutil's common set (COMMON_SCAN_ATTRS). */
  attrs?: readonly K[];
  /** Only these pids (rows in this order; absent ones come back vanished). Default: all. */
  pids?: readonly number[];
}

function scanArgs<K extends ScanAttr>(options: ScanOptions<K>): { roots: Roots; attrs: readonly K[]; pids?: readonly number[] } {
  const attrs = (options.attrs ?? COMMON_SCAN_ATTRS) as readonly K[];
  checkScanAttrs(attrs);
  if (options.pids !== undefined) {
    for (const p of options.pids) {
      if (!Number.isInteger(p) || p < 0) throw new InvalidArgumentError(`pids must be non-negative integers, got ${String(p)}`);
    }
  }
  const out: { roots: Roots; attrs: readonly K[]; pids?: readonly number[] } = { roots: resolveRoots(options.roots), attrs };
  if (options.pids !== undefined) out.pids = options.pids;
  return out;
}

/**
 * Reads the whole process table (or `pids`) for `attrs` in one native call on the libuv
 * pool. Never throws for one process: rows carry flags (vanished, zombie, accessDenied,
 * error) and missing attributes are null, decided as psutil's `as_dict(ad_value=None)`.
 *
 * @example
 * const table = await scanProcesses({ attrs: ['name', 'cpuTimes', 'memoryInfo'] });
 * const rss = table.column('memRss');       // Float64Array, one value per row
 * for (const p of table) if (!p.vanished) console.log(p.pid, p.name, p.memoryInfo?.rss);
 *
 * @throws InvalidArgumentError for an unknown attribute; an IoError when the procfs itself cannot be listed.
 */
export async function scanProcesses<K extends ScanAttr = CommonScanAttr>(options: ScanOptions<K> = {}): Promise<ProcessTable<K>> {
  const { roots, attrs, pids } = scanArgs(options);
  const native = await callNativeAsync(() =>
    pids === undefined ? nativeProcess.processScan(roots, attrs) : nativeProcess.processScan(roots, attrs, pids),
  );
  return new ProcessTable(native, attrs);
}

/** The same scan on the calling thread (what `processIter` uses). Prefer `scanProcesses`. */
export function scanProcessesSync<K extends ScanAttr = CommonScanAttr>(options: ScanOptions<K> = {}): ProcessTable<K> {
  const { roots, attrs, pids } = scanArgs(options);
  const native = callNative(() =>
    pids === undefined ? nativeProcess.processScanSync(roots, attrs) : nativeProcess.processScanSync(roots, attrs, pids),
  );
  return new ProcessTable(native, attrs);
}

/**
 * node_exporter's `processes` collector: process and thread counts per state, total threads,
 * the number of pids, and `kernel/pid_max` / `kernel/threads-max` from `<procfs>/sys`.
 * Reads every `/proc/<pid>/stat` and, for multi-threaded processes, every
 * `task/<tid>/stat`; async (libuv pool).
 */
export async function processesSummary(options: ProcessOptions = {}): Promise<ProcessesSummary> {
  const roots = resolveRoots(options.roots);
  return callNativeAsync(() => nativeProcess.processesSummary(roots));
}

/** What `processThreadTotals` gives for one process. */
export interface ProcessThreadTotals {
  /** Threads per wait channel (process-exporter's counting; empty unless asked for). */
  waitChannels: Record<string, number>;
  /**
   * For a multi-threaded process, the context switches of all its threads summed
   * (`task/<tid>/status`); null for a single-threaded one, whose own status has them.
   */
  ctxSwitches: { voluntary: number; involuntary: number } | null;
  /** Each thread of a multi-threaded process (empty unless asked for, and for a single-threaded one). */
  threads: ProcessThreadRow[];
}

/** One thread, as `processThreadTotals({threads: true})` reads it from `task/<tid>/`. */
export interface ProcessThreadRow {
  tid: number;
  /** The thread's comm (`task/<tid>/stat`). */
  name: string;
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  minorFaults: number;
  majorFaults: number;
  /** `task/<tid>/io` (0 when it cannot be read). */
  readBytes: number;
  writeBytes: number;
  voluntaryCtxSwitches: number;
  involuntaryCtxSwitches: number;
}

/**
 * What process-exporter reads per thread, for a list of processes: the wait channels as it
 * counts them for namedprocess_namegroup_threads_wchan (`/proc/<pid>/wchan`, plus each
 * thread's `task/<tid>/wchan` when there are several; running threads not counted) and the
 * context switches summed over the threads. One entry per pid, null for a process that is
 * gone; files that cannot be read (wchan needs ptrace access) are left out. Async (libuv pool).
 */
export async function processThreadTotals(
  pids: readonly number[],
  options: ProcessOptions & { waitChannels?: boolean; ctxSwitches?: boolean; threads?: boolean } = {},
): Promise<(ProcessThreadTotals | null)[]> {
  const roots = resolveRoots(options.roots);
  const raw = await callNativeAsync(() =>
    nativeProcess.processThreadTotals(
      roots,
      [...pids],
      options.waitChannels ?? true,
      options.ctxSwitches ?? true,
      options.threads ?? false,
    ),
  );
  return raw.map((r) =>
    r === null
      ? null
      : {
          waitChannels: Object.fromEntries(r.wchans),
          ctxSwitches: r.ctx ? { voluntary: r.ctx[0], involuntary: r.ctx[1] } : null,
          threads: r.threads.map(([tid, name, user, system, minflt, majflt, rb, wb, vol, invol]) => ({
            tid,
            name,
            cpuUserSeconds: user,
            cpuSystemSeconds: system,
            minorFaults: minflt,
            majorFaults: majflt,
            readBytes: rb,
            writeBytes: wb,
            voluntaryCtxSwitches: vol,
            involuntaryCtxSwitches: invol,
          })),
        },
  );
}

/** The wait channels of processes (`processThreadTotals` without the context switches). */
export async function processWaitChannels(
  pids: readonly number[],
  options: ProcessOptions = {},
): Promise<(Record<string, number> | null)[]> {
  const totals = await processThreadTotals(pids, { ...options, waitChannels: true, ctxSwitches: false });
  return totals.map((t) => (t === null ? null : t.waitChannels));
}
