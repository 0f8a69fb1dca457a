/**
 * Builds a Prometheus exposition (text format 0.0.4 or OpenMetrics 1.0.0) from metric
 * families. Families come out sorted by name (as Go's client sorts them), samples in the
 * order they were added, label names sorted; static labels are added to every sample.
 */
import type { MetricType } from '../../contract/snapshot.js';

export type { MetricType } from '../../contract/snapshot.js';

/** A Prometheus metric family's definition (name, type, help, label names): what the exposition needs; catalog.ts holds every fixed one. */
export interface PromFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Label names in the order callers pass values (documentation and checks). */
  readonly labels?: readonly string[];
}

export type Labels = Readonly<Record<string, string | number>>;

interface Family {
  readonly def: PromFamily;
  /** Rendered `{...} value` suffixes, each after the sample name. */
  readonly samples: { name: string; labels: string; value: number }[];
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64), the value format of client_golang. */
export function formatValue(v: number): string {
  if (Number.isInteger(v) && v > -1e6 && v < 1e6) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const e = v.toExponential();
  const i = e.indexOf('e');
  const exp = Number(e.slice(i + 1));
  // Go uses %e when the exponent is < -4 or >= 6 (the shortest form's precision rule).
  if (exp >= -4 && exp < 6) return String(v);
  const ae = Math.abs(exp);
  return `${e.slice(0, i)}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
}

/** Escapes a label value for both formats. */
export function escapeLabelValue(s: string): string {
  if (!/[\\"\n]/.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(s: string): string {
  if (!/[\\\n]/.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function renderLabels(labels: Labels | undefined, extra: string): string {
  if (!labels) return extra ? `{${extra}}` : '';
  const keys = Object.keys(labels);
  if (keys.length === 0) return extra ? `{${extra}}` : '';
  if (keys.length > 1) keys.sort();
  let s = '';
  for (const k of keys) {
    if (s) s += ',';
    s += `${k}="${escapeLabelValue(String(labels[k]))}"`;
  }
  if (extra) s += ',' + extra;
  return `{${s}}`;
}

/** Collects families for one render. */
export class Exposition {
  private readonly families = new Map<string, Family>();
  private readonly extra: string;

  /** `staticLabels` are appended to every sample (after the sample's own labels). */
  constructor(staticLabels: Readonly<Record<string, string>> = {}) {
    const keys = Object.keys(staticLabels).sort();
    this.extra = keys.map((k) => `${k}="${escapeLabelValue(staticLabels[k] as string)}"`).join(',');
  }

  private family(def: PromFamily): Family {
    let f = this.families.get(def.name);
    if (!f) {
      f = { def, samples: [] };
      this.families.set(def.name, f);
    }
    return f;
  }

  /** Adds one sample of `def`. Non-finite values are kept (NaN/±Inf are valid samples). */
  add(def: PromFamily, value: number, labels?: Labels): void {
    this.family(def).samples.push({ name: def.name, labels: renderLabels(labels, this.extra), value });
  }

  /** Adds a sample with an explicit sample name (histogram/summary parts, `_bucket` etc.). */
  addNamed(def: PromFamily, sampleName: string, value: number, labels?: Labels): void {
    this.family(def).samples.push({ name: sampleName, labels: renderLabels(labels, this.extra), value });
  }

  /** Declares a family even if it gets no samples (it is then left out of the output). */
  has(name: string): boolean {
    return this.families.has(name);
  }

  /** Number of samples. */
  get size(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.samples.length;
    return n;
  }

  /** Prometheus text format 0.0.4. */
  renderText(): string {
    const parts: string[] = [];
    for (const name of [...this.families.keys()].sort()) {
      const f = this.families.get(name) as Family;
      if (f.samples.length === 0) continue;
      parts.push(`# HELP ${name} ${escapeHelp(f.def.help)}\n# TYPE ${name} ${f.def.type}\n`);
      for (const s of f.samples) parts.push(`${s.name}${s.labels} ${formatValue(s.value)}\n`);
    }
    return parts.join('');
  }

  /**
   * OpenMetrics 1.0.0: counter families are named without `_total` (their samples keep
   * it), untyped becomes unknown, and the exposition ends with `# EOF`.
   */
  renderOpenMetrics(): string {
    const parts: string[] = [];
    for (const name of [...this.families.keys()].sort()) {
      const f = this.families.get(name) as Family;
      if (f.samples.length === 0) continue;
      let fname = name;
      let type: string = f.def.type;
      if (type === 'counter') {
        if (name.endsWith('_total')) fname = name.slice(0, -6);
        else type = 'unknown';
      } else if (type === 'untyped') type = 'unknown';
      parts.push(`# TYPE ${fname} ${type}\n# HELP ${fname} ${escapeHelp(f.def.help)}\n`);
      for (const s of f.samples) parts.push(`${s.name}${s.labels} ${formatValue(s.value)}\n`);
    }
    parts.push('# EOF\n');
    return parts.join('');
  }
}
