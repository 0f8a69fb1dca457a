/**
 * node_exporter's per-request collector filter: `/metrics?collect[]=cpu&collect[]=meminfo`
 * serves only those collectors, `/metrics?exclude[]=textfile` every enabled one but those
 * (node_exporter.go's handler). Both at once, an unknown name or a disabled one are errors
 * (HTTP 400 with the reason).
 *
 * Names: node_exporter's collector names, which are the parts of our collectors (`cpu`,
 * `cpufreq`, `meminfo`, `netdev`, `processes`, ...; `cpu` is node_exporter's per-CPU times, as
 * for the --collector.<name> flags), and our own collector names for a whole collector (`mem`,
 * `disk`, `net`, `nic`, `host`, `process`, `textfile`).
 *
 * A filtered request is served from the same fresh snapshot as every other scrape (one poll
 * shared by all scrapers, never a second concurrent poll), with only the selected parts'
 * readings and the selected collectors' `node_scrape_collector_*` lines; the agent's own
 * metrics (hostprobe_*, process_*, nodejs_*) are always there, as node_exporter keeps its
 * exporter metrics in a filtered response.
 */
import { FOREIGN_COLLECTORS } from '../config/flags.js';
import type { AgentConfig } from '../config/types.js';
import type { CollectorEntry } from '../contract/collector.js';
import { CollectFilterError, type Selection } from '../contract/scrape.js';
import type { CollectorName, CollectorStatus, Readings, Snapshot } from '../contract/snapshot.js';

export { CollectFilterError, type Selection } from '../contract/scrape.js';

/** The reading fields each part fills (src/agent/snapshot.ts); a collector without parts here is kept whole. */
const PART_FIELDS: Readonly<Partial<Record<CollectorName, Readonly<Record<string, readonly string[]>>>>> = {
  cpu: { cpu: ['perCpu', 'logicalCount'], cpufreq: ['freq'], stat: ['stat'], loadavg: ['load'], pressure: ['pressure'] },
  mem: { meminfo: ['meminfo', 'virtual', 'swap'], vmstat: ['vmstat'] },
  disk: { filesystem: ['filesystems'], diskstats: ['io', 'info'] },
  net: {
    netdev: ['dev'],
    sockstat: ['sockstat'],
    netstat: ['netstat'],
    tcpstat: ['tcpStates'],
    conntrack: ['conntrack'],
    softnet: ['softnet'],
    arp: ['arp'],
    udp_queues: ['udpQueues'],
  },
  host: { uname: ['uname'], time: ['time'], os: ['os'], filefd: ['filefd'], entropy: ['entropy'] },
  // node_exporter's processes collector is node_processes_* only; the process-exporter
  // groups and the top-N are the rest of the `process` collector (OTHER).
  process: { processes: ['summary'] },
};

/** Reading fields no node_exporter part names: served with the whole collector, or when only some parts are excluded. */
const OTHER_FIELDS: Readonly<Partial<Record<CollectorName, readonly string[]>>> = {
  process: ['groups', 'top', 'skipped'],
};

/** In a Selection's part set: the collector's OTHER_FIELDS. */
const OTHER = '(other)';

interface Target {
  collector: CollectorName;
  /** undefined = the whole collector. */
  part?: string;
}

/** What a name means: a node_exporter name (a part) first, as the flags do, then our collector names. */
function resolve(name: string, table: readonly CollectorEntry[]): Target | undefined {
  for (const e of table) {
    if (!e.parts.includes(name)) continue;
    // A collector with one part (nic = netclass) is that part.
    return PART_FIELDS[e.name]?.[name] !== undefined ? { collector: e.name, part: name } : { collector: e.name };
  }
  const e = table.find((x) => x.name === name);
  return e ? { collector: e.name } : undefined;
}

function partEnabled(config: AgentConfig, t: Target): boolean {
  if (t.part === undefined) return true;
  const c = config.collectors[t.collector] as unknown as Record<string, { enabled?: boolean } | undefined>;
  return c[t.part]?.enabled === true;
}

function knownNames(table: readonly CollectorEntry[]): string {
  const names = new Set<string>();
  for (const e of table) for (const p of e.parts) names.add(p);
  for (const e of table) names.add(e.name);
  return [...names].join(', ');
}

