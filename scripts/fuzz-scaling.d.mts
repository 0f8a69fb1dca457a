// Types of scripts/fuzz-scaling.mjs (the linear-time check of npm run fuzz), for its unit test.
export const FACTOR: number;
export const BOUND: number;
export const REPS: number;
export const MIN_BASE_US: number;

export interface ScalingCase<I> {
  readonly name: string;
  /** Starting size (units); doubled until the input's cost reaches minBase. */
  readonly n: number;
  build(n: number): I;
  run(input: I): unknown;
}

export interface ScalingOptions {
  /** The cost of one call of fn (default: CPU microseconds, process.cpuUsage). */
  cost?: (fn: () => unknown) => Promise<number>;
  reps?: number;
  minBase?: number;
  maxN?: number;
  factor?: number;
  bound?: number;
}

export interface ScalingResult {
  name: string;
  n: number;
  bigN: number;
  base: number;
  big: number;
  ratio: number;
  remeasured: boolean;
  verdict: 'linear' | 'superlinear' | 'error';
  ok: boolean;
  error?: string;
}

export function cpuCost(fn: () => unknown): Promise<number>;
export function classify(ratio: number, bound?: number): 'linear' | 'superlinear';
export function checkScaling<I>(c: ScalingCase<I>, opts?: ScalingOptions): Promise<ScalingResult>;
export function parserCases(root: string): Promise<{ cases: ScalingCase<string>[]; cleanup(): void }>;
export function runScaling(root: string, opts?: { log?: (line: string) => void }): Promise<ScalingResult[]>;
