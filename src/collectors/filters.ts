/** node_exporter's device filters: an exclude or an include regex (they are mutually exclusive). */
import { compileRegex } from '../config/spec.js';

export class DeviceFilter {
  private readonly exclude: RegExp | undefined;
  private readonly include: RegExp | undefined;

  /** Empty strings mean "not set". */
  constructor(exclude: string, include: string) {
    this.exclude = exclude ? compileRegex(exclude) : undefined;
    this.include = include ? compileRegex(include) : undefined;
  }

  /** True when `name` is to be left out. */
  ignored(name: string): boolean {
    if (this.exclude && this.exclude.test(name)) return true;
    if (this.include && !this.include.test(name)) return true;
    return false;
  }
}

/** Maps with at most `limit` promises in flight, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
