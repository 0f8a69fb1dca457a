/**
 * What the HTTP server is handed to serve `/metrics`: rendered bytes of one snapshot, and the
 * scrape side of the agent (collection on scrape, collect[]/exclude[]). The agent implements
 * it (src/agent/scrape.ts) over the Prometheus sink's renders; the server knows only this.
 */
import type { CollectorName } from './snapshot.js';

/** The Prometheus text format, as served. */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** One snapshot's rendered exposition (text format, OpenMetrics, each plain or gzip). */
export interface Rendered {
  /** The snapshot's poll sequence number. */
  readonly seq: number;
  readonly text: Buffer;
  openMetrics(): Buffer;
  gzipText(): Buffer;
  gzipOpenMetrics(): Buffer;
}

/** A bad collect[]/exclude[] request; its message is the HTTP 400 body. */
export class CollectFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectFilterError';
  }
}

/** Selected collectors: undefined = the whole collector, a set = only those parts. */
export type Selection = ReadonlyMap<CollectorName, ReadonlySet<string> | undefined>;

export type ScrapeResult =
  | {
      readonly rendered: Rendered;
      /** True when the poll did not complete within the wait and an older, unserved snapshot was served. */
      readonly stale: boolean;
    }
  | {
      readonly rendered?: undefined;
      /** Why nothing can be served (the 503 body). */
      readonly unavailable: string;
    };

/** The scrape side of the agent, handed to the HTTP server. */
export interface ScrapeSource {
  /** Resolves collect[]/exclude[] (undefined: neither given). Throws CollectFilterError. */
  selection(collect: readonly string[], exclude: readonly string[]): Selection | undefined;
  /** A render of fresh values, or why there is none (see src/agent/scrape.ts). */
  serve(waitMs: number, selection?: Selection): Promise<ScrapeResult>;
}
