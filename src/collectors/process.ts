/**
 * The process collector: node_exporter's `processes` collector (node_processes_*) and
 * process-exporter compatible groups (namedprocess_namegroup_*), plus an optional top-N.
 *
 * Everything is read by the library's batch scan (`scanProcesses`, one native call on the
 * libuv pool, never on the JS thread) with only the attributes the config needs, and
 * `processesSummary()` for node_processes_*. See docs/process-groups.md.
 *
 * Tracking (process-exporter's proc/tracker.go and grouper.go semantics):
 * - identity is (pid, start time): a reused pid with another start time is a new process;
 * - a process is matched when first seen (and again during its first
 *   `recheck_with_time_limit` seconds); an unmatched one is remembered as ignored;
 * - with `children`, an unmatched process joins its nearest grouped ancestor's group;
 * - a group's counters are the counters of its live members plus a base holding the last
 *   counters of every member that exited, so they never go backwards while the group exists;
 * - a group whose last member exits is dropped when `remove_empty_groups`;
 * - at most `max_groups` groups: a process whose group would be one more goes to
 *   `overflow_group` instead.
 * A process that vanished between listing and reading, or whose stat could not be read, is
 * skipped and only counted (`skipped`), never logged.
 */
import type { CollectContext, Collector, OptionalInput } from '../contract/collector.js';
import { clockTicks } from '../cpu.js';
import type {
  ProcessGroupReading,
  ProcessReading,
  ProcessThreadGroupReading,
  ProcessesSummary,
  TopProcessReading,
} from '../contract/snapshot.js';
import type { ProcessCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import {
  processThreadTotals,
  processesSummary,
  scanProcesses,
  type ProcessTable,
  type ProcessThreadRow,
  type ProcessThreadTotals,
  type ScanAttr,
} from '../process.js';
import type { Roots } from '../roots.js';
import { runParts } from '../contract/collector.js';
import { Matchers, commOf, type ProcAttrs } from './process/match.js';

/** Counter slots kept per member and per group base. */
const C_USER = 0;
const C_SYSTEM = 1;
const C_READ = 2;
const C_WRITE = 3;
const C_MAJFLT = 4;
const C_MINFLT = 5;
/** Per-thread counters: user, system, read bytes, write bytes, major faults, minor faults, voluntary, nonvoluntary. */
const NTHREAD = 8;
const C_VOL = 6;
const C_INVOL = 7;
const NCOUNTERS = 8;

interface Member {
  /** Group name; undefined = tracked but not in any group (ignored). */
  group: string | undefined;
  /** True when the group came from an ancestor (children), not from a matcher. */
  inherited: boolean;
  /** Re-match while the poll clock is before this (unix seconds). */
  recheckUntil: number;
  /** Last counters seen (never decreasing). */
  readonly last: Float64Array;
}

interface GroupState {
  /** Last counters of the members that exited or moved away. */
  readonly base: Float64Array;
}

/** Groups' per-poll gauges. */
/** A live member of a group in this poll. */
interface GroupMember {
  readonly pid: number;
  readonly key: string;
}

interface GroupGauges {
  numProcs: number;
  numThreads: number;
  resident: number;
  virtual: number;
  swapped: number;
  openFds: number;
  worstFdRatio: number;
  oldestStart: number;
  running: number;
  sleeping: number;
  waiting: number;
  zombie: number;
  other: number;
  readonly sum: Float64Array;
  /** The members (for the per-thread reads after the scan). */
  readonly members: GroupMember[];
}

function gauges(): GroupGauges {
  return {
    numProcs: 0,
    numThreads: 0,
    resident: 0,
    virtual: 0,
    swapped: 0,
    openFds: 0,
    worstFdRatio: 0,
    oldestStart: 0,
    running: 0,
    sleeping: 0,
    waiting: 0,
    zombie: 0,
    other: 0,
    sum: new Float64Array(NCOUNTERS),
    members: [],
  };
}

/**
 * CPU counters are kept and summed in clock ticks, integers (exact below 2^53), and
 * converted to seconds once per reading: summing per-member or per-thread seconds (floats)
 * depends on the order and can step back (0.5900000000000001 then 0.59 when a member
 * exits), which Prometheus reads as a counter reset. The scan's seconds are ticks / USER_HZ,
 * so rounding back recovers the kernel's tick count exactly.
 */
const isCpu = (k: number): boolean => k === C_USER || k === C_SYSTEM;
const toTicks = (seconds: number): number => Math.round(seconds * clockTicks());
const toSeconds = (ticks: number): number => ticks / clockTicks();

const fin = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) ? v : 0);

