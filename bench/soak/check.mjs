// The soak's judgements, kept apart from the load so test/bench/soak-check.test.ts runs them
// on made-up inputs: the exposition parser, the counters-never-go-backwards check, and the
// leak decision over a run's samples.

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/;

function parseValue(s) {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/**
 * Parses a Prometheus text exposition (0.0.4). Returns {types, samples} where samples maps
 * `name{labels}` (as rendered) to its value, or throws an Error naming the first bad line.
 */
export function parseExposition(text) {
  const types = new Map();
  const samples = new Map();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.startsWith('# TYPE ')) {
        const m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
        if (!m) throw new Error(`line ${i + 1}: bad TYPE line: ${line.slice(0, 200)}`);
        types.set(m[1], m[2]);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    const value = m ? parseValue(m[3]) : undefined;
    if (!m || value === undefined) throw new Error(`line ${i + 1}: not a sample: ${line.slice(0, 200)}`);
    const key = m[1] + (m[2] ?? '');
    if (samples.has(key)) throw new Error(`line ${i + 1}: duplicate series ${key.slice(0, 200)}`);
    samples.set(key, value);
  }
  return { types, samples };
}

/** The family a sample belongs to (a histogram's or summary's _bucket/_count/_sum parts). */
function familyOf(name, types) {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_count', '_sum', '_total', '_created']) {
    if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  }
  return name;
}

/**
 * Whether a series must never decrease while the process runs: a counter family's samples,
 * a histogram's _bucket and _count, a summary's _count, and any *_total name.
 */
export function isMonotonic(name, types) {
  const fam = familyOf(name, types);
  const type = types.get(fam);
  if (type === 'counter') return true;
  if (type === 'histogram') return name.endsWith('_bucket') || name.endsWith('_count');
  if (type === 'summary') return name.endsWith('_count');
  return name.endsWith('_total');
}

/**
 * Tracks every monotonic series of one process across scrapes, ordered by the poll that made
 * each scrape's snapshot (`hostprobe_poll_timestamp_seconds`), not by the order the answers
 * came in: concurrent scrapes may be answered out of poll order. A series keeps its last
 * value while it is absent; when it comes back it must not be below it (the agent does not
 * restart, so a disappearance is never a reset).
 */
export class CounterTracker {
  constructor() {
    /** key -> {t, v}: the value in the newest poll that had the series. */
    this.last = new Map();
    this.checked = 0;
    this.backwards = [];
  }

  /** Records one parsed scrape made from the poll that started at `pollTime` (seconds). */
  observe(parsed, pollTime, where) {
    for (const [key, v] of parsed.samples) {
      const name = key.replace(/\{.*$/, '');
      if (!isMonotonic(name, parsed.types) || Number.isNaN(v)) continue;
      const prev = this.last.get(key);
      this.checked++;
      if (prev === undefined) {
        this.last.set(key, { t: pollTime, v });
        continue;
      }
      if (pollTime > prev.t) {
        if (v < prev.v) this.backwards.push({ series: key, from: prev.v, to: v, fromPoll: prev.t, toPoll: pollTime, where });
        this.last.set(key, { t: pollTime, v });
      } else if (pollTime < prev.t && v > prev.v) {
        // An older poll answered late: it must not show more than the newer one did.
        this.backwards.push({ series: key, from: v, to: prev.v, fromPoll: pollTime, toPoll: prev.t, where });
      }
    }
  }
}

/** Least-squares slope of ys over xs. */
export function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * A count (descriptors, threads) leaks when the trend makes it certain: at least `minPoints`
 * points, never falling from one to the next, and the last above the first by more than
 * `allowance`. The points are per-minute floors (the least seen in the minute), so a burst of
 * connections that closes again does not count, but a floor that only climbs does.
 */
export function countLeak(points, { allowance, minPoints = 2 }) {
  if (points.length < minPoints) return undefined;
  for (let i = 1; i < points.length; i++) if (points[i] < points[i - 1]) return undefined;
  const rise = points[points.length - 1] - points[0];
  return rise > allowance ? { rise, from: points[0], to: points[points.length - 1] } : undefined;
}

/**
 * Heap after GC leaks when the evidence is certain, not when it is noisy: at least
 * `minPoints` samples, and all three of
 * - a least-squares slope above `slopePerMinute` bytes per minute,
 * - every sample of the last half above every sample of the first half (noise that overlaps
 *   the halves, a sawtooth, a step back down, all fail this),
 * - the last half's mean above the first half's by more than `margin` bytes (a real amount,
 *   not a few hundred kB of caches settling).
 * `samples` are {minute, bytes}, in time order.
 */
export function heapLeak(samples, { slopePerMinute, margin, minPoints = 6 }) {
  if (samples.length < minPoints) return undefined;
  const xs = samples.map((s) => s.minute);
  const ys = samples.map((s) => s.bytes);
  const k = slope(xs, ys);
  const half = Math.floor(samples.length / 2);
  const first = ys.slice(0, half);
  const last = ys.slice(samples.length - half);
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const firstMax = Math.max(...first);
  const lastMin = Math.min(...last);
  const rise = mean(last) - mean(first);
  if (k > slopePerMinute && lastMin > firstMax && rise > margin)
    return { slopePerMinute: k, firstHalfMax: firstMax, lastHalfMin: lastMin, rise };
  return undefined;
}
