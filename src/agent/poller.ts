/**
 * The poller: on every interval it runs the enabled collectors concurrently, each with its
 * own deadline, and freezes what they read into one Snapshot, which it hands to the
 * listeners (the Prometheus renderer, the OTLP pusher). Polls never overlap. A scrape asks
 * for a snapshot no older than a bound (`fresh`), which joins the poll in flight or starts
 * one, so the values it serves were collected for it.
 */
import type { AgentConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { resolveRoots, type Roots } from '../roots.js';
import { buildInfo } from '../contract/build-info.js';
import { errorLine, type Collector, type CollectorEntry } from '../contract/collector.js';
import { runCollector, type RunState } from './collector.js';
import { readRuntimeFamilies } from './self.js';
import {
  freezeSnapshot,
  type CollectorName,
  type CollectorStatus,
  type Readings,
  type RuntimeFamily,
  type Snapshot,
} from '../contract/snapshot.js';
import { applyFaults, parseFaults, type Faults } from './faults.js';

/**
 * Test-only: HOSTPROBE_TEST_CLOCK=<unix seconds> freezes the poll clock (snapshot
 * timestamps, node_time_seconds) so golden outputs are deterministic.
 */
export function clockFromEnv(v: string | undefined): (() => number) | undefined {
  if (!v) return undefined;
  const s = Number(v);
  if (!Number.isFinite(s)) throw new Error(`HOSTPROBE_TEST_CLOCK: not a number: ${JSON.stringify(v)}`);
  return () => s * 1000;
}

export type SnapshotListener = (s: Snapshot) => void;

export interface PollerOptions {
  config: AgentConfig;
  logger: Logger;
  /** The collector table (default: src/collectors/index.ts). */
  table: readonly CollectorEntry[];
  /**
   * Test-only fault injection (see src/agent/faults.ts); by default read from the
   * HOSTPROBE_TEST_FAULTS environment variable.
   */
  faults?: Faults;
  /** Test-only: a fixed wall clock (ms) for snapshot timestamps and the time collector. */
  clock?: () => number;
  /** Leave out the agent's runtime metrics (faster one-shot use). */
  skipRuntime?: boolean;
}

interface Active {
  entry: CollectorEntry;
  collector?: Collector;
  /** Why the collector could not be created (the module is missing, ...). */
  createError?: string;
  state: RunState;
  /** The error of the last poll, while the collector keeps failing. */
  lastError?: string;
  /** Polls in which the collector failed (hostprobe_collector_errors_total). */
  errors: number;
  /** The config section it was created for (sectionKey), to keep it across a reload. */
  key?: string;
}

/**
 * A collector's config section as a string that is equal exactly when the sections are
 * (regexes by source and flags); undefined when it holds something it cannot spell (a
 * function, a class instance), so such a collector is always recreated.
 */
export function sectionKey(section: unknown): string | undefined {
  let opaque = false;
  const text = JSON.stringify(section, (_k, v: unknown) => {
    if (v instanceof RegExp) return `/${v.source}/${v.flags}`;
    if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') opaque = true;
    else if (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.getPrototypeOf(v) !== Object.prototype &&
      Object.getPrototypeOf(v) !== null
    )
      opaque = true;
    return v;
  });
  return opaque ? undefined : text;
}

/** Whether a collector is enabled and has at least one enabled part. */
export function isCollectorEnabled(name: CollectorName, config: AgentConfig): boolean {
  const c = config.collectors[name] as unknown as Record<string, unknown>;
  if (!c.enabled) return false;
  const parts = Object.entries(c).filter(
    ([k, v]) => k !== 'top' && typeof v === 'object' && v !== null && !Array.isArray(v) && 'enabled' in (v as object),
  );
  if (parts.length === 0) return true;
  if (name === 'process' && Array.isArray(c.groups) && c.groups.length > 0) return true;
  return parts.some(([, v]) => (v as { enabled: boolean }).enabled);
}

export class Poller {
  private config: AgentConfig;
  private roots: Roots;
  private readonly logger: Logger;
  private readonly table: readonly CollectorEntry[];
  private faults: Faults;
  private readonly clock: () => number;
  private active: Active[] = [];
  private listeners: SnapshotListener[] = [];
  private periodicListeners: SnapshotListener[] = [];
  /** The seq of the last snapshot handed to the periodic listeners. */
  private periodicSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Snapshot> | undefined;
  private stopped = true;
  private seq = 0;
  private lastSuccess = 0;
  private readonly startTime = Date.now() / 1000;
  private readonly skipRuntime: boolean;
  /** The latest snapshot. */
  latest: Snapshot | undefined;
  /** When the latest snapshot's poll started (performance.now() ms; monotonic, unlike its timestamp). */
  private latestStartedAt = 0;
  /** Callers of `fresh` waiting for a poll. */
  private waiters = 0;

  constructor(opts: PollerOptions) {
    this.config = opts.config;
    this.roots = resolveRoots(opts.config.paths);
    this.logger = opts.logger;
    this.table = opts.table;
    this.faults = opts.faults ?? parseFaults(process.env.HOSTPROBE_TEST_FAULTS);
    this.clock = opts.clock ?? clockFromEnv(process.env.HOSTPROBE_TEST_CLOCK) ?? (() => Date.now());
    this.skipRuntime = opts.skipRuntime ?? false;
  }

  /**
   * Every snapshot: the periodic polls' and the ones scrapes asked for (the Prometheus render).
   * Returns what unsubscribes `l` (a poll being handed out still reaches the others).
   */
  onSnapshot(l: SnapshotListener): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  /**
   * The snapshots of `pollOnce` only (the schedule, a reload, an explicit poll), not of the
   * polls scrapes trigger through `fresh`: the OTLP push keeps the poll_interval cadence
   * however often Prometheus scrapes. A pollOnce that finds a scrape's poll in flight joins
   * it, and that snapshot is handed out here too (once).
   */
  onPeriodicSnapshot(l: SnapshotListener): () => void {
    this.periodicListeners.push(l);
    return () => {
      this.periodicListeners = this.periodicListeners.filter((x) => x !== l);
    };
  }

  private emit(listeners: readonly SnapshotListener[], snap: Snapshot): void {
    for (const l of listeners) {
      try {
        l(snap);
      } catch (e) {
        this.logger.error('snapshot listener failed', { err: errorLine(e) });
      }
    }
  }

  /** Creates the collectors for the current config. */
  async init(): Promise<void> {
    const next: Active[] = [];
    for (const entry of this.table) {
      if (!isCollectorEnabled(entry.name, this.config)) continue;
      const log = this.logger.with({ collector: entry.name });
      const prev = this.active.find((o) => o.entry.name === entry.name);
      const key = sectionKey(this.config.collectors[entry.name]);
      // A reload keeps a collector whose section did not change, with its state (process
      // groups' counters of exited members, the CPU clamp): its counters never go backwards.
      if (prev?.collector && key !== undefined && prev.key === key) {
        next.push(prev);
        continue;
      }
      // The error count survives a reload: it is a counter of the collector, not of its config.
      const a: Active = { entry, state: {}, errors: prev?.errors ?? 0, ...(key !== undefined ? { key } : {}) };
      try {
        const c = await entry.create(this.config.collectors[entry.name] as never, log);
        a.collector = applyFaults(c, this.faults);
      } catch (e) {
        a.createError = errorLine(e);
        this.logger.error('collector unavailable', { collector: entry.name, err: a.createError });
      }
      next.push(a);
    }
    const old = this.active;
    this.active = next;
    for (const a of old) if (!next.includes(a)) a.collector?.close?.();
  }

  /** Names of the collectors that run. */
  enabledCollectors(): CollectorName[] {
    return this.active.map((a) => a.entry.name);
  }

  /** Swaps in a new config (SIGHUP): collectors are recreated, the schedule follows the new interval. */
  async reconfigure(config: AgentConfig): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    this.config = config;
    this.roots = resolveRoots(config.paths);
    await this.init();
    if (!this.stopped) {
      clearTimeout(this.timer);
      this.schedule(Date.now());
    }
  }

  /** Runs one poll now (waits for a running one instead of overlapping it). */
  pollOnce(): Promise<Snapshot> {
    return this.poll().then((snap) => {
      if (snap.seq > this.periodicSeq) {
        this.periodicSeq = snap.seq;
        this.emit(this.periodicListeners, snap);
      }
      return snap;
    });
  }

  /** The poll in flight, or a new one. */
  private poll(): Promise<Snapshot> {
    if (this.running) return this.running;
    const p = this.doPoll().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /**
   * A snapshot whose poll started at most `maxAgeMs` ago (a scrape's values): the latest one
   * when it is that young, else the poll in flight (joined: polls never overlap), else a new
   * poll. Concurrent callers share one poll. The periodic schedule is not moved.
   */
  fresh(maxAgeMs: number): Promise<Snapshot> {
    if (this.latest && performance.now() - this.latestStartedAt <= maxAgeMs) return Promise.resolve(this.latest);
    this.waiters++;
    return this.poll().finally(() => this.waiters--);
  }

  /** How many `fresh` callers are waiting for a poll now (tests: every scrape has joined). */
  get waitingForPoll(): number {
    return this.waiters;
  }

  private async doPoll(): Promise<Snapshot> {
    const t0 = performance.now();
    const timestamp = this.clock();
    const seq = ++this.seq;
    const config = this.config;
    const statuses: Partial<Record<CollectorName, CollectorStatus>> = {};
    const readings: Record<string, unknown> = {};
    const runtimeP: Promise<RuntimeFamily[]> = this.skipRuntime
      ? Promise.resolve([])
      : readRuntimeFamilies().catch((e: unknown) => {
          this.logger.debug('runtime metrics unavailable', { err: errorLine(e) });
          return [];
        });
    await Promise.all(
      this.active.map(async (a) => {
        const name = a.entry.name;
        if (!a.collector) {
          statuses[name] = { success: false, durationSeconds: 0, error: a.createError ?? 'unavailable', errorsTotal: ++a.errors };
          return;
        }
        const cfg = config.collectors[name];
        const timeout = cfg.timeout ?? config.collector_timeout;
        const log = this.logger.with({ collector: name });
        const r = await runCollector(
          a.collector,
          { roots: this.roots, config: cfg as never, agent: config, logger: log, now: () => timestamp },
          timeout,
          a.state,
        );
        statuses[name] = { ...r.status, errorsTotal: r.status.success ? a.errors : ++a.errors };
        if (r.reading !== undefined) readings[name] = r.reading;
        // Logged when a collector starts failing or fails differently, and when it recovers;
        // a collector that keeps failing the same way is logged at debug, not every poll.
        const prev = a.lastError;
        if (!r.status.success) {
          const fields = { err: r.status.error, duration_seconds: r.status.durationSeconds };
          if (prev !== r.status.error) log.warn('collector failed', fields);
          else log.debug('collector failed', fields);
          a.lastError = r.status.error ?? 'failed';
        } else if (prev !== undefined) {
          log.info('collector recovered');
          delete a.lastError;
        }
      }),
    );
    const runtime = await runtimeP;
    const durationSeconds = (performance.now() - t0) / 1000;
    const ok = Object.values(statuses).every((s) => s?.success);
    if (ok) this.lastSuccess = timestamp / 1000;
    const bi = buildInfo();
    const snap = freezeSnapshot({
      seq,
      timestamp,
      durationSeconds,
      collectors: statuses,
      readings: readings as Readings,
      labels: { ...config.labels },
      self: {
        version: bi.version,
        revision: bi.revision,
        nodeVersion: bi.nodeVersion,
        startTimeSeconds: this.startTime,
        lastSuccessfulPollSeconds: this.lastSuccess,
        polls: seq,
        runtime,
      },
    });
    this.latest = snap;
    this.latestStartedAt = t0;
    this.emit(this.listeners, snap);
    this.logger.debug('poll done', { seq, duration_seconds: durationSeconds.toFixed(4), ok });
    return snap;
  }

  /** Starts polling: one poll now, then every poll_interval (measured from poll start). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(Date.now());
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, at - Date.now());
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.pollOnce()
        .catch((e: unknown) => this.logger.error('poll failed', { err: errorLine(e) }))
        .finally(() => {
          const intervalMs = this.config.poll_interval * 1000;
          let next = started + intervalMs;
          // A poll longer than the interval: skip the missed ticks rather than run back to back.
          while (next <= Date.now()) next += intervalMs;
          this.schedule(next);
        });
    }, delay);
  }

  /** Stops polling and waits for a running poll. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running) await this.running.catch(() => undefined);
    for (const a of this.active) a.collector?.close?.();
  }
}
