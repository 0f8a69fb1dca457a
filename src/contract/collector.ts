/**
 * The collector contract: what a collector is given (its context), what it returns, and how
 * its parts report failures. The wrapper that owns the cross-cutting concerns (deadline,
 * timing, failure reporting) is the agent's (src/agent/collector.ts), so collectors only
 * read and convert.
 *
 * A collector is created once per configuration (it may keep state between polls, like the
 * stuck-mount set) and its `collect` runs once per poll. It reads through the library's
 * async functions (never blocking the JS thread) and returns its typed reading. A part that
 * fails is reported through `ctx.partFailed` and the rest of the reading is still published,
 * with the collector marked failed for the poll (node_exporter publishes what a failing
 * collector sent before its error, and reports success 0).
 *
 * Missing is a failure unless declared: only the parts a collector names as optional (its
 * OPTIONAL_INPUTS, documented in docs/agent.md "Failure semantics") may be "not present on
 * this host" silently. A required file that is missing (a wrong --path.procfs, a kernel
 * without it) fails the part with the path in the error.
 */
import { NotFoundError, UnsupportedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Roots } from '../roots.js';
import type { AgentConfig, CollectorsConfig } from '../config/types.js';
import type { CollectorName, ReadingOf } from './snapshot.js';

export interface CollectContext<N extends CollectorName> {
  readonly roots: Roots;
  /** This collector's config section. */
  readonly config: CollectorsConfig[N];
  /** The whole agent config. */
  readonly agent: AgentConfig;
  /** Aborted when the deadline passes (the wrapper stops waiting at that moment anyway). */
  readonly signal: AbortSignal;
  /** Absolute deadline, ms since the epoch (Date.now() scale). */
  readonly deadline: number;
  readonly logger: Logger;
  /** The poll's wall clock, unix ms (a fixed value under the test-only HOSTPROBE_TEST_CLOCK). */
  now(): number;
  /** Records that one part failed; the collector is then reported failed for this poll. */
  partFailed(part: string, error: unknown): void;
}

export interface Collector<N extends CollectorName = CollectorName> {
  readonly name: N;
  collect(ctx: CollectContext<N>): Promise<ReadingOf<N>>;
  /** Releases what the collector holds (called when it is replaced on reload). */
  close?(): void;
}

/** An entry of the collector table (src/collectors/index.ts). */
export interface CollectorEntry<N extends CollectorName = CollectorName> {
  readonly name: N;
  /** One line for --help and the landing page. */
  readonly summary: string;
  /**
   * Creates the collector for a config (its module is imported on first use). A module that
   * fails to load rejects; the agent then logs it and treats the collector as unavailable.
   */
  create(config: CollectorsConfig[N], logger: Logger): Promise<Collector<N>>;
  /** The node_exporter collectors this one replaces (its parts), for docs and flags. */
  readonly parts: readonly string[];
}

/**
 * An input a collector may lack on some hosts without failing: its part is then absent from
 * the reading (no series), with a debug log. Everything not declared is required.
 */
export interface OptionalInput {
  /** The part (a key of the collector's runParts) whose absence is normal. */
  readonly part: string;
  /** The files or directories, root-relative (`<procfs>/pressure/cpu`, ...), for the docs. */
  readonly paths: readonly string[];
  /** When they are absent. */
  readonly why: string;
}

/** True for errors that mean "this host does not have it" (a failure unless the part is optional). */
export function isAbsent(e: unknown): boolean {
  if (e instanceof NotFoundError || e instanceof UnsupportedError) return true;
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENODEV' || code === 'ENOTSUP' || code === 'EOPNOTSUPP';
}

/** `<procfs>/pressure/*` with the roots filled in, as a RegExp over an absolute path. */
function inputPattern(path: string, roots: Roots): RegExp {
  const abs = path
    .replace('<procfs>', () => roots.procfs.replace(/\/+$/, ''))
    .replace('<sysfs>', () => roots.sysfs.replace(/\/+$/, ''))
    .replace('<rootfs>', () => roots.rootfs.replace(/\/+$/, ''));
  const re = abs
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${re}$`);
}

/**
 * Whether an "absent" error of `part` is one the collector declared optional: the part is
 * declared, and the error's path (when it has one) is one of the part's declared paths.
 */
export function isOptionalAbsence(part: string, e: unknown, optional: readonly OptionalInput[], roots: Roots): boolean {
  const decl = optional.filter((o) => o.part === part);
  if (decl.length === 0) return false;
  const path = (e as { path?: unknown } | null)?.path;
  if (typeof path !== 'string' || path === '') return true;
  return decl.some((o) => o.paths.some((p) => inputPattern(p, roots).test(path)));
}

/** One line describing an error. */
export function errorLine(e: unknown): string {
  if (e instanceof Error) return (e.message || e.name).split('\n')[0] as string;
  return String(e);
}

/**
 * Runs the named parts of a collector concurrently. Each part is a thunk; a part named in
 * `optional` that throws an "absent" error yields undefined (debug log only), any other
 * error, a missing file of a required part included, is reported with ctx.partFailed and
 * yields undefined. Disabled parts are passed as `undefined` and skipped.
 */
export async function runParts<N extends CollectorName, T extends Record<string, (() => Promise<unknown>) | undefined>>(
  ctx: CollectContext<N>,
  parts: T,
  optional: readonly OptionalInput[] = [],
): Promise<{ [K in keyof T]: NonNullable<T[K]> extends () => Promise<infer R> ? R | undefined : undefined }> {
  const keys = Object.keys(parts);
  const settled = await Promise.allSettled(
    keys.map((k) => (parts[k] ? (parts[k] as () => Promise<unknown>)() : Promise.resolve(undefined))),
  );
  const out: Record<string, unknown> = {};
  settled.forEach((r, i) => {
    const k = keys[i] as string;
    if (r.status === 'fulfilled') out[k] = r.value;
    else if (isAbsent(r.reason) && isOptionalAbsence(k, r.reason, optional, ctx.roots)) {
      ctx.logger.debug('not present on this host', { part: k, err: errorLine(r.reason) });
      out[k] = undefined;
    } else {
      ctx.partFailed(k, r.reason);
      out[k] = undefined;
    }
  });
  return out as { [K in keyof T]: NonNullable<T[K]> extends () => Promise<infer R> ? R | undefined : undefined };
}
