// The soak's judgements (bench/soak/check.mjs) on inputs whose answer is known: the
// exposition parser, counters that go backwards (by poll order, across a disappearance),
// and the leak decisions, which must flag a real trend and never noise.
import { describe, expect, it } from 'vitest';
import { CounterTracker, countLeak, heapLeak, isMonotonic, parseExposition, slope } from '../../bench/soak/check.mjs';

const expo = (lines: string[]): string => lines.join('\n') + '\n';

describe('soak exposition parser', () => {
  it('reads types, labels with escapes and braces, special values', () => {
    const p = parseExposition(
      expo([
        '# HELP a_total A counter.',
        '# TYPE a_total counter',
        'a_total{x="a,b}\\"c",y="2"} 1.5e+06',
        '# TYPE g gauge',
        'g NaN',
        'g{le="+Inf"} +Inf',
        '# TYPE h histogram',
        'h_bucket{le="1"} 3',
        'h_count 3',
        'h_sum -2',
      ]),
    );
    expect(p.samples.get('a_total{x="a,b}\\"c",y="2"}')).toBe(1.5e6);
    expect(p.samples.get('g')).toBeNaN();
    expect(p.samples.get('g{le="+Inf"}')).toBe(Infinity);
    expect(p.types.get('h')).toBe('histogram');
  });

  it('rejects a bad line with its number, and a duplicate series', () => {
    expect(() => parseExposition(expo(['# TYPE a gauge', 'a 1', 'a{b="c"} one']))).toThrow('line 3: not a sample');
    expect(() => parseExposition(expo(['# TYPE a wrong']))).toThrow('line 1: bad TYPE line');
    expect(() => parseExposition(expo(['a 1', 'a 2']))).toThrow('line 2: duplicate series a');
  });

  it('treats counters, histogram buckets and counts, and *_total names as monotonic', () => {
    const { types } = parseExposition(expo(['# TYPE c counter', '# TYPE h histogram', '# TYPE s summary', '# TYPE g gauge']));
    expect(isMonotonic('c', types)).toBe(true);
    expect(isMonotonic('h_bucket', types)).toBe(true);
    expect(isMonotonic('h_count', types)).toBe(true);
    expect(isMonotonic('h_sum', types)).toBe(false);
    expect(isMonotonic('s_count', types)).toBe(true);
    expect(isMonotonic('s', types)).toBe(false);
    expect(isMonotonic('g', types)).toBe(false);
    expect(isMonotonic('untyped_total', types)).toBe(true);
  });
});

describe('soak counter tracker', () => {
  const scrape = (v: Record<string, number>): ReturnType<typeof parseExposition> =>
    parseExposition(expo(['# TYPE c_total counter', '# TYPE g gauge', ...Object.entries(v).map(([k, x]) => `${k} ${x}`)]));

  it('flags a counter below its value in an earlier poll, not a gauge', () => {
    const t = new CounterTracker();
    t.observe(scrape({ 'c_total{a="1"}': 5, g: 9 }), 100, 's1');
    t.observe(scrape({ 'c_total{a="1"}': 7, g: 1 }), 101, 's2');
    expect(t.backwards).toEqual([]);
    t.observe(scrape({ 'c_total{a="1"}': 6, g: 0 }), 102, 's3');
    expect(t.backwards).toEqual([{ series: 'c_total{a="1"}', from: 7, to: 6, fromPoll: 101, toPoll: 102, where: 's3' }]);
  });

  it('orders by poll, not by arrival: a late answer from an older poll is compared the other way', () => {
    const t = new CounterTracker();
    t.observe(scrape({ c_total: 10 }), 200, 'new');
    t.observe(scrape({ c_total: 8 }), 199, 'older, late');
    t.observe(scrape({ c_total: 10 }), 200, 'same poll');
    expect(t.backwards).toEqual([]);
    t.observe(scrape({ c_total: 11 }), 198, 'oldest, but more');
    expect(t.backwards).toHaveLength(1);
  });

  it('keeps a series across its absence: it must come back at least where it was', () => {
    const t = new CounterTracker();
    t.observe(scrape({ c_total: 10 }), 1, 'a');
    t.observe(scrape({}), 2, 'gone');
    t.observe(scrape({ c_total: 0 }), 3, 'back at 0');
    expect(t.backwards.map((b) => [b.from, b.to])).toEqual([[10, 0]]);
  });
});

describe('soak leak decisions', () => {
  it('least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBe(2);
    expect(slope([0, 1, 2], [4, 4, 4])).toBe(0);
  });

  it('counts: a floor that only climbs beyond the allowance leaks; a dip or a small step does not', () => {
    expect(countLeak([30, 31, 33, 36, 40], { allowance: 8 })).toEqual({ rise: 10, from: 30, to: 40 });
    expect(countLeak([30, 31, 35, 34, 40], { allowance: 8 })).toBeUndefined();
    expect(countLeak([30, 31, 31, 31], { allowance: 8 })).toBeUndefined();
    expect(countLeak([30], { allowance: 0 })).toBeUndefined();
  });

  const MiB = 1 << 20;
  const series = (f: (i: number) => number, n = 30): { minute: number; bytes: number }[] =>
    Array.from({ length: n }, (_, i) => ({ minute: i / 6, bytes: f(i) }));
  const opts = { slopePerMinute: 256 * 1024, margin: 2 * MiB };

  it('heap: steady growth is a leak', () => {
    const r = heapLeak(
      series((i) => 17 * MiB + i * 200 * 1024),
      opts,
    );
    expect(r?.slopePerMinute).toBeCloseTo(6 * 200 * 1024, 0);
  });

  it('heap: a sawtooth, noise, or growth within the margin is not', () => {
    expect(
      heapLeak(
        series((i) => 17 * MiB + (i % 5) * 512 * 1024),
        opts,
      ),
    ).toBeUndefined();
    // Deterministic pseudo-noise of +-1.5 MiB around a flat line.
    expect(
      heapLeak(
        series((i) => 17 * MiB + (((i * 7919) % 13) - 6) * 256 * 1024),
        opts,
      ),
    ).toBeUndefined();
    // 1 MiB over the whole run: a slope and separated halves, but 0.5 MiB between their means.
    expect(
      heapLeak(
        series((i) => 17 * MiB + (i * MiB) / 30),
        opts,
      ),
    ).toBeUndefined();
    // A step up and back down: the halves are not separated.
    expect(
      heapLeak(
        series((i) => (i > 10 && i < 25 ? 30 : 17) * MiB),
        opts,
      ),
    ).toBeUndefined();
    // Too few samples to be certain of anything.
    expect(
      heapLeak(
        series((i) => i * 10 * MiB, 5),
        opts,
      ),
    ).toBeUndefined();
  });
});
