// Reads Prometheus text exposition (what /metrics serves) into samples, for comparing the
// OTLP values with the same poll's /metrics.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (brace !== -1 && brace < space) {
      const close = line.lastIndexOf('}');
      out.push({ name: line.slice(0, brace), labels: parseLabels(line.slice(brace + 1, close)), value: parseValue(line.slice(close + 1).trim().split(' ')[0]!) });
    } else {
      const [name, value] = line.split(' ');
      out.push({ name: name!, labels: {}, value: parseValue(value!) });
    }
  }
  return out;
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
