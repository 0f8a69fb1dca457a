/**
 * The textfile collector (node_exporter's textfile): serves the metrics of the `*.prom`
 * files in the configured directories, which scripts and cron jobs write (atomically: write
 * a temporary file, then rename it into place). As node_exporter:
 * - a directory may be a glob pattern (`/var/lib/*\/textfile`);
 * - a file that cannot be read or parsed, or that carries sample timestamps, is skipped
 *   whole and sets node_textfile_scrape_error to 1; the other files are still served;
 * - node_textfile_mtime_seconds{file} is the modification time of each file served;
 * - a family without HELP gets "Metric read from <path>"; the label names missing from some
 *   samples of a family are added to them with an empty value.
 * Beyond node_exporter: a family whose type differs from the same family in an earlier file,
 * and a series already given by an earlier file, are dropped (and flagged as an error)
 * instead of failing the scrape; the renderer drops families that collide with the agent's
 * own. Reads go through fs/promises, off the JavaScript thread, and never block: a *.prom
 * path that is not a regular file (a FIFO, a socket, a directory) or is larger than
 * TEXTFILE_READ_LIMIT, or whose text is not valid UTF-8, is skipped as unreadable.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Collector } from '../contract/collector.js';
import { errorLine } from '../contract/collector.js';
import type { TextfileFamily, TextfileReading } from '../contract/snapshot.js';
import type { TextfileCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { readRegularFile } from '../internal/bounded-read.js';
import { parseGoFloat, parseTextFormat } from './textfile/parse.js';

const GLOB_CHARS = /[*?[]/;

/** A glob segment as a RegExp (`*`, `?`, `[...]`; no `**`). */
function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, end);
        if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands a directory pattern like Go's filepath.Glob; a pattern without magic is itself. */
export async function expandGlob(pattern: string): Promise<string[]> {
  if (!GLOB_CHARS.test(pattern)) return [pattern];
  const absolute = pattern.startsWith('/');
  let bases = [absolute ? '/' : '.'];
  for (const seg of pattern.split('/').filter((s) => s !== '')) {
    const next: string[] = [];
    if (!GLOB_CHARS.test(seg)) {
      for (const b of bases) next.push(join(b, seg));
    } else {
      const re = segmentRegex(seg);
      for (const b of bases) {
        let names: string[];
        try {
          names = await readdir(b);
        } catch {
          continue;
        }
        for (const n of names.sort()) if (re.test(n) && (!n.startsWith('.') || seg.startsWith('.'))) next.push(join(b, n));
      }
    }
    bases = next;
  }
  return absolute ? bases : bases.map((b) => (b.startsWith('./') ? b.slice(2) : b));
}

interface FileResult {
  path: string;
  families: ReturnType<typeof parseTextFormat>['families'];
  mtimeSeconds: number;
}

/** The largest *.prom file read (node_exporter has no limit; 64 MiB is ~1 million series). */
export const TEXTFILE_READ_LIMIT = 64 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readPromFile(path: string): Promise<FileResult> {
  const { data, stats } = await readRegularFile(path, TEXTFILE_READ_LIMIT);
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    throw new Error(`textfile ${JSON.stringify(path)} is not valid UTF-8, skipping entire file`);
  }
  const parsed = parseTextFormat(text);
  if (parsed.hasTimestamps)
    throw new Error(`textfile ${JSON.stringify(path)} contains unsupported client-side timestamps, skipping entire file`);
  // The modification time of the file read (fstat of the open file), once it parsed.
  return { path, families: parsed.families, mtimeSeconds: Math.floor(stats.mtimeMs / 1000) };
}

