// The linear-time checker of npm run fuzz (scripts/fuzz-scaling.mjs), tested without any
// timing: its cost measure is injected, here a deterministic count of the operations a toy
// parser performs. A linear toy parser must be classified linear, a quadratic one (the
// duplicate-key check by rescanning, the classic mistake) superlinear, an n log n one linear.
import { describe, expect, it } from 'vitest';
import { BOUND, FACTOR, checkScaling, classify, type ScalingOptions } from '../../scripts/fuzz-scaling.mjs';

let ops = 0;
const counted: ScalingOptions['cost'] = async (fn) => {
  const before = ops;
  await fn();
  return ops - before;
};

const keys = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}=v`).join('\n');

// One pass over the lines, a Set for duplicates: linear.
function parseLinear(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    ops++;
    const [k, v] = line.split('=');
    if (out.has(k)) throw new Error(`duplicate ${k}`);
    out.set(k, v);
  }
  return out;
}

// Every line compared with every earlier one: quadratic.
function parseQuadratic(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const [k, v] = line.split('=');
    for (const [seen] of out) {
      ops++;
      if (seen === k) throw new Error(`duplicate ${k}`);
    }
    ops++;
    out.push([k, v]);
  }
  return out;
}

// Every key looked up by binary search in the sorted keys (comparisons counted): n log n,
// which is within the bound.
function parseSorted(text: string): number[] {
  const lines = text.split('\n');
  const sorted = [...lines].sort();
  return lines.map((k) => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      ops++;
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

const opts = { cost: counted, reps: 3, minBase: 1000 };

describe('linear-time checker (scripts/fuzz-scaling.mjs)', () => {
  it('classifies ratios against the bound', () => {
    expect(FACTOR).toBe(16);
    expect(BOUND).toBe(64);
    expect(classify(16)).toBe('linear');
    expect(classify(64)).toBe('linear');
    expect(classify(64.5)).toBe('superlinear');
    expect(classify(256)).toBe('superlinear');
    expect(classify(Number.NaN)).toBe('superlinear');
  });

  it('finds a linear parser linear (ratio 16), growing n until the base cost is large enough', async () => {
    const r = await checkScaling({ name: 'linear', n: 10, build: keys, run: parseLinear }, opts);
    expect(r.n).toBe(1280); // 10 doubled until >= 1000 operations
    expect(r.bigN).toBe(1280 * 16);
    expect(r.base).toBe(1280);
    expect(r.ratio).toBe(16);
    expect(r.remeasured).toBe(false);
    expect(r).toMatchObject({ verdict: 'linear', ok: true });
  });

  it('finds a quadratic parser superlinear (ratio ~256) after re-measuring once', async () => {
    const r = await checkScaling({ name: 'quadratic', n: 10, build: keys, run: parseQuadratic }, opts);
    expect(r.n).toBe(80); // n(n+1)/2 operations: 820 at n = 40, 3240 at n = 80
    expect(r.base).toBeGreaterThanOrEqual(1000);
    expect(r.ratio).toBeGreaterThan(200);
    expect(r.ratio).toBeLessThanOrEqual(256);
    expect(r.remeasured).toBe(true);
    expect(r).toMatchObject({ verdict: 'superlinear', ok: false });
  });

  it('finds an n log n parser within the bound', async () => {
    const r = await checkScaling({ name: 'sorted', n: 10, build: keys, run: parseSorted }, opts);
    expect(r.ratio).toBeGreaterThan(16);
    expect(r.ratio).toBeLessThan(BOUND);
    expect(r.ok).toBe(true);
  });

  it('passes a parser error through (a case whose input is rejected is a broken case, not a pass)', async () => {
    await expect(checkScaling({ name: 'dup', n: 10, build: (n) => 'k=v\n'.repeat(n).trim(), run: parseLinear }, opts)).rejects.toThrow(
      'duplicate k',
    );
  });
});
