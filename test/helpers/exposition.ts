// The tests' one reader of the Prometheus text exposition (what /metrics serves, what
// node_exporter and process-exporter serve, the golden files): samples, families with their
// TYPE and HELP, and an index to find one sample by name and labels. A line it cannot read
// throws, naming the line: a test never compares against a silently shortened exposition.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type?: string;
  help?: string;
  samples: Sample[];
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const m of s.matchAll(re)) {
    out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/** Parses the text exposition format into samples (comments and blank lines skipped). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/.exec(line);
    if (!m) throw new Error(`cannot parse exposition line: ${line}`);
    out.push({ name: m[1] as string, labels: m[3] ? parseLabels(m[3]) : {}, value: parseValue(m[4] as string) });
  }
  return out;
}

/** Parses the text exposition format into families (with TYPE and HELP). */
export function parseFamilies(text: string): Map<string, Family> {
  const fams = new Map<string, Family>();
  const fam = (name: string): Family => {
    let f = fams.get(name);
    if (!f) fams.set(name, (f = { name, samples: [] }));
    return f;
  };
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) {
      current = fam(t[1] as string);
      current.type = t[2] as string;
      continue;
    }
    const h = /^# HELP (\S+) (.*)$/.exec(line);
    if (h) {
      current = fam(h[1] as string);
      current.help = h[2] as string;
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const [s] = parseExposition(line);
    if (!s) continue;
    const base = current && (s.name === current.name || s.name.startsWith(current.name + '_')) ? current : fam(s.name);
    base.samples.push(s);
  }
  return fams;
}

/** The samples of the text exposition by metric name. */
export function samplesByName(text: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const s of parseExposition(text)) {
    const list = out.get(s.name) ?? [];
    list.push(s);
    out.set(s.name, list);
  }
  return out;
}

/** A stable key for a sample: name plus sorted labels. */
export function sampleKey(s: { name: string; labels: Record<string, string> }, drop: readonly string[] = []): string {
  const keys = Object.keys(s.labels)
    .filter((k) => !drop.includes(k))
    .sort();
  return `${s.name}{${keys.map((k) => `${k}="${s.labels[k]}"`).join(',')}}`;
}

/** Index: find one sample by name and label subset. */
export class Samples {
  private readonly byName = new Map<string, Sample[]>();
  constructor(samples: Sample[]) {
    for (const s of samples) {
      const l = this.byName.get(s.name) ?? [];
      l.push(s);
      this.byName.set(s.name, l);
    }
  }
  all(name: string): Sample[] {
    return this.byName.get(name) ?? [];
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  /** The value of the only sample of `name` whose labels include `labels`; throws otherwise. */
  get(name: string, labels: Record<string, string> = {}): number {
    const hits = this.all(name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (hits.length !== 1) throw new Error(`${name}${JSON.stringify(labels)}: ${hits.length} samples on /metrics`);
    return hits[0]!.value;
  }
}
