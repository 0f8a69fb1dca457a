/**
 * The property-test harness of test/fuzz/*.test.ts (fast-check).
 *
 * In the normal suite a property runs a bounded number of times (fast), after every input
 * that ever failed it (test/fixtures/fuzz-regressions/ts-<name>/*.json). Under
 * `npm run fuzz` (scripts/fuzz.mjs sets FUZZ_SECONDS) it runs for that many seconds instead;
 * a failing input is then kept as a new regression file (commit it with the fix), and one
 * line per property goes to FUZZ_REPORT for the runner's report.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REGRESSIONS = join(root, 'test/fixtures/fuzz-regressions');

const seconds = Number(process.env.FUZZ_SECONDS ?? 0);

/** The kept regression inputs of a property (JSON files), decoded. */
export function regressionInputs(name: string): unknown[] {
  const dir = join(REGRESSIONS, `ts-${name}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown);
}

/**
 * Checks `predicate` (which throws or returns false on a violation) on every kept regression
 * input of `name`, then on `runs` generated inputs (FUZZ_SECONDS: for that long). Inputs must
 * survive JSON (strings, numbers, arrays, plain objects).
 */
export async function checkProperty<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  predicate: (v: T) => boolean | void | Promise<boolean | void>,
  runs = 200,
): Promise<void> {
  // npm run fuzz -- --only a,b: the other properties are not run (FUZZ_SECONDS mode only).
  const only = seconds > 0 ? process.env.FUZZ_ONLY?.split(',') : undefined;
  if (only && !only.includes(name)) return;
  const kept = regressionInputs(name);
  for (const input of kept) {
    const ok = await predicate(input as T);
    if (ok === false) throw new Error(`${name}: kept regression input ${JSON.stringify(input)} fails`);
  }
  const started = Date.now();
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      const ok = await predicate(v);
      return ok !== false;
    }),
    seconds > 0
      ? { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false }
      : { numRuns: runs },
  );
  let keptPath: string | undefined;
  if (details.failed && seconds > 0 && details.counterexample) {
    const json = JSON.stringify(details.counterexample[0]);
    const dir = join(REGRESSIONS, `ts-${name}`);
    mkdirSync(dir, { recursive: true });
    keptPath = join(dir, `${createHash('sha1').update(json).digest('hex').slice(0, 16)}.json`);
    writeFileSync(keptPath, json + '\n');
  }
  if (process.env.FUZZ_REPORT) {
    appendFileSync(
      process.env.FUZZ_REPORT,
      JSON.stringify({
        name,
        runs: details.numRuns,
        seconds: (Date.now() - started) / 1000,
        failed: details.failed,
        regressions: kept.length,
        kept: keptPath?.slice(root.length + 1),
      }) + '\n',
    );
  }
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? `\n${details.errorInstance.message}` : '';
    throw new Error(`${name}: ${fc.defaultReportMessage(details) ?? 'failed'}${cause}`);
  }
}
