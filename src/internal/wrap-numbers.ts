/**
 * psutil's `_WrapNumbers`, shared by `diskIoCounters` and `netIoCounters` (`nowrap`): keeps
 * cumulative counters monotonic across calls. Per key (a procfs root, a mode) it remembers
 * the last raw values of each device; when a counter goes down (a 32-bit wrap, a device
 * reset), the previous value is added to that device's remainder, which is added to the
 * counter from then on. A device that disappears takes its remainders with it.
 *
 * Rows are flat: `stride` values per device in one Float64Array, of which the first
 * `counters` are adjusted (the others, gauges or device numbers, are left alone). NaN (a
 * field the kernel's layout lacks) compares false either way, so it is never adjusted.
 */

interface WrapState {
  /** Identifies `names`: the same key means the same devices in the same order. */
  namesKey: string;
  names: readonly string[];
  last: Float64Array;
  /** Per device, `counters` values added to the raw counters; null until a counter wrapped. */
  remainders: Map<string, Float64Array> | null;
}

export class WrapNumbers {
  /** Values per device row. */
  readonly stride: number;
  /** Values 0..counters-1 of a row are counters (adjusted); the rest are not. */
  readonly counters: number;
  readonly #states = new Map<string, WrapState>();

  constructor(stride: number, counters: number) {
    this.stride = stride;
    this.counters = counters;
  }

  /**
   * Applies nowrap to one call's rows: `names[i]` owns `values[i * stride ...]`. `namesKey`
   * stands for the device list (default: the names joined by "\n"); while it is unchanged,
   * rows are compared by index without any lookup.
   *
   * Returns `values` itself while no remainder applies (the usual case: no copy, no
   * allocation), else an adjusted copy. `values` is kept as the last raw values of `key` and
   * must not be modified afterwards.
   */
  run(key: string, names: readonly string[], values: Float64Array, namesKey = names.join('\n')): Float64Array {
    const state = this.#states.get(key);
    if (!state) {
      this.#states.set(key, { namesKey, names, last: values, remainders: null });
      return values;
    }
    const { stride, counters } = this;
    const { last } = state;
    let rems = state.remainders;
    // Row of each device in the last call: the same row while the device list is unchanged.
    let oldRow: Map<string, number> | null = null;
    if (namesKey !== state.namesKey) {
      oldRow = new Map();
      state.names.forEach((n, i) => oldRow!.set(n, i));
      // A device that went away takes its remainders with it.
      if (rems) for (const n of rems.keys()) if (!names.includes(n)) rems.delete(n);
    }
    for (let i = 0; i < names.length; i++) {
      const j = oldRow ? oldRow.get(names[i]!) : i;
      if (j === undefined) continue; // a new device: nothing to compare with
      const cur = i * stride;
      const old = j * stride;
      for (let f = 0; f < counters; f++) {
        if (values[cur + f]! < last[old + f]!) {
          rems ??= state.remainders = new Map();
          const name = names[i]!;
          let r = rems.get(name);
          if (!r) rems.set(name, (r = new Float64Array(counters)));
          r[f] = r[f]! + last[old + f]!;
        }
      }
    }
    state.namesKey = namesKey;
    state.names = names;
    state.last = values;
    if (!rems || rems.size === 0) return values;
    let adjusted: Float64Array | null = null;
    for (let i = 0; i < names.length; i++) {
      const r = rems.get(names[i]!);
      if (!r) continue;
      adjusted ??= values.slice();
      const cur = i * stride;
      for (let f = 0; f < counters; f++) adjusted[cur + f] = adjusted[cur + f]! + r[f]!;
    }
    return adjusted ?? values;
  }

  /** Forgets every key's last values and remainders (psutil's `cache_clear()`). */
  clear(): void {
    this.#states.clear();
  }
}
