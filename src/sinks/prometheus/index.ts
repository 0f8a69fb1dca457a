/**
 * The Prometheus sink: renders each snapshot once, when the poll completes, into cached
 * bytes (text format; gzip and OpenMetrics made once, on first request), so every scrape
 * served from one snapshot writes the same bytes. A filtered render (collect[]/exclude[]) is
 * cached beside it, per selection, until the next snapshot.
 */
import { constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Rendered } from '../../contract/scrape.js';
import type { Sink } from '../../contract/sink.js';
import type { RuntimeFamily, Snapshot } from '../../contract/snapshot.js';
import type { Logger } from '../../logger.js';
import { renderCpu } from './cpu.js';
import { renderDisk } from './disk.js';
import { Exposition } from './exposition.js';
import { renderHardware } from './hardware.js';
import { renderHost } from './host.js';
import { renderCpuKernel, renderHostKernel } from './kernel.js';
import { renderMem } from './mem.js';
import { renderNet } from './net.js';
import { renderNic } from './nic.js';
import { renderProcess } from './process.js';
import type { PromRenderOptions } from './options.js';
import { renderSelf } from './self.js';
import { renderTextfile } from './textfile.js';

export { renderOptions, type PromRenderOptions } from './options.js';

const GZIP = { level: zlibConstants.Z_BEST_SPEED };

export { OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE } from '../../contract/scrape.js';

/**
 * Writes the families of every collector's reading (not the agent's own, not the textfile
 * collector's) into `x`: the one list of areas, shared by the agent's exposition and the
 * library integrations (src/integrations/render.ts).
 */
export function renderReadings(s: Snapshot, x: Exposition, o: PromRenderOptions): void {
  const r = s.readings;
  if (r.cpu) {
    renderCpu(r.cpu, x, o);
    renderCpuKernel(r.cpu, x);
  }
  if (r.mem) renderMem(r.mem, x, o);
  if (r.disk) renderDisk(r.disk, x);
  if (r.net) renderNet(r.net, x, o);
  if (r.nic) renderNic(r.nic, x, o);
  if (r.host) {
    renderHost(r.host, x);
    renderHostKernel(r.host, x);
  }
  if (r.hardware) renderHardware(r.hardware, x, o);
  if (r.process) renderProcess(r.process, x, o);
}

/** Builds the exposition of one snapshot. */
export function buildExposition(s: Snapshot, o: PromRenderOptions, extra: readonly RuntimeFamily[] = []): Exposition {
  const x = new Exposition(s.labels);
  const r = s.readings;
  renderReadings(s, x, o);
  renderSelf(s, x, extra);
  // Last: a file's family never takes the name of one of the agent's own.
  if (r.textfile) renderTextfile(r.textfile, x);
  return x;
}

/** Renders one snapshot to text-format bytes (`hostprobe metrics`, tests). */
export function renderText(s: Snapshot, o: PromRenderOptions): string {
  return buildExposition(s, o).renderText();
}

/** One snapshot's rendered bytes. */
export class RenderedSnapshot implements Rendered {
  readonly seq: number;
  readonly text: Buffer;
  private textGzip: Buffer | undefined;
  private om: Buffer | undefined;
  private omGzip: Buffer | undefined;
  private readonly x: Exposition;

  constructor(seq: number, x: Exposition) {
    this.seq = seq;
    this.x = x;
    this.text = Buffer.from(x.renderText(), 'utf8');
  }

  /** OpenMetrics bytes, rendered on first use. */
  openMetrics(): Buffer {
    this.om ??= Buffer.from(this.x.renderOpenMetrics(), 'utf8');
    return this.om;
  }

  /** Gzip of the text format, made once on first use (level 1: a scrape-sized text compresses ~6x in well under a millisecond). */
  gzipText(): Buffer {
    this.textGzip ??= gzipSync(this.text, GZIP);
    return this.textGzip;
  }

  gzipOpenMetrics(): Buffer {
    this.omGzip ??= gzipSync(this.openMetrics(), GZIP);
    return this.omGzip;
  }
}

/** Holds the latest render; feed it snapshots. */
export class PrometheusSink implements Sink {
  readonly name = 'prometheus';
  /** Every poll: a scrape-started poll is what that scrape serves. */
  readonly feed = 'every';
  private current: RenderedSnapshot | undefined;
  /** Filtered renders of the current snapshot, by selection key (cleared with each update). */
  private readonly filtered = new Map<string, RenderedSnapshot>();
  private options: PromRenderOptions;

  constructor(
    options: PromRenderOptions,
    private readonly logger: Logger,
    /** More self-metric families to render with each snapshot (the OTLP sink's). */
    private readonly extraFamilies: () => readonly RuntimeFamily[] = () => [],
  ) {
    this.options = options;
  }

  setOptions(o: PromRenderOptions): void {
    this.options = o;
  }

  onSnapshot(s: Snapshot): void {
    this.update(s);
  }

  /** Its self-metrics are the agent's (rendered by src/sinks/prometheus/self.ts). */
  selfMetrics(): readonly RuntimeFamily[] {
    return [];
  }

  /** Nothing runs in the background: the renders are made in onSnapshot. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Renders a snapshot (called once per poll). The gzip bytes are made on the first request
   * that accepts gzip and cached with the render: compressing on every poll would cost more
   * CPU than most polls when nobody scrapes that often.
   */
  update(s: Snapshot): RenderedSnapshot {
    const r = this.render(s);
    this.current = r;
    this.filtered.clear();
    return r;
  }

  private render(s: Snapshot): RenderedSnapshot {
    let extra: readonly RuntimeFamily[] = [];
    try {
      extra = this.extraFamilies();
    } catch (e) {
      this.logger.debug('extra self-metrics unavailable', { err: (e as Error).message });
    }
    return new RenderedSnapshot(s.seq, buildExposition(s, this.options, extra));
  }

  /**
   * The render of `filtered`, a filtered copy of the current snapshot (collect[]/exclude[]),
   * made once per selection key and snapshot. A snapshot that is not the current one is
   * rendered without caching.
   */
  renderFiltered(filtered: Snapshot, key: string): RenderedSnapshot {
    if (this.current?.seq !== filtered.seq) return this.render(filtered);
    let r = this.filtered.get(key);
    if (!r) {
      // Bounded: a scraper inventing new selections on every request cannot grow it.
      if (this.filtered.size >= 32) this.filtered.clear();
      r = this.render(filtered);
      this.filtered.set(key, r);
    }
    return r;
  }

  get latest(): RenderedSnapshot | undefined {
    return this.current;
  }
}
