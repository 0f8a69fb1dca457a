/**
 * Collection on scrape: what `/metrics` serves. A scrape gets the render of a snapshot whose
 * poll started at most `http.max_snapshot_age` ago; when the latest is older, the scrape
 * joins the poll in flight or starts one (Poller.fresh: single-flight, polls never overlap),
 * and every scrape served from that poll gets the same cached bytes (plain and gzip).
 *
 * A scrape waits for the poll at most its scrape timeout (X-Prometheus-Scrape-Timeout-Seconds,
 * less a margin of 0.5 s or a quarter of a short timeout; 10 s without the header). A poll slower than that (a loaded machine, a
 * collector near its deadline) is not abandoned, and the scrape is answered at once:
 * - with the latest snapshot when no scrape was served it yet (a poll that completed after its
 *   own scrape gave up): older than the bound, but a new sample, never a repeated one;
 * - otherwise with 503: serving a snapshot again would repeat a sample under a new scrape
 *   timestamp, which is exactly what makes irate() read 0 (node_exporter would be as slow as
 *   its collectors and the scrape would time out; the 503 says why, sooner).
 * Both are logged (a warning when it starts, debug while it lasts).
 */
import type { AgentConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import type { PrometheusSink } from '../sinks/prometheus/index.js';
import { errorLine, type CollectorEntry } from '../contract/collector.js';
import type { ScrapeResult, ScrapeSource, Selection } from '../contract/scrape.js';
import { filterSnapshot, parseCollectFilter, selectionKey } from './collect-filter.js';
import type { Poller } from './poller.js';
import type { Snapshot } from '../contract/snapshot.js';

export { CollectFilterError, type ScrapeResult, type ScrapeSource, type Selection } from '../contract/scrape.js';

export class Scrapes implements ScrapeSource {
  /** Whether the last scrape was served stale (a warning when it starts, debug while it lasts). */
  private staleRun = false;
  /** The newest snapshot a scrape was served. */
  private servedSeq = 0;

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

  async serve(waitMs: number, selection?: Selection): Promise<ScrapeResult> {
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
    // The newest snapshot (a poll may have completed since ours: it is fresher still).
    const snap: Snapshot | undefined = this.poller.latest;
    if (got === 'late' || got === undefined) {
      const reason = failed ?? `the poll did not complete within the scrape timeout (waited ${(waitMs / 1000).toFixed(3)}s)`;
      if (!snap) return { unavailable: `no poll has completed yet: ${reason}` };
      const unserved = snap.seq > this.servedSeq;
      const fields = { reason, poll_seq: snap.seq };
      const msg = unserved
        ? 'scrape served an older snapshot no scrape had been served'
        : 'scrape answered 503: no snapshot it has not already been served';
      if (!this.staleRun) this.logger.warn(msg, fields);
      else this.logger.debug(msg, fields);
      this.staleRun = true;
      if (!unserved) return { unavailable: `${reason}; the latest snapshot (poll ${snap.seq}) was already served` };
      stale = true;
    } else if (this.staleRun) {
      this.logger.info('scrapes are served fresh snapshots again');
      this.staleRun = false;
    }
    if (!snap) return { unavailable: 'no poll has completed yet' };
    this.servedSeq = Math.max(this.servedSeq, snap.seq);
    let full = this.sink.latest;
    if (!full || full.seq !== snap.seq) full = this.sink.update(snap);
    if (!selection) return { rendered: full, stale };
    return { rendered: this.sink.renderFiltered(filterSnapshot(snap, selection), selectionKey(selection)), stale };
  }
}
