/**
 * A parser for the Prometheus text exposition format (0.0.4), for the textfile collector:
 * the `*.prom` files that cron jobs and scripts write for node_exporter. It accepts what
 * prometheus/common's expfmt TextParser accepts and rejects what it rejects, with the line
 * number: HELP and TYPE at most once per family and TYPE before its samples, histogram and
 * summary parts attached to their family, label values with the three escapes (\\ \" \n),
 * Go's float syntax (NaN, ±Inf). A sample timestamp is parsed and reported, since the
 * collector refuses files that carry them (as node_exporter does).
 */
import type { MetricType } from '../../contract/snapshot.js';

export interface TextSample {
  /** The sample's own name: the family name, or it plus _bucket/_sum/_count. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface TextFamily {
  readonly name: string;
  readonly type: MetricType;
  /** null when the file has no HELP line for it. */
  readonly help: string | null;
  readonly samples: readonly TextSample[];
}

export interface ParsedText {
  readonly families: readonly TextFamily[];
  /** True when a sample carried a timestamp. */
  readonly hasTimestamps: boolean;
}

export class TextFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`text format parsing error in line ${line}: ${message}`);
    this.name = 'TextFormatError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's strconv.ParseFloat for the forms exposition files use; NaN for "not a number". */
export function parseGoFloat(s: string): number | undefined {
  if (DECIMAL.test(s)) return Number(s);
  const l = s.toLowerCase();
  if (l === 'nan') return NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return undefined;
}

interface Building {
  name: string;
  type: MetricType | null;
  help: string | null;
  samples: TextSample[];
}

/** The family a sample name belongs to: a histogram's or summary's parts join their base. */
function familyOf(name: string, families: Map<string, Building>): string {
  for (const suffix of ['_bucket', '_count', '_sum']) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (!base) continue;
    if (base.type === 'histogram') return base.name;
    if (base.type === 'summary' && suffix !== '_bucket') return base.name;
  }
  return name;
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new TextFormatError(line, `invalid escape sequence '\\${c}'`);
  });
}

/** Parses `{a="x",b="y"}` starting at `i` (the '{'); returns the labels and the index after '}'. */
function parseLabels(text: string, i: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++; // '{'
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '}') return [labels, i + 1];
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!m) throw new TextFormatError(line, `invalid label name at '${text.slice(i, i + 16)}'`);
    const name = m[0];
    i += name.length;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '=') throw new TextFormatError(line, `expected '=' after label name "${name}"`);
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '"') throw new TextFormatError(line, `expected '"' to start the value of label "${name}"`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new TextFormatError(line, `unterminated value of label "${name}"`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === '\\' || e === '"') value += e;
        else if (e === 'n') value += '\n';
        else throw new TextFormatError(line, `invalid escape sequence '\\${e ?? ''}' in label "${name}"`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++; // closing '"'
    if (name in labels) throw new TextFormatError(line, `duplicate label name "${name}"`);
    labels[name] = value;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') return [labels, i + 1];
    throw new TextFormatError(line, `expected ',' or '}' after the value of label "${name}"`);
  }
}

/** Parses one file. Throws TextFormatError naming the line. */
export function parseTextFormat(text: string): ParsedText {
  const families = new Map<string, Building>();
  let hasTimestamps = false;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let raw = lines[n] as string;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const s = raw.replace(/^[ \t]+/, '');
    if (s === '') continue;
    if (s.startsWith('#')) {
      // dotAll: without it '.' stops at U+2028/U+2029 and a HELP text holding one made the
      // whole line a comment, its help silently dropped (fuzzing: ts-textfile-roundtrip/).
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/s.exec(s) ?? /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)[ \t]*$/.exec(s);
      if (!m) continue; // a comment
      const [, kw, name = '', rest = ''] = m;
      if (!METRIC_NAME.test(name)) throw new TextFormatError(lineNo, `invalid metric name "${name}"`);
      let f = families.get(name);
      if (!f) families.set(name, (f = { name, type: null, help: null, samples: [] }));
      if (kw === 'HELP') {
        if (f.help !== null) throw new TextFormatError(lineNo, `second HELP line for metric name "${name}"`);
        f.help = unescapeHelp(rest, lineNo);
      } else {
        if (f.type !== null)
          throw new TextFormatError(lineNo, `second TYPE line for metric name "${name}", or TYPE reported after samples`);
        if (f.samples.length)
          throw new TextFormatError(lineNo, `second TYPE line for metric name "${name}", or TYPE reported after samples`);
        const t = rest.trim().toLowerCase() as MetricType;
        if (!TYPES.includes(t)) throw new TextFormatError(lineNo, `unknown metric type "${rest.trim()}"`);
        f.type = t;
      }
      continue;
    }
    // A sample: name [labels] value [timestamp]
    const nm = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s);
    if (!nm) throw new TextFormatError(lineNo, `invalid metric name in "${s.slice(0, 40)}"`);
    const sampleName = nm[0];
    let i = sampleName.length;
    let labels: Record<string, string> = {};
    if (s[i] === '{') [labels, i] = parseLabels(s, i, lineNo);
    const rest = s
      .slice(i)
      .trim()
      .split(/[ \t]+/);
    if (rest.length === 0 || rest[0] === '') throw new TextFormatError(lineNo, `expected a value after "${sampleName}"`);
    const value = parseGoFloat(rest[0] as string);
    if (value === undefined) throw new TextFormatError(lineNo, `expected float as value, got "${rest[0]}"`);
    if (rest.length > 2) throw new TextFormatError(lineNo, `unexpected "${rest[2]}" after the value and timestamp`);
    if (rest.length === 2) {
      if (!/^-?\d+$/.test(rest[1] as string)) throw new TextFormatError(lineNo, `expected an integer timestamp, got "${rest[1]}"`);
      hasTimestamps = true;
    }
    const fname = familyOf(sampleName, families);
    let f = families.get(fname);
    if (!f) families.set(fname, (f = { name: fname, type: null, help: null, samples: [] }));
    const type = f.type ?? 'untyped';
    if (type === 'histogram' && sampleName.endsWith('_bucket') && labels['le'] === undefined) {
      throw new TextFormatError(lineNo, `histogram bucket "${sampleName}" without an "le" label`);
    }
    if (type === 'histogram' && sampleName === fname)
      throw new TextFormatError(lineNo, `histogram "${fname}" sample without _bucket, _sum or _count`);
    if (type === 'summary' && sampleName === fname && labels['quantile'] === undefined) {
      throw new TextFormatError(lineNo, `summary "${fname}" sample without a "quantile" label`);
    }
    for (const k of Object.keys(labels)) if (!LABEL_NAME.test(k)) throw new TextFormatError(lineNo, `invalid label name "${k}"`);
    f.samples.push({ name: sampleName, labels, value });
  }
  const out: TextFamily[] = [];
  for (const f of families.values()) {
    if (f.samples.length === 0) continue; // HELP/TYPE without samples: nothing to serve
    out.push({ name: f.name, type: f.type ?? 'untyped', help: f.help, samples: f.samples });
  }
  return { families: out, hasTimestamps };
}
