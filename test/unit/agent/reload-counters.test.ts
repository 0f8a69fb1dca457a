// Counters never go backwards across a SIGHUP reload (found by the soak, bench/soak/run.mjs):
// the reload used to recreate every collector and the OTLP sink, so a process group lost the
// counters of its exited members (namedprocess_namegroup_*_total fell to the live members'
// sum), hostprobe_process_skipped_total and every hostprobe_otlp_*_total fell to 0.
// Now a collector whose config section did not change is kept with its state, and the new
// OTLP sink continues the running one's counters.
// The soak found a leak there too: each reload's OTLP sink subscribed to the poller and was
// never unsubscribed, so every replaced sink (with its last snapshot) stayed reachable, and
// the reload's sink took every snapshot instead of the periodic polls' only. Now the poller's
// subscriptions return what unsubscribes, and a replaced or stopped sink is unsubscribed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Poller, sectionKey } from '../../../src/agent/poller.js';
import type { ProcessGroupReading, Snapshot } from '../../../src/contract/snapshot.js';
import { COLLECTORS } from '../../../src/collectors/index.js';
import { checkConfigText } from '../../../src/config/load.js';
import type { AgentConfig } from '../../../src/config/types.js';
import { nullLogger } from '../../../src/logger.js';
import { createOtlpSink } from '../../../src/sinks/otlp/index.js';
import { FIXTURES } from '../../helpers/tools.js';

const POLL1 = join(FIXTURES, 'agent-process-poll1', 'proc');
const POLL2 = join(FIXTURES, 'agent-process-poll2', 'proc');
const COUNTERS = [
  'cpuUserSeconds',
  'cpuSystemSeconds',
  'readBytes',
  'writeBytes',
  'majorPageFaults',
  'minorPageFaults',
  'voluntaryContextSwitches',
  'nonvoluntaryContextSwitches',
] as const;

async function config(yaml: string): Promise<AgentConfig> {
  const { config, issues } = await checkConfigText(yaml, 'test.yaml');
  if (!config) throw new Error(JSON.stringify(issues));
  return config;
}

const GROUPS = `collectors:\n  process:\n    enabled: true\n    groups:\n      - name: "{{.Comm}}"\n        comm: [worker]\n`;

/** The same config over another procfs tree (the next poll's processes; the section is unchanged). */
const over = (c: AgentConfig, procfs: string): AgentConfig => ({ ...c, paths: { ...c.paths, procfs } });

function worker(s: Snapshot): ProcessGroupReading {
  const g = s.readings.process?.groups?.find((x) => x.name === 'worker');
  if (!g) throw new Error(`no worker group in ${JSON.stringify(s.readings.process)}`);
  return g;
}

async function poller(c: AgentConfig): Promise<Poller> {
  const p = new Poller({
    config: c,
    logger: nullLogger,
    table: COLLECTORS.filter((e) => e.name === 'process'),
    skipRuntime: true,
    faults: {},
  });
  await p.init();
  return p;
}

describe('counters across a reload', () => {
  it('keeps the process collector (its exited members) when its section is unchanged', async () => {
    const c = await config(GROUPS);
    const p = await poller(over(c, POLL1));
    const w1 = worker(await p.pollOnce());
    // A reload of an equal config (read again from the file: new objects, equal values).
    await p.reconfigure(over(await config(GROUPS), POLL2));
    const w2 = worker(await p.pollOnce());
    for (const k of COUNTERS) expect(w2[k], k).toBeGreaterThanOrEqual(w1[k]);
    // The exited pid 100's 5 s of user CPU stay in the group: old 100 + 101 + the new 100.
    expect(w2.cpuUserSeconds).toBeCloseTo(8.1, 9);
    expect(w2.minorPageFaults).toBe(1000 + 600 + 50);
    // The same as without a reload (test/agent/process-fixture.test.ts, poll 1 then poll 2).
    expect(w2.voluntaryContextSwitches).toBe(310 + 2);
    await p.stop();
  });

  it('recreates the collector when its section changed (new groups start from their members)', async () => {
    const c = await config(GROUPS);
    const p = await poller(over(c, POLL1));
    await p.pollOnce();
    await p.reconfigure(over(await config(`${GROUPS}        cmdline: [".*"]\n`), POLL2));
    const w2 = worker(await p.pollOnce());
    // Only the live members: pid 101 (3 s) and the new pid 100 (0.1 s).
    expect(w2.cpuUserSeconds).toBeCloseTo(3.1, 9);
    await p.stop();
  });

  it('tells sections apart by their values, regexes included', () => {
    expect(sectionKey({ a: /x+/i, b: [1, 2] })).toBe(sectionKey({ a: /x+/i, b: [1, 2] }));
    expect(sectionKey({ a: /x+/i })).not.toBe(sectionKey({ a: /x+/ }));
    expect(sectionKey({ a: /x+/ })).not.toBe(sectionKey({ a: /y+/ }));
    expect(sectionKey({ f: () => 1 })).toBeUndefined();
    expect(sectionKey({ m: new Map([['k', 1]]) })).toBeUndefined();
  });

  it("continues the running OTLP sink's self-metric counters in the reload's new sink", async () => {
    const c = await config('otlp:\n  endpoint: http://127.0.0.1:9\n  interval: 1h\n');
    const opts = { version: 'test', rootfs: '/', logger: nullLogger };
    const first = createOtlpSink(c.otlp, opts);
    if (!first) throw new Error('the push is off');
    first.self.recordSuccess(1_795_000_000, 40);
    first.self.recordFailure('timeout', 40);
    first.self.bytesSent += 1234;
    // A reload: the agent's running sinks are passed to the new one.
    const second = createOtlpSink(c.otlp, { ...opts, running: [first] });
    if (!second) throw new Error('the push is off');
    await first.close();
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      second.self
        .families()
        .find((f) => f.name === name)
        ?.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
    expect(value('hostprobe_otlp_exports_total', { result: 'success' })).toBe(1);
    expect(value('hostprobe_otlp_exports_total', { result: 'failed' })).toBe(1);
    expect(value('hostprobe_otlp_export_failures_total', { reason: 'timeout' })).toBe(1);
    expect(value('hostprobe_otlp_exported_points_total')).toBe(40);
    expect(value('hostprobe_otlp_sent_bytes_total')).toBe(1234);
    await second.close();
    // A push turned on again after it was off starts from zero (nothing was running).
    const third = createOtlpSink(c.otlp, { ...opts, running: [] });
    expect(third?.self.success).toBe(0);
    await third?.close();
  });

  it('unsubscribes poller listeners; one leaving during a hand-out does not make the next miss it', async () => {
    const p = await poller(over(await config(GROUPS), POLL1));
    const seen: string[] = [];
    const offA = p.onPeriodicSnapshot(() => {
      seen.push('a');
      offA();
    });
    p.onPeriodicSnapshot(() => seen.push('b'));
    const offAll = p.onSnapshot(() => seen.push('all'));
    await p.pollOnce();
    offAll();
    await p.pollOnce();
    expect(seen).toEqual(['all', 'a', 'b', 'b']);
    await p.stop();
  });
});
