/**
 * Test-only fault injection, so the tests can show that a failing or hanging collector does
 * not break a scrape. Off unless HOSTPROBE_TEST_FAULTS is set (or faults are passed to the
 * Poller); documented in docs/agent.md.
 *
 * HOSTPROBE_TEST_FAULTS is a comma-separated list of `<collector>=<fault>`:
 * - `fail`      the collector throws "injected failure"
 * - `hang`      the collector never returns (its deadline expires)
 * - `slow:<s>`  the collector waits <s> seconds, then reads normally
 * - `partial`   the collector reads normally but reports one part failed
 */
import type { Collector } from '../contract/collector.js';
import { COLLECTOR_NAMES, type CollectorName } from '../contract/snapshot.js';

export type Fault = { kind: 'fail' } | { kind: 'hang' } | { kind: 'slow'; seconds: number } | { kind: 'partial' };
export type Faults = Partial<Record<CollectorName, Fault>>;

/** Parses HOSTPROBE_TEST_FAULTS. Throws on a malformed value (a test typo should be loud). */
export function parseFaults(text: string | undefined): Faults {
  const out: Faults = {};
  if (!text) return out;
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)=(fail|hang|partial|slow:(\d+(?:\.\d+)?))$/.exec(item);
    if (!m || !(COLLECTOR_NAMES as readonly string[]).includes(m[1] as string)) {
      throw new Error(`HOSTPROBE_TEST_FAULTS: cannot parse ${JSON.stringify(item)} (want <collector>=fail|hang|partial|slow:<seconds>)`);
    }
    const name = m[1] as CollectorName;
    if (m[3] !== undefined) out[name] = { kind: 'slow', seconds: Number(m[3]) };
    else out[name] = { kind: m[2] as 'fail' | 'hang' | 'partial' };
  }
  return out;
}

/** Wraps a collector with its injected fault, if any. */
export function applyFaults<N extends CollectorName>(c: Collector<N>, faults: Faults): Collector<N> {
  const f = faults[c.name];
  if (!f) return c;
  const wrapped: Collector<N> = {
    name: c.name,
    async collect(ctx) {
      switch (f.kind) {
        case 'fail':
          throw new Error('injected failure');
        case 'hang':
          return new Promise<never>(() => {});
        case 'slow':
          await new Promise((r) => setTimeout(r, f.seconds * 1000));
          return c.collect(ctx);
        case 'partial': {
          const r = await c.collect(ctx);
          ctx.partFailed('injected', new Error('injected partial failure'));
          return r;
        }
      }
    },
  };
  if (c.close) wrapped.close = () => c.close?.();
  return wrapped;
}
