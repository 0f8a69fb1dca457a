// Types of bench/soak/check.mjs, for test/bench/soak-check.test.ts.
export interface Parsed {
  types: Map<string, 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'>;
  samples: Map<string, number>;
}
export function parseExposition(text: string): Parsed;
export function isMonotonic(name: string, types: Parsed['types']): boolean;
export interface Backwards {
  series: string;
  from: number;
  to: number;
  fromPoll: number;
  toPoll: number;
  where: string;
}
export class CounterTracker {
  last: Map<string, { t: number; v: number }>;
  checked: number;
  backwards: Backwards[];
  observe(parsed: Parsed, pollTime: number, where: string): void;
}
export function slope(xs: readonly number[], ys: readonly number[]): number;
export function countLeak(
  points: readonly number[],
  opts: { allowance: number; minPoints?: number },
): { rise: number; from: number; to: number } | undefined;
export function heapLeak(
  samples: readonly { minute: number; bytes: number }[],
  opts: { slopePerMinute: number; margin: number; minPoints?: number },
): { slopePerMinute: number; firstHalfMax: number; lastHalfMin: number; rise: number } | undefined;