/** Counts one task in its state's bucket (the state letter as a char code, as the scan's `state` column). */
function countState(g: GroupGauges, code: number | undefined): void {
  switch (code === undefined ? '' : String.fromCharCode(code)) {
    case 'R':
      g.running++;
      break;
    case 'S':
      g.sleeping++;
      break;
    case 'D':
      g.waiting++;
      break;
    case 'Z':
      g.zombie++;
      break;
    default:
      g.other++;
  }
}

/** The attributes the scan must read for this config. */
export function scanAttrs(config: ProcessCollectorConfig, usesUsername: boolean): ScanAttr[] {
  const attrs = new Set<ScanAttr>();
  if (config.groups.length) {
    for (const a of [
      'name',
      'cmdline',
      'createTime',
      'cpuTimes',
      'memoryInfo',
      'memorySwap',
      'numThreads',
      'numFds',
      'fdLimit',
      'numCtxSwitches',
      'ioCounters',
      'pageFaults',
      'threadStates',
      'status',
    ] as const)
      attrs.add(a);
    if (config.children) attrs.add('ppid');
    if (usesUsername) {
      attrs.add('uids');
      attrs.add('username');
    }
  }
  if (config.top.count > 0) for (const a of ['name', 'cpuTimes', 'memoryInfo'] as const) attrs.add(a);
  return [...attrs];
}

/** The process collector's state machine, separate from the scan so it can be driven directly. */
export class ProcessTracker {
  readonly #config: ProcessCollectorConfig;
  readonly #matchers: Matchers;
  readonly #tracked = new Map<string, Member>();
  readonly #groups = new Map<string, GroupState>();
  /** For top-N by cpu: each process's cpu seconds at the previous poll. */
  #prevCpu = new Map<string, number>();
  #vanished = 0;
  #denied = 0;

  constructor(config: ProcessCollectorConfig) {
    this.#config = config;
    this.#matchers = new Matchers(config.groups);
  }

  get usesUsername(): boolean {
    return this.#matchers.usesUsername;
  }

  /** Number of processes remembered (members and ignored ones). */
  get trackedCount(): number {
    return this.#tracked.size;
  }

