// The shared nowrap helper (psutil's _WrapNumbers) behind diskIoCounters and netIoCounters.
import { describe, expect, it } from 'vitest';
import { WrapNumbers } from '../../../src/internal/wrap-numbers.js';

// 3 values per row: two counters, then a gauge that is never adjusted.
const rows = (...r: number[][]): Float64Array => Float64Array.from(r.flat());
const list = (a: Float64Array): number[] => Array.from(a);

describe('WrapNumbers', () => {
  it('returns the first call and unwrapped calls as they are, without a copy', () => {
    const w = new WrapNumbers(3, 2);
    const a = rows([10, 20, 5], [1, 2, 3]);
    expect(w.run('k', ['a', 'b'], a)).toBe(a);
    const b = rows([11, 25, 1], [1, 3, 0]);
    expect(w.run('k', ['a', 'b'], b)).toBe(b); // the gauge going down is not a wrap
  });

  it('adds the last value to a counter that went down, from then on, and only to that device', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a', 'b'], rows([100, 50, 7], [10, 10, 7]));
    const b = rows([3, 60, 2], [11, 11, 2]);
    const out = w.run('k', ['a', 'b'], b);
    expect(out).not.toBe(b);
    expect(list(b)).toEqual([3, 60, 2, 11, 11, 2]); // the raw values are not touched
    expect(list(out)).toEqual([103, 60, 2, 11, 11, 2]);
    expect(list(w.run('k', ['a', 'b'], rows([4, 61, 9], [12, 12, 9])))).toEqual([104, 61, 9, 12, 12, 9]);
    // A second wrap adds to the same remainder.
    expect(list(w.run('k', ['a', 'b'], rows([1, 62, 9], [13, 13, 9])))).toEqual([105, 62, 9, 13, 13, 9]);
  });

  it('never adjusts NaN fields', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a'], rows([100, NaN, 1]));
    const out = w.run('k', ['a'], rows([1, NaN, 1]));
    expect(list(out)).toEqual([101, NaN, 1]);
  });

  it('keeps keys apart', () => {
    const w = new WrapNumbers(3, 2);
    w.run('x', ['a'], rows([100, 0, 0]));
    const b = rows([1, 0, 0]);
    expect(w.run('y', ['a'], b)).toBe(b);
    expect(list(w.run('x', ['a'], rows([1, 0, 0])))).toEqual([101, 0, 0]);
  });

  it('drops the remainders of a device that went away (it comes back without them)', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a', 'b'], rows([100, 0, 0], [5, 5, 0]));
    expect(list(w.run('k', ['a', 'b'], rows([1, 0, 0], [6, 6, 0])))).toEqual([101, 0, 0, 6, 6, 0]);
    const gone = rows([7, 7, 0]);
    expect(w.run('k', ['b'], gone)).toBe(gone);
    const back = rows([2, 0, 0], [8, 8, 0]);
    expect(w.run('k', ['a', 'b'], back)).toBe(back);
  });

  it('compares a new device with nothing, and keeps the others by name', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a'], rows([100, 0, 0]));
    const out = w.run('k', ['a', 'c'], rows([1, 0, 0], [0, 0, 0]));
    expect(list(out)).toEqual([101, 0, 0, 0, 0, 0]);
    expect(list(w.run('k', ['a', 'c'], rows([2, 0, 0], [1, 1, 0])))).toEqual([102, 0, 0, 1, 1, 0]);
  });

  it('matches rows by name when the device list is reordered', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a', 'b'], rows([100, 1, 0], [50, 2, 0]));
    // b then a: no counter went down for either device.
    const swapped = rows([51, 2, 0], [101, 1, 0]);
    expect(w.run('k', ['b', 'a'], swapped)).toBe(swapped);
    // a wraps while listed second; its remainder follows it back to the first row.
    expect(list(w.run('k', ['b', 'a'], rows([52, 2, 0], [1, 1, 0])))).toEqual([52, 2, 0, 102, 1, 0]);
    expect(list(w.run('k', ['a', 'b'], rows([3, 1, 0], [53, 2, 0])))).toEqual([104, 1, 0, 53, 2, 0]);
  });

  it('uses namesKey, when given, to tell an unchanged device list', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a', 'b'], rows([100, 0, 0], [50, 0, 0]), 'a\nb');
    const out = w.run('k', ['b', 'a'], rows([51, 0, 0], [101, 0, 0]), 'b\na');
    expect(list(out)).toEqual([51, 0, 0, 101, 0, 0]);
  });

  it('forgets everything on clear()', () => {
    const w = new WrapNumbers(3, 2);
    w.run('k', ['a'], rows([100, 0, 0]));
    expect(list(w.run('k', ['a'], rows([1, 0, 0])))).toEqual([101, 0, 0]);
    w.clear();
    const first = rows([1, 0, 0]);
    expect(w.run('k', ['a'], first)).toBe(first);
    const next = rows([0, 0, 0]);
    expect(list(w.run('k', ['a'], next))).toEqual([1, 0, 0]);
  });
});
