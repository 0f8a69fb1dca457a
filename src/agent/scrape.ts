/**
 * Collection on scrape: what `/metrics` serves. A scrape gets the render of a snapshot whose
 * poll started at most `http.max_snapshot_age` ago; when the latest is older, the scrape
 * joins the poll in flight or starts one (Poller.fresh: single-flight, polls never overlap),
 * and every scrape served from that poll gets the same cached bytes (plain and gzip).
 *
 * A scrape waits for the poll at most its scrape timeout (X-Prometheus-Scrape-Timeout-Seconds,
 * less a 0.5 s margin; 10 s without the header). A poll slower than that (a collector near its
 * deadline) is not abandoned: that scrape is served the previous snapshot (its
 * hostprobe_poll_timestamp_seconds says how old), logged as a warning, and the next scrape
 * gets the poll's values. Before the first poll there is nothing to fall back on: the caller
 * answers 503.
 */
import type { AgentConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import type { PrometheusSink, RenderedSnapshot } from '../sinks/prometheus/index.js';
import { errorLine, type CollectorEntry } from './collector.js';
import { filterSnapshot, parseCollectFilter, selectionKey, type Selection } from './collect-filter.js';
import type { Poller } from './poller.js';
import type { Snapshot } from './snapshot.js';

export { CollectFilterError, type Selection } from './collect-filter.js';

export interface ScrapeResult {
  readonly rendered: RenderedSnapshot;
  /** True when the poll did not complete within the wait and an older snapshot was served. */
  readonly stale: boolean;
}

/** The scrape side of the agent, handed to the HTTP server. */
export interface ScrapeSource {
  /** Resolves collect[]/exclude[] (undefined: neither given). Throws CollectFilterError. */
  selection(collect: readonly string[], exclude: readonly string[]): Selection | undefined;
  /** A render of fresh values (see the module comment); undefined before the first poll completes. */
  serve(waitMs: number, selection?: Selection): Promise<ScrapeResult | undefined>;
}

export class Scrapes implements ScrapeSource {
  /** Whether the last scrape was served stale (a warning when it starts, debug while it lasts). */
  private staleRun = false;

  constructor(
    private readonly poller: Poller,
    private readonly sink: PrometheusSink,
    private readonly table: readonly CollectorEntry[],
    /** The running config (it changes on reload). */
    private readonly config: () => AgentConfig,
    private readonly logger: Logger,
  ) {}

  selection(collect: readonly string[], exclude: readonly string[]): Selection | undefined {
    return parseCollectFilter(collect, exclude, this.table, this.poller.enabledCollectors(), this.config());
  }

  async serve(waitMs: number, selection?: Selection): Promise<ScrapeResult | undefined> {
    const maxAgeMs = this.config().http.max_snapshot_age * 1000;
    let failed: string | undefined;
    const poll = this.poller.fresh(maxAgeMs).catch((e: unknown) => {
      failed = errorLine(e);
      return undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const got = await Promise.race([poll, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)))]);
    clearTimeout(timer);
    let stale = false;
    if (got === 'late' || got === undefined) {
      stale = true;
      const prev = this.poller.latest;
      const fields = {
        reason: failed ?? `the poll took longer than the scrape can wait (${(waitMs / 1000).toFixed(3)}s)`,
        ...(prev ? { served_poll_seq: prev.seq } : {}),
      };
      if (!this.staleRun) this.logger.warn('scrape served the previous snapshot', fields);
      else this.logger.debug('scrape served the previous snapshot', fields);
      this.staleRun = true;
    } else if (this.staleRun) {
      this.logger.info('scrapes are served fresh snapshots again');
      this.staleRun = false;
    }
    // The newest snapshot (a poll may have completed since ours: it is fresher still).
    const snap: Snapshot | undefined = this.poller.latest;
    if (!snap) return undefined;
    let full = this.sink.latest;
    if (!full || full.seq !== snap.seq) full = this.sink.update(snap);
    if (!selection) return { rendered: full, stale };
    return { rendered: this.sink.renderFiltered(filterSnapshot(snap, selection), selectionKey(selection)), stale };
  }
}