  get skipped(): { vanished: number; denied: number } {
    return { vanished: this.#vanished, denied: this.#denied };
  }

  /** A group for `name`, honouring max_groups (undefined name = no group). */
  #resolveGroup(name: string): string {
    if (this.#groups.has(name)) return name;
    const overflow = this.#config.overflow_group;
    if (name !== overflow) {
      let real = this.#groups.size;
      if (this.#groups.has(overflow)) real--;
      if (real >= this.#config.max_groups) name = overflow;
    }
    if (!this.#groups.has(name)) this.#groups.set(name, { base: new Float64Array(NCOUNTERS) });
    return name;
  }

  #moveOut(m: Member): void {
    if (m.group === undefined) return;
    const g = this.#groups.get(m.group);
    if (g) for (let k = 0; k < NCOUNTERS; k++) (g.base[k] as number) += m.last[k] as number;
  }

  /** Puts a member in a group (undefined = none); moving out leaves its counters behind. */
  #assign(m: Member, group: string | undefined, inherited: boolean): void {
    if (group !== m.group) {
      this.#moveOut(m);
      m.last.fill(0);
      m.group = group;
    }
    m.inherited = inherited;
  }

  /**
   * After `update`: the context switches summed over each multi-threaded member's threads
   * (process-exporter's numbers; the scan's status has the main thread's only) replace the
   * members' counters, kept as running maxima like the others, and the groups' totals are
   * recomputed from them.
   */
  applyThreadCtx(
    groups: readonly ProcessGroupReading[],
    members: Map<string, GroupMember[]>,
    ctx: Map<string, readonly [number, number]>,
  ): ProcessGroupReading[] {
    return groups.map((g) => {
      const list = members.get(g.name);
      const gs = this.#groups.get(g.name);
      if (!list || !gs) return g;
      let vol = gs.base[C_VOL] as number;
      let invol = gs.base[C_INVOL] as number;
      for (const m of list) {
        const mem = this.#tracked.get(m.key);
        if (!mem) continue;
        const c = ctx.get(m.key);
        if (c) {
          if (c[0] > (mem.last[C_VOL] as number)) mem.last[C_VOL] = c[0];
          if (c[1] > (mem.last[C_INVOL] as number)) mem.last[C_INVOL] = c[1];
        }
        vol += mem.last[C_VOL] as number;
        invol += mem.last[C_INVOL] as number;
      }
      return { ...g, voluntaryContextSwitches: vol, nonvoluntaryContextSwitches: invol };
    });
  }

  /** Threads of multi-threaded members, by member key + tid. */
  readonly #threads = new Map<string, { group: string; name: string; last: Float64Array }>();
  /** Per group and thread name: the last counters of threads that exited or were renamed. */
  readonly #threadBase = new Map<string, Map<string, Float64Array>>();

  #threadBaseOf(group: string, name: string): Float64Array {
    let byName = this.#threadBase.get(group);
    if (!byName) this.#threadBase.set(group, (byName = new Map()));
    let b = byName.get(name);
    if (!b) byName.set(name, (b = new Float64Array(NTHREAD)));
    return b;
  }

  #retireThread(key: string): void {
    const t = this.#threads.get(key);
    if (!t) return;
    if (this.#groups.has(t.group)) {
      const b = this.#threadBaseOf(t.group, t.name);
      for (let k = 0; k < NTHREAD; k++) (b[k] as number) += t.last[k] as number;
    }
    this.#threads.delete(key);
  }