/**
 * Resolves a request's collect[] and exclude[] values. Returns undefined when neither is
 * given (the full, cached render). Throws CollectFilterError for: both given; a name that is
 * not a collector (node_exporter's "missing collector"); a collect[] name that is disabled
 * ("disabled collector"). An exclude[] name of a node_exporter collector hostprobe does not
 * have, or of a disabled one, excludes nothing and is accepted.
 */
export function parseCollectFilter(
  collect: readonly string[],
  exclude: readonly string[],
  table: readonly CollectorEntry[],
  enabled: readonly CollectorName[],
  config: AgentConfig,
): Selection | undefined {
  if (collect.length === 0 && exclude.length === 0) return undefined;
  if (collect.length > 0 && exclude.length > 0) throw new CollectFilterError('Combined collect and exclude queries are not allowed.');
  const lookup = (name: string, excluding: boolean): Target | undefined => {
    const t = resolve(name, table);
    if (t) return t;
    if (excluding && FOREIGN_COLLECTORS.includes(name)) return undefined;
    const why = FOREIGN_COLLECTORS.includes(name)
      ? ' (a node_exporter collector hostprobe does not have)'
      : ` (known: ${knownNames(table)})`;
    throw new CollectFilterError(`Couldn't create filtered metrics handler: missing collector: ${JSON.stringify(name)}${why}`);
  };
  const on = (t: Target): boolean => enabled.includes(t.collector) && partEnabled(config, t);
  const sel = new Map<CollectorName, Set<string> | undefined>();
  const add = (t: Target): void => {
    if (t.part === undefined) {
      sel.set(t.collector, undefined);
      return;
    }
    if (sel.has(t.collector) && sel.get(t.collector) === undefined) return;
    const parts = sel.get(t.collector) ?? new Set<string>();
    parts.add(t.part);
    sel.set(t.collector, parts);
  };
  if (collect.length > 0) {
    for (const name of collect) {
      const t = lookup(name, false) as Target;
      if (!on(t)) throw new CollectFilterError(`Couldn't create filtered metrics handler: disabled collector: ${JSON.stringify(name)}`);
      add(t);
    }
    return sel;
  }
  // exclude[]: every enabled collector (and part) but the excluded ones.
  const out = new Set<string>();
  for (const name of exclude) {
    const t = lookup(name, true);
    if (t) out.add(t.part === undefined ? t.collector : `${t.collector}.${t.part}`);
  }
  for (const c of enabled) {
    if (out.has(c)) continue;
    const parts = Object.keys(PART_FIELDS[c] ?? {});
    if (!parts.some((p) => out.has(`${c}.${p}`))) {
      sel.set(c, undefined);
      continue;
    }
    const keep = parts.filter((p) => !out.has(`${c}.${p}`) && partEnabled(config, { collector: c, part: p }));
    if (OTHER_FIELDS[c]) keep.push(OTHER);
    if (keep.length > 0) sel.set(c, new Set(keep));
  }
  return sel;
}

/** A stable key for a selection (render cache). */
export function selectionKey(sel: Selection): string {
  return [...sel.entries()]
    .map(([c, parts]) => (parts === undefined ? c : `${c}:${[...parts].sort().join('+')}`))
    .sort()
    .join(',');
}

/** The snapshot with only the selected collectors' statuses and readings (the selected parts' fields). */
export function filterSnapshot(s: Snapshot, sel: Selection): Snapshot {
  const collectors: Partial<Record<CollectorName, CollectorStatus>> = {};
  const readings: Record<string, unknown> = {};
  for (const [c, parts] of sel) {
    const st = s.collectors[c];
    if (st) collectors[c] = st;
    const r = s.readings[c] as Readonly<Record<string, unknown>> | undefined;
    if (r === undefined) continue;
    if (parts === undefined) {
      readings[c] = r;
      continue;
    }
    const fields = PART_FIELDS[c] ?? {};
    const out: Record<string, unknown> = {};
    for (const p of parts) for (const f of (p === OTHER ? OTHER_FIELDS[c] : fields[p]) ?? []) if (r[f] !== undefined) out[f] = r[f];
    readings[c] = out;
  }
  return { ...s, collectors, readings: readings as Readings };
}
