/**
 * The wrapper that owns a collector's cross-cutting concerns (deadline, timing, failure
 * reporting), so collectors only read and convert. The contract it runs (CollectContext,
 * Collector, ...) is src/contract/collector.ts.
 */
import { errorLine, type CollectContext, type Collector } from '../contract/collector.js';
import type { CollectorName, CollectorStatus, ReadingOf } from '../contract/snapshot.js';

export interface RunResult<N extends CollectorName> {
  readonly status: CollectorStatus;
  readonly reading?: ReadingOf<N>;
}

/** Per-collector state the wrapper keeps between polls. */
export interface RunState {
  /** A previous run that has not settled yet (after a timeout). */
  inFlight?: Promise<unknown>;
}

/**
 * Runs one collector with its deadline: times it, turns a throw or a timeout into a failed
 * status, never throws itself, and never waits past the deadline. A collector whose previous
 * run is still pending (it ran past its deadline) is not started again; it is reported failed.
 */
export async function runCollector<N extends CollectorName>(
  collector: Collector<N>,
  base: Omit<CollectContext<N>, 'signal' | 'deadline' | 'partFailed'>,
  timeoutSeconds: number,
  state: RunState,
): Promise<RunResult<N>> {
  const start = performance.now();
  const elapsed = (): number => (performance.now() - start) / 1000;
  if (state.inFlight) {
    return {
      status: { success: false, durationSeconds: 0, error: 'previous run still in progress (it ran past its deadline)', timedOut: true },
    };
  }
  const ac = new AbortController();
  const failures: string[] = [];
  const ctx: CollectContext<N> = {
    ...base,
    signal: ac.signal,
    deadline: Date.now() + timeoutSeconds * 1000,
    partFailed(part, error) {
      failures.push(`${part}: ${errorLine(error)}`);
      base.logger.debug('collector part failed', { part, err: errorLine(error) });
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
  });
  let run: Promise<ReadingOf<N>>;
  try {
    run = collector.collect(ctx);
  } catch (e) {
    run = Promise.reject(e);
  }
  try {
    const r = await Promise.race([run, timeout]);
    if (r === 'timeout') {
      ac.abort();
      const pending = run.then(
        () => undefined,
        () => undefined,
      );
      state.inFlight = pending;
      void pending.finally(() => {
        if (state.inFlight === pending) delete state.inFlight;
      });
      return {
        status: { success: false, durationSeconds: timeoutSeconds, error: `timed out after ${timeoutSeconds}s`, timedOut: true },
      };
    }
    if (failures.length) return { status: { success: false, durationSeconds: elapsed(), error: failures.join('; ') }, reading: r };
    return { status: { success: true, durationSeconds: elapsed() }, reading: r };
  } catch (e) {
    return { status: { success: false, durationSeconds: elapsed(), error: errorLine(e) } };
  } finally {
    clearTimeout(timer);
  }
}