  /**
   * After `update`: the threads of the multi-threaded members (process-exporter's -threads),
   * by thread name. Like the group counters, each thread's counters are running maxima and a
   * thread that exits (or is renamed, or whose process leaves the group) leaves its last
   * counters in its name's base, so the per-name counters never go backwards while the group
   * lives. `rows` holds the threads of the members that were read this poll.
   */
  applyThreads(
    groups: readonly ProcessGroupReading[],
    members: Map<string, GroupMember[]>,
    rows: Map<string, readonly ProcessThreadRow[]>,
  ): ProcessGroupReading[] {
    const live = new Set<string>();
    const liveMembers = new Map<string, string>();
    for (const [group, list] of members) for (const m of list) liveMembers.set(m.key, group);
    for (const [memberKey, threads] of rows) {
      const group = liveMembers.get(memberKey);
      if (group === undefined) continue;
      for (const r of threads) {
        const key = `${memberKey}/${r.tid}`;
        live.add(key);
        let t = this.#threads.get(key);
        if (t && (t.group !== group || t.name !== r.name)) {
          this.#retireThread(key);
          t = undefined;
        }
        if (!t) this.#threads.set(key, (t = { group, name: r.name, last: new Float64Array(NTHREAD) }));
        const cur = [
          toTicks(r.cpuUserSeconds),
          toTicks(r.cpuSystemSeconds),
          r.readBytes,
          r.writeBytes,
          r.majorFaults,
          r.minorFaults,
          r.voluntaryCtxSwitches,
          r.involuntaryCtxSwitches,
        ];
        for (let k = 0; k < NTHREAD; k++) if ((cur[k] as number) > (t.last[k] as number)) t.last[k] = cur[k] as number;
      }
    }
    // Threads gone: their member left, or it was read and they were not in it.
    for (const key of [...this.#threads.keys()]) {
      if (live.has(key)) continue;
      const memberKey = key.slice(0, key.lastIndexOf('/'));
      if (!liveMembers.has(memberKey) || rows.has(memberKey)) this.#retireThread(key);
    }
    for (const g of this.#threadBase.keys()) if (!this.#groups.has(g)) this.#threadBase.delete(g);
    // Per group and name: live threads plus the base.
    const byGroup = new Map<string, Map<string, { count: number; sum: Float64Array }>>();
    const entry = (group: string, name: string): { count: number; sum: Float64Array } => {
      let m = byGroup.get(group);
      if (!m) byGroup.set(group, (m = new Map()));
      let e = m.get(name);
      if (!e) m.set(name, (e = { count: 0, sum: new Float64Array(NTHREAD) }));
      return e;
    };
    for (const [group, byName] of this.#threadBase) {
      for (const [name, b] of byName) {
        const e = entry(group, name);
        for (let k = 0; k < NTHREAD; k++) (e.sum[k] as number) += b[k] as number;
      }
    }
    for (const t of this.#threads.values()) {
      const e = entry(t.group, t.name);
      e.count++;
      for (let k = 0; k < NTHREAD; k++) (e.sum[k] as number) += t.last[k] as number;
    }
    return groups.map((g) => {
      const m = byGroup.get(g.name);
      if (!m) return g;
      const threads: ProcessThreadGroupReading[] = [...m]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, e]) => ({
          name,
          count: e.count,
          cpuUserSeconds: toSeconds(e.sum[0] as number),
          cpuSystemSeconds: toSeconds(e.sum[1] as number),
          readBytes: e.sum[2] as number,
          writeBytes: e.sum[3] as number,
          majorPageFaults: e.sum[4] as number,
          minorPageFaults: e.sum[5] as number,
          voluntaryContextSwitches: e.sum[6] as number,
          nonvoluntaryContextSwitches: e.sum[7] as number,
        }));
      return { ...g, threads };
    });
  }

  /** Feeds one scan; returns the groups and top processes for the snapshot. */
  update(
    t: ProcessTable,
    nowSeconds: number,
  ): { groups?: ProcessGroupReading[]; top?: TopProcessReading[]; members?: Map<string, GroupMember[]> } {
    const cfg = this.#config;
    const n = t.length;
    const col = (name: Parameters<ProcessTable['column']>[0]): Float64Array | undefined => t.column(name);
    const cpuUser = col('cpuUser');
    const cpuSystem = col('cpuSystem');
    const ppidCol = col('ppid');
    const createTime = col('createTime');
    const uidEff = col('uidEffective');
    const names = t.strings('name');
    const ok = new Uint8Array(n);
    const keys: string[] = new Array<string>(n);
    const rowOfPid = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (t.isVanished(i)) {
        this.#vanished++;
        continue;
      }
      if (!t.has(i, 'name') || !t.has(i, 'cpuTimes')) {
        if (t.isAccessDenied(i)) this.#denied++;
        else this.#vanished++;
        continue;
      }
      ok[i] = 1;
      keys[i] = t.key(i);
      rowOfPid.set(t.pid[i] as number, i);
    }

    const seen = new Set<string>();
    const result: { groups?: ProcessGroupReading[]; top?: TopProcessReading[]; members?: Map<string, GroupMember[]> } = {};

    if (this.#matchers.size > 0) {
      // 1. Match new processes (and those still within their recheck window).
      const unmatched: number[] = [];
      const attrsOf = (i: number): ProcAttrs => ({
        comm: commOf(names?.[i] ?? ''),
        cmdline: t.value(i, 'cmdline') ?? [],
        pid: t.pid[i] as number,
        startTime: fin(createTime?.[i]),
        username: () => {
          const uid = uidEff?.[i];
          return uid === undefined || Number.isNaN(uid) ? '' : (t.users.get(uid) ?? String(uid));
        },
      });
      for (let i = 0; i < n; i++) {
        if (!ok[i]) continue;
        const key = keys[i] as string;
        seen.add(key);
        let m = this.#tracked.get(key);
        const fresh = m === undefined;
        if (!fresh && (m as Member).recheckUntil <= nowSeconds) continue;
        const name = this.#matchers.match(attrsOf(i));
        if (fresh) {
          m = {
            group: undefined,
            inherited: false,
            recheckUntil: fin(createTime?.[i]) + cfg.recheck_with_time_limit,
            last: new Float64Array(NCOUNTERS),
          };
          this.#tracked.set(key, m);
        }
        const mem = m as Member;
        if (name !== undefined) {
          this.#assign(mem, this.#resolveGroup(name), false);
        } else if (mem.group === undefined || !mem.inherited) {
          // Not matched (any more): a candidate for its ancestor's group (decided below).
          unmatched.push(i);
        }
      }
      // 2. children: an unmatched process joins its nearest grouped ancestor's group.
      for (const i of unmatched) {
        const mem = this.#tracked.get(keys[i] as string) as Member;
        let group: string | undefined;
        if (cfg.children && ppidCol) {
          let pp = ppidCol[i] ?? 0;
          for (let depth = 0; pp > 0 && depth < 4096; depth++) {
            const j = rowOfPid.get(pp);
            if (j === undefined) break;
            const anc = this.#tracked.get(keys[j] as string);
            if (anc?.group !== undefined && anc !== mem) {
              group = this.#resolveGroup(anc.group);
              break;
            }
            pp = ppidCol[j] ?? 0;
          }
        }
        this.#assign(mem, group, group !== undefined);
      }

      // 3. Members' counters and the groups' gauges.
      const live = new Map<string, GroupGauges>();
      const c = {
        user: cpuUser,
        system: cpuSystem,
        read: col('ioReadBytes'),
        write: col('ioWriteBytes'),
        majflt: col('majorFaults'),
        minflt: col('minorFaults'),
        vol: col('ctxVoluntary'),
        invol: col('ctxInvoluntary'),
        rss: col('memRss'),
        vms: col('memVms'),
        swap: col('vmSwap'),
        threads: col('numThreads'),
        fds: col('numFds'),
        fdSoft: col('fdLimitSoft'),
        state: col('state'),
        tR: col('threadsR'),
        tS: col('threadsS'),
        tD: col('threadsD'),
        tZ: col('threadsZ'),
        tT: col('threadsT'),
        tt: col('threadst'),
        tI: col('threadsI'),
        tX: col('threadsX'),
        tO: col('threadsOther'),
      };
      for (let i = 0; i < n; i++) {
        if (!ok[i]) continue;
        const mem = this.#tracked.get(keys[i] as string);
        if (mem?.group === undefined) continue;
        const cur = [c.user, c.system, c.read, c.write, c.majflt, c.minflt, c.vol, c.invol];
        for (let k = 0; k < NCOUNTERS; k++) {
          const raw = cur[k]?.[i];
          const v = raw !== undefined && isCpu(k) ? toTicks(raw) : raw;
          // A value that could not be read this time (denied io) keeps the last one.
          if (v !== undefined && Number.isFinite(v) && v > (mem.last[k] as number)) mem.last[k] = v;
        }
        let g = live.get(mem.group);
        if (!g) live.set(mem.group, (g = gauges()));
        g.numProcs++;
        g.members.push({ pid: t.pid[i] as number, key: keys[i] as string });
        for (let k = 0; k < NCOUNTERS; k++) (g.sum[k] as number) += mem.last[k] as number;
        const threads = fin(c.threads?.[i]);
        g.numThreads += threads;
        g.resident += fin(c.rss?.[i]);
        g.virtual += fin(c.vms?.[i]);
        g.swapped += fin(c.swap?.[i]);
        const fds = fin(c.fds?.[i]);
        g.openFds += fds;
        const soft = c.fdSoft?.[i];
        if (soft !== undefined && Number.isFinite(soft) && soft > 0) g.worstFdRatio = Math.max(g.worstFdRatio, fds / soft);
        const st = fin(createTime?.[i]);
        if (st > 0 && (g.oldestStart === 0 || st < g.oldestStart)) g.oldestStart = st;
        if (t.has(i, 'threadStates')) {
          g.running += fin(c.tR?.[i]);
          g.sleeping += fin(c.tS?.[i]);
          g.waiting += fin(c.tD?.[i]);
          g.zombie += fin(c.tZ?.[i]);
          g.other += fin(c.tT?.[i]) + fin(c.tt?.[i]) + fin(c.tI?.[i]) + fin(c.tX?.[i]) + fin(c.tO?.[i]);
          // As process-exporter: a multi-threaded member's own state (its main thread's) is
          // added to its threads', so the main thread counts twice (as in threads_wchan).
          if (threads > 1 && t.has(i, 'status')) countState(g, c.state?.[i]);
        } else {
          g.other += threads;
        }
      }

      // 4. Members that exited leave their last counters in their group's base.
      for (const [key, mem] of this.#tracked) {
        if (seen.has(key)) continue;
        this.#moveOut(mem);
        this.#tracked.delete(key);
      }

      // 5. The readings; empty groups dropped when configured.
      const groups: ProcessGroupReading[] = [];
      for (const [name, gs] of this.#groups) {
        const g = live.get(name);
        if (!g && cfg.remove_empty_groups) {
          this.#groups.delete(name);
          continue;
        }
        const gg = g ?? gauges();
        const total = (k: number): number => (gs.base[k] as number) + (gg.sum[k] as number);
        groups.push({
          name,
          numProcs: gg.numProcs,
          numThreads: gg.numThreads,
          cpuUserSeconds: toSeconds(total(C_USER)),
          cpuSystemSeconds: toSeconds(total(C_SYSTEM)),
          readBytes: total(C_READ),
          writeBytes: total(C_WRITE),
          majorPageFaults: total(C_MAJFLT),
          minorPageFaults: total(C_MINFLT),
          voluntaryContextSwitches: total(C_VOL),
          nonvoluntaryContextSwitches: total(C_INVOL),
          residentBytes: gg.resident,
          virtualBytes: gg.virtual,
          swappedBytes: gg.swapped,
          openFds: gg.openFds,
          worstFdRatio: gg.worstFdRatio,
          oldestStartTimeSeconds: gg.oldestStart,
          states: { Running: gg.running, Sleeping: gg.sleeping, Waiting: gg.waiting, Zombie: gg.zombie, Other: gg.other },
        });
      }
      groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      result.groups = groups;
      result.members = new Map([...live].map(([name, g]) => [name, g.members]));
    }

    if (cfg.top.count > 0) result.top = this.#top(t, ok, keys);
    return result;
  }

  #top(t: ProcessTable, ok: Uint8Array, keys: readonly string[]): TopProcessReading[] {
    const by = this.#config.top.by;
    const user = t.column('cpuUser');
    const system = t.column('cpuSystem');
    const rss = t.column('memRss');
    const vms = t.column('memVms');
    const names = t.strings('name');
    const prev = this.#prevCpu;
    const next = new Map<string, number>();
    const rows: { i: number; score: number }[] = [];
    for (let i = 0; i < t.length; i++) {
      if (!ok[i]) continue;
      const cpu = fin(user?.[i]) + fin(system?.[i]);
      const key = keys[i] as string;
      next.set(key, cpu);
      // cpu: the CPU used since the previous poll (a process's whole life when new).
      const score = by === 'cpu' ? cpu - (prev.get(key) ?? 0) : fin(rss?.[i]);
      rows.push({ i, score });
    }
    this.#prevCpu = next;
    rows.sort((a, b) => b.score - a.score || (t.pid[a.i] as number) - (t.pid[b.i] as number));
    return rows.slice(0, this.#config.top.count).map(({ i }) => ({
      pid: t.pid[i] as number,
      name: names?.[i] ?? '',
      by,
      cpuUserSeconds: fin(user?.[i]),
      cpuSystemSeconds: fin(system?.[i]),
      residentBytes: fin(rss?.[i]),
      virtualBytes: fin(vms?.[i]),
    }));
  }
}