/** Merges the files' families in file order; returns what conflicted. */
function merge(results: readonly FileResult[]): { families: TextfileFamily[]; conflicts: string[] } {
  const byName = new Map<
    string,
    { type: TextfileFamily['type']; help: string; samples: TextfileFamily['samples'][number][]; seen: Set<string>; labelNames: Set<string> }
  >();
  const conflicts: string[] = [];
  for (const r of results) {
    for (const f of r.families) {
      let m = byName.get(f.name);
      if (!m) {
        m = { type: f.type, help: f.help ?? `Metric read from ${r.path}`, samples: [], seen: new Set(), labelNames: new Set() };
        byName.set(f.name, m);
      } else if (m.type !== f.type) {
        conflicts.push(`${r.path}: ${f.name} is a ${f.type} here and a ${m.type} in an earlier file; dropped`);
        continue;
      }
      for (const s of f.samples) {
        const key = `${s.name}\0${Object.keys(s.labels)
          .sort()
          .map((k) => `${k}=${s.labels[k]}`)
          .join('\0')}`;
        if (m.seen.has(key)) {
          conflicts.push(`${r.path}: ${s.name}${JSON.stringify(s.labels)} was already given; dropped`);
          continue;
        }
        m.seen.add(key);
        for (const k of Object.keys(s.labels)) m.labelNames.add(k);
        m.samples.push(s);
      }
    }
  }
  const families: TextfileFamily[] = [];
  for (const [name, m] of byName) {
    // node_exporter gives every sample of a family the same label names, "" where missing.
    const names = [...m.labelNames].filter((k) => !(k === 'le' && m.type === 'histogram') && !(k === 'quantile' && m.type === 'summary'));
    const samples = m.samples.map((s) => {
      const missing = names.filter((k) => !(k in s.labels));
      if (missing.length === 0) return s;
      const labels: Record<string, string> = { ...s.labels };
      for (const k of missing) labels[k] = '';
      return { ...s, labels };
    });
    families.push({ name, type: m.type, help: m.help, samples: orderSamples(m.type, names, samples) });
  }
  return { families, conflicts };
}

type Sample = TextfileFamily['samples'][number];

/**
 * client_golang's order, which node_exporter's output has: the family's series sorted by
 * their label values (label names in sorted order); within a histogram or summary series,
 * the buckets by `le` or the quantiles by `quantile`, then _sum, then _count.
 */
function orderSamples(type: TextfileFamily['type'], labelNames: readonly string[], samples: readonly Sample[]): Sample[] {
  const keys = [...labelNames].sort();
  const parts = type === 'histogram' || type === 'summary';
  const bound = type === 'histogram' ? 'le' : 'quantile';
  // Each sample's sort key, made once: its series' label values, then its part
  // (0 bucket/quantile, 1 _sum, 2 _count) and its bucket or quantile bound.
  const decorated = samples.map((s) => {
    const part = !parts ? 0 : s.name.endsWith('_sum') ? 1 : s.name.endsWith('_count') ? 2 : 0;
    // Go float syntax: "+Inf" is the last bucket (Number() would give NaN).
    return {
      s,
      series: keys.map((k) => s.labels[k] ?? ''),
      part,
      bound: parts && part === 0 ? (parseGoFloat(s.labels[bound] ?? '') ?? 0) : 0,
    };
  });
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.series[i] as string;
      const y = b.series[i] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    if (a.part !== b.part) return a.part - b.part;
    return a.bound === b.bound ? 0 : a.bound < b.bound ? -1 : 1;
  });
  return decorated.map((d) => d.s);
}

export function create(config: TextfileCollectorConfig, logger: Logger): Collector<'textfile'> {
  /** The last error logged per file, so a file that stays broken is logged once. */
  const logged = new Map<string, string>();
  const report = (key: string, msg: string, fields: Record<string, string>): void => {
    if (logged.get(key) === msg) return;
    logged.set(key, msg);
    logger.error(msg, fields);
  };
  return {
    name: 'textfile',
    async collect() {
      let error = false;
      const results: FileResult[] = [];
      const seenKeys = new Set<string>();
      for (const pattern of config.directories) {
        const dirs = await expandGlob(pattern);
        for (const dir of dirs.length ? dirs : [pattern]) {
          let names: string[];
          try {
            names = (await readdir(dir, { withFileTypes: true }))
              .filter((d) => d.name.endsWith('.prom') && !d.isDirectory())
              .map((d) => d.name);
          } catch (e) {
            error = true;
            report(dir, 'failed to read textfile collector directory', { path: dir, err: errorLine(e) });
            seenKeys.add(dir);
            continue;
          }
          seenKeys.add(dir);
          for (const name of names.sort()) {
            const path = join(dir, name);
            seenKeys.add(path);
            try {
              results.push(await readPromFile(path));
              logged.delete(path);
            } catch (e) {
              error = true;
              report(path, 'failed to collect textfile data', { file: path, err: errorLine(e) });
            }
          }
        }
      }
      for (const k of logged.keys()) if (!seenKeys.has(k)) logged.delete(k);
      const { families, conflicts } = merge(results);
      for (const c of conflicts) report(`conflict:${c}`, 'textfile conflict', { err: c });
      if (conflicts.length) error = true;
      const reading: TextfileReading = {
        families,
        files: results.map((r) => ({ file: r.path, mtimeSeconds: r.mtimeSeconds })),
        error,
      };
      return reading;
    },
  };
}