/**
 * pid_max and threads-max are required (node_exporter's processes collector fails without
 * them): the library gives null when they are missing or not an integer, the part fails.
 */
function requireLimits<S extends { maxProcesses: number | null; maxThreads: number | null }>(s: S, roots: Roots): S {
  const bad = [...(s.maxProcesses === null ? ['pid_max'] : []), ...(s.maxThreads === null ? ['threads-max'] : [])].map(
    (f) => `${roots.procfs.replace(/\/+$/, '')}/sys/kernel/${f}`,
  );
  if (bad.length) throw new Error(`cannot read ${bad.join(' and ')}: missing or not an integer`);
  return s;
}

function toSummary(s: Awaited<ReturnType<typeof processesSummary>>): ProcessesSummary {
  const out: { -readonly [K in keyof ProcessesSummary]: ProcessesSummary[K] } = {
    pids: s.pids,
    threads: s.threads,
    states: { ...s.states },
    threadStates: { ...s.threadStates },
  };
  if (s.maxThreads !== null) out.maxThreads = s.maxThreads;
  if (s.maxProcesses !== null) out.maxProcesses = s.maxProcesses;
  return out;
}

/**
 * The per-thread reads of the members, once the groups are known: context switches summed
 * over each multi-threaded member's threads, and the wait channels when threads_wchan is on
 * (namedprocess_namegroup_threads_wchan), as process-exporter reads them.
 */
async function withThreadTotals(
  tracker: ProcessTracker,
  groups: ProcessGroupReading[],
  members: Map<string, GroupMember[]>,
  waitChannels: boolean,
  threads: boolean,
  roots: Roots,
  ctx: CollectContext<'process'>,
): Promise<ProcessGroupReading[]> {
  const names = [...members.keys()];
  const list = names.flatMap((n) => members.get(n) ?? []);
  if (list.length === 0) return groups;
  let totals: (ProcessThreadTotals | null)[];
  try {
    totals = await processThreadTotals(
      list.map((m) => m.pid),
      { roots, waitChannels, ctxSwitches: true, threads },
    );
  } catch (e) {
    ctx.partFailed('threads', e);
    return groups;
  }
  const ctxByKey = new Map<string, readonly [number, number]>();
  const threadRows = new Map<string, readonly ProcessThreadRow[]>();
  const wchans = new Map<string, Record<string, number>>();
  let i = 0;
  for (const name of names) {
    const w: Record<string, number> = {};
    for (const m of members.get(name) ?? []) {
      const t = totals[i++];
      if (!t) continue;
      if (t.ctxSwitches) ctxByKey.set(m.key, [t.ctxSwitches.voluntary, t.ctxSwitches.involuntary]);
      if (threads) threadRows.set(m.key, t.threads);
      for (const [wchan, n] of Object.entries(t.waitChannels)) w[wchan] = (w[wchan] ?? 0) + n;
    }
    wchans.set(name, w);
  }
  let updated = tracker.applyThreadCtx(groups, members, ctxByKey);
  if (threads) updated = tracker.applyThreads(updated, members, threadRows);
  if (!waitChannels) return updated;
  return updated.map((g) => (wchans.has(g.name) ? { ...g, wchans: wchans.get(g.name) as Record<string, number> } : g));
}

/** Every file this collector reads is required: missing, unreadable or malformed fails it (docs/agent.md "Failure semantics"). */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [];

export function create(config: ProcessCollectorConfig, _logger: Logger): Collector<'process'> {
  const tracker = new ProcessTracker(config);
  const attrs = scanAttrs(config, tracker.usesUsername);
  return {
    name: 'process',
    async collect(ctx) {
      const roots = ctx.roots;
      const parts = await runParts(ctx, {
        processes: config.processes.enabled ? async () => requireLimits(await processesSummary({ roots }), roots) : undefined,
        scan: attrs.length ? () => scanProcesses({ roots, attrs }) : undefined,
      });
      const reading: { -readonly [K in keyof ProcessReading]: ProcessReading[K] } = {};
      if (parts.processes) reading.summary = toSummary(parts.processes);
      if (parts.scan) {
        const r = tracker.update(parts.scan, ctx.now() / 1000);
        if (r.groups && r.members)
          reading.groups = await withThreadTotals(tracker, r.groups, r.members, config.threads_wchan, config.threads, roots, ctx);
        else if (r.groups) reading.groups = r.groups;
        if (r.top) reading.top = r.top;
        reading.skipped = tracker.skipped;
      }
      return reading;
    },
  };
}
