// Collection on scrape, in-process over a copy of the fixture trees (so a counter can be
// changed between scrapes): a scrape older than http.max_snapshot_age polls, concurrent
// scrapes share one poll and the same bytes, a poll slower than the scrape timeout serves the
// previous snapshot, and node_exporter's collect[]/exclude[] filters with their errors.
// Polls are counted by hostprobe_polls_total and a gate in one collector, never by timing.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.js';
import type { CollectorEntry } from '../../../src/contract/collector.js';
import { CollectFilterError, filterSnapshot, parseCollectFilter } from '../../../src/agent/collect-filter.js';
import { COLLECTORS } from '../../../src/collectors/index.js';
import { parseAgentFlags } from '../../../src/config/flags.js';
import { loadConfig } from '../../../src/config/load.js';
import { scrapeWaitMs } from '../../../src/http/server.js';
import { createLogger } from '../../../src/logger.js';
import { FIXTURES } from '../../helpers/tools.js';
import { fakeSnapshot, parseExposition, waitFor } from '../../helpers/agent.js';

const dirs: string[] = [];
const agents: Agent[] = [];

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of test/fixtures/agent-e2e that the test may change. */
function fixtureCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'hostprobe-scrape-'));
  dirs.push(d);
  cpSync(join(FIXTURES, 'agent-e2e'), d, { recursive: true });
  return d;
}

/** A gate in front of the cpu collector: while closed, a poll waits in it. */
class Gate {
  private hold: Promise<void> | undefined;
  private release: (() => void) | undefined;
  /** Polls that reached the gate. */
  entered = 0;
  close(): void {
    this.hold = new Promise((r) => (this.release = r));
  }
  open(): void {
    this.release?.();
    this.hold = undefined;
  }
  async pass(): Promise<void> {
    this.entered++;
    if (this.hold) await this.hold;
  }
}

function gatedTable(gate: Gate): CollectorEntry[] {
  return COLLECTORS.map((e) => {
    if (e.name !== 'cpu') return e;
    const cpu = e as CollectorEntry<'cpu'>;
    const gated: CollectorEntry<'cpu'> = {
      ...cpu,
      async create(config, logger) {
        const c = await cpu.create(config, logger);
        return {
          name: 'cpu',
          async collect(ctx) {
            await gate.pass();
            return c.collect(ctx);
          },
        };
      },
    };
    return gated as unknown as CollectorEntry;
  });
}

interface Running {
  agent: Agent;
  url: string;
  root: string;
  gate: Gate;
  logs: string[];
}

async function start(maxAge: string, extra = ''): Promise<Running> {
  const root = fixtureCopy();
  const file = join(root, 'hostprobe.yaml');
  writeFileSync(
    file,
    [
      'poll_interval: 1h',
      'paths:',
      `  procfs: ${join(root, 'proc')}`,
      `  sysfs: ${join(root, 'sys')}`,
      `  rootfs: ${join(root, 'root')}`,
      'http:',
      '  address: 127.0.0.1',
      '  port: 0',
      `  max_snapshot_age: ${maxAge}`,
      'collectors:',
      '  disk: {enabled: false}',
      '  nic: {enabled: false}',
      '  host: {enabled: false}',
      '  process: {enabled: false}',
      '  cpu: {cpufreq: {enabled: false}}',
      extra,
      '',
    ].join('\n'),
  );
  const logs: string[] = [];
  const gate = new Gate();
  const agent = new Agent({
    configFile: file,
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    table: gatedTable(gate),
  });
  agents.push(agent);
  const addr = await agent.start();
  await agent.firstPoll();
  return { agent, url: `http://127.0.0.1:${addr!.port}/metrics`, root, gate, logs };
}

async function scrape(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; raw: Buffer; headers: Headers }> {
  const r = await fetch(url, { headers });
  const raw = Buffer.from(await r.arrayBuffer());
  return { status: r.status, body: raw.toString('utf8'), raw, headers: r.headers };
}

function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return parseExposition(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const names = (text: string): Set<string> => new Set(parseExposition(text).map((s) => s.name));

/** Adds `ticks` to cpu0's idle time in <root>/proc/stat. */
function addIdle(root: string, ticks: number): void {
  const file = join(root, 'proc', 'stat');
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('cpu0 '));
  const f = (lines[i] as string).split(' ');
  f[4] = String(Number(f[4]) + ticks);
  lines[i] = f.join(' ');
  writeFileSync(file, lines.join('\n'));
}

describe('collection on scrape', () => {
  let zero: Running;

  beforeAll(async () => {
    zero = await start('0s');
  }, 60_000);

  it('max_snapshot_age 0: every scrape polls, so two scrapes in a row see a counter that changed between them', async () => {
    const a = await scrape(zero.url);
    expect(a.status).toBe(200);
    const idle0 = value(a.body, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' }) as number;
    const polls0 = value(a.body, 'hostprobe_polls_total') as number;
    expect(idle0).toBeGreaterThan(0);
    addIdle(zero.root, 250);
    const b = await scrape(zero.url);
    // USER_HZ is 100: 250 ticks are 2.5 s.
    expect(value(b.body, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBeCloseTo(idle0 + 2.5, 6);
    expect(value(b.body, 'hostprobe_polls_total')).toBe(polls0 + 1);
    addIdle(zero.root, 100);
    const c = await scrape(zero.url);
    expect(value(c.body, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })).toBeCloseTo(idle0 + 3.5, 6);
    expect(value(c.body, 'hostprobe_polls_total')).toBe(polls0 + 2);
  });

  it('concurrent scrapes wait on one poll and are served the same bytes, plain and gzip', async () => {
    const before = value((await scrape(zero.url)).body, 'hostprobe_polls_total') as number;
    const entered = zero.gate.entered;
    zero.gate.close();
    addIdle(zero.root, 100);
    const pending = [
      scrape(zero.url),
      scrape(zero.url, { 'Accept-Encoding': 'gzip' }),
      scrape(zero.url),
      scrape(zero.url, { 'Accept-Encoding': 'gzip' }),
    ];
    try {
      // Every scrape has joined the poll held at the gate.
      await waitFor(
        () => (zero.agent.poller.waitingForPoll === pending.length ? true : undefined),
        30_000,
        'four scrapes waiting for the poll',
      );
    } finally {
      zero.gate.open();
    }
    const rs = await Promise.all(pending);
    expect(zero.gate.entered).toBe(entered + 1);
    for (const r of rs) expect(r.status).toBe(200);
    const plain = rs[0]!.raw;
    expect(rs[2]!.raw.equals(plain)).toBe(true);
    expect(rs[1]!.headers.get('content-encoding')).toBe('gzip');
    // fetch decodes gzip: the decoded bytes are the same render.
    expect(rs[1]!.raw.equals(plain)).toBe(true);
    expect(rs[3]!.raw.equals(plain)).toBe(true);
    expect(value(plain.toString('utf8'), 'hostprobe_polls_total')).toBe(before + 1);
  });

  it("the periodic listeners (the OTLP push) get pollOnce's snapshots, once each, never a scrape's", async () => {
    const seen: number[] = [];
    zero.agent.poller.onPeriodicSnapshot((s) => seen.push(s.seq));
    await scrape(zero.url);
    await scrape(zero.url);
    expect(seen).toEqual([]);
    // A periodic poll (a tick, a reload) that finds a scrape's poll running joins it and hands it out once.
    zero.gate.close();
    const pending = scrape(zero.url);
    let ticks: Promise<unknown>[];
    try {
      await waitFor(() => (zero.agent.poller.waitingForPoll === 1 ? true : undefined), 30_000, 'the scrape waiting for its poll');
      ticks = [zero.agent.poller.pollOnce(), zero.agent.poller.pollOnce()];
    } finally {
      zero.gate.open();
    }
    const r = await pending;
    await Promise.all(ticks);
    expect(seen).toEqual([value(r.body, 'hostprobe_polls_total')]);
    const own = await zero.agent.poller.pollOnce();
    expect(seen).toEqual([value(r.body, 'hostprobe_polls_total'), own.seq]);
  });

  it('the gzip bytes are made once per snapshot', async () => {
    await scrape(zero.url);
    const r = zero.agent.prom.latest!;
    expect(r.gzipText()).toBe(r.gzipText());
    expect(gunzipSync(r.gzipText()).equals(r.text)).toBe(true);
  });

  it('a poll slower than the scrape timeout: a snapshot no scrape was served, else 503; never the same sample twice', async () => {
    await scrape(zero.url);
    // A poll no scrape has been served (as a poll that completes after its scrape gave up).
    const unserved = await zero.agent.poller.pollOnce();
    zero.gate.close();
    let late;
    let again;
    try {
      // 0.4 s scrape timeout: the agent waits 0.3 s (a quarter less) for the poll held at the gate.
      late = await scrape(zero.url, { 'X-Prometheus-Scrape-Timeout-Seconds': '0.4' });
      again = await scrape(zero.url, { 'X-Prometheus-Scrape-Timeout-Seconds': '0.4' });
    } finally {
      zero.gate.open();
    }
    expect(late.status).toBe(200);
    expect(value(late.body, 'hostprobe_polls_total')).toBe(unserved.seq);
    expect(zero.logs.some((l) => l.includes('level=warn') && l.includes('scrape served an older snapshot no scrape had been served'))).toBe(
      true,
    );
    expect(again.status).toBe(503);
    expect(again.body).toMatch(
      /^the poll did not complete within the scrape timeout \(waited 0\.300s\); the latest snapshot \(poll \d+\) was already served\n$/,
    );
    expect(again.headers.get('retry-after')).toBe('1');
    const next = await scrape(zero.url);
    expect(next.status).toBe(200);
    expect(value(next.body, 'hostprobe_polls_total')).toBeGreaterThan(unserved.seq);
    expect(zero.logs.some((l) => l.includes('scrapes are served fresh snapshots again'))).toBe(true);
  });
});

describe('max_snapshot_age', () => {
  it('defaults to 500ms; --web.max-snapshot-age sets it; negative is a config error naming the key', async () => {
    expect((await loadConfig(undefined)).config.http.max_snapshot_age).toBe(0.5);
    const f = parseAgentFlags(['--web.max-snapshot-age=0s']);
    expect((await loadConfig(undefined, { overrides: f.overrides })).config.http.max_snapshot_age).toBe(0);
    const root = fixtureCopy();
    const file = join(root, 'bad.yaml');
    writeFileSync(file, 'http:\n  max_snapshot_age: -1s\n');
    await expect(loadConfig(file)).rejects.toThrow(/bad\.yaml:2:21: http\.max_snapshot_age: invalid duration "-1s"/);
  });

  it('a scrape within the bound is served the cached render of the latest poll without polling', async () => {
    const hour = await start('1h');
    const a = await scrape(hour.url);
    addIdle(hour.root, 100);
    const b = await scrape(hour.url, { 'Accept-Encoding': 'gzip' });
    expect(b.raw.equals(a.raw)).toBe(true);
    expect(value(a.body, 'hostprobe_polls_total')).toBe(1);
    expect(hour.gate.entered).toBe(1);
  }, 60_000);
});

describe('collect[] and exclude[] (node_exporter semantics)', () => {
  let r: Running;

  beforeAll(async () => {
    r = await start('1h');
  }, 60_000);

  const get = (q: string): Promise<{ status: number; body: string; raw: Buffer; headers: Headers }> => scrape(`${r.url}?${q}`);
  const collectors = (text: string): string[] =>
    parseExposition(text)
      .filter((s) => s.name === 'node_scrape_collector_success')
      .map((s) => s.labels.collector as string)
      .sort();

  it('collect[] serves only those collectors, by node_exporter name (a part) or by our name (a whole collector)', async () => {
    const cpu = await get('collect[]=cpu');
    expect(cpu.status).toBe(200);
    const n = names(cpu.body);
    expect(n.has('node_cpu_seconds_total')).toBe(true);
    expect(n.has('node_load1')).toBe(false);
    expect(n.has('node_context_switches_total')).toBe(false);
    expect([...n].some((x) => x.startsWith('node_memory_'))).toBe(false);
    expect(collectors(cpu.body)).toEqual(['cpu']);
    // The agent's own metrics stay, as node_exporter's exporter metrics do.
    expect(n.has('hostprobe_polls_total')).toBe(true);

    const two = names((await get('collect[]=meminfo&collect[]=loadavg')).body);
    expect(two.has('node_memory_MemTotal_bytes')).toBe(true);
    expect([...two].some((x) => x.startsWith('node_vmstat_'))).toBe(false);
    expect(two.has('node_load1')).toBe(true);
    expect(two.has('node_cpu_seconds_total')).toBe(false);

    const mem = await get('collect[]=mem');
    const m = names(mem.body);
    expect(m.has('node_memory_MemTotal_bytes')).toBe(true);
    expect([...m].some((x) => x.startsWith('node_vmstat_'))).toBe(true);
    expect(collectors(mem.body)).toEqual(['mem']);

    // A part of the net collector alone: softnet, without netdev's or conntrack's families.
    const softnet = names((await get('collect[]=softnet')).body);
    expect(softnet.has('node_softnet_processed_total')).toBe(true);
    expect(softnet.has('node_network_receive_bytes_total')).toBe(false);
    expect([...softnet].some((x) => x.startsWith('node_nf_conntrack_') || x.startsWith('node_udp_queues'))).toBe(false);
  });

  it('exclude[] serves every enabled collector but those; a node_exporter collector hostprobe lacks excludes nothing', async () => {
    const full = names((await scrape(r.url)).body);
    const noCpu = await get('exclude[]=cpu');
    const n = names(noCpu.body);
    expect(n.has('node_cpu_seconds_total')).toBe(false);
    expect(n.has('node_load1')).toBe(true);
    expect(n.has('node_memory_MemTotal_bytes')).toBe(true);
    expect(n.has('node_network_receive_bytes_total')).toBe(true);

    const noMem = await get('exclude[]=mem&exclude[]=wifi');
    expect(noMem.status).toBe(200);
    const nm = names(noMem.body);
    expect([...nm].some((x) => x.startsWith('node_memory_') || x.startsWith('node_vmstat_'))).toBe(false);
    expect(collectors(noMem.body)).toEqual(collectors((await scrape(r.url)).body).filter((c) => c !== 'mem'));
    for (const x of full)
      if (!x.startsWith('node_memory_') && !x.startsWith('node_vmstat_') && !x.startsWith('node_scrape_')) expect(nm.has(x), x).toBe(true);
  });

  it('errors: 400 with the reason for both at once, an unknown name, a node_exporter collector hostprobe lacks, a disabled one', async () => {
    const both = await get('collect[]=cpu&exclude[]=mem');
    expect(both.status).toBe(400);
    expect(both.body).toBe('Combined collect and exclude queries are not allowed.\n');
    const unknown = await get('collect[]=cpuu');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/missing collector: "cpuu" \(known: cpu, cpufreq/);
    const unknownEx = await get('exclude[]=memm');
    expect(unknownEx.status).toBe(400);
    expect(unknownEx.body).toContain('missing collector: "memm"');
    const foreign = await get('collect[]=wifi');
    expect(foreign.status).toBe(400);
    expect(foreign.body).toContain('a node_exporter collector hostprobe does not have');
    const disabled = await get('collect[]=disk');
    expect(disabled.status).toBe(400);
    expect(disabled.body).toContain('disabled collector: "disk"');
    const disabledPart = await get('collect[]=cpufreq');
    expect(disabledPart.status).toBe(400);
    expect(disabledPart.body).toContain('disabled collector: "cpufreq"');
  });

  it('a filtered render does not replace the full cached render; gzip and OpenMetrics work filtered', async () => {
    const a = await scrape(r.url);
    const f = await get('collect[]=netdev');
    expect(f.status).toBe(200);
    const again = await get('collect[]=netdev&x=1');
    expect(again.body).toBe(f.body);
    const zipped = await scrape(`${r.url}?collect[]=netdev`, { 'Accept-Encoding': 'gzip' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.body).toBe(f.body);
    const om = await scrape(`${r.url}?collect[]=netdev`, { Accept: 'application/openmetrics-text' });
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    expect(om.body).toContain('node_network_receive_bytes');
    expect(om.body).not.toContain('node_memory_');
    const b = await scrape(r.url);
    expect(b.raw.equals(a.raw)).toBe(true);
  });
});

describe('the filter over a snapshot (process parts)', () => {
  it('processes is node_processes_* only; excluding it keeps the groups', async () => {
    const { config } = await loadConfig(undefined);
    const summary = { pids: 3, threads: 5, states: { R: 1, S: 2 } };
    const groups = [{ name: 'g' }];
    const s = fakeSnapshot(1, {
      collectors: { process: { success: true, durationSeconds: 0.01 }, cpu: { success: true, durationSeconds: 0.01 } },
      readings: { process: { summary, groups, top: [] } } as never,
    });
    const only = parseCollectFilter(['processes'], [], COLLECTORS, ['cpu', 'process'], config)!;
    expect(filterSnapshot(s, only).readings.process).toEqual({ summary });
    expect(Object.keys(filterSnapshot(s, only).collectors)).toEqual(['process']);
    const whole = parseCollectFilter(['process'], [], COLLECTORS, ['cpu', 'process'], config)!;
    expect(filterSnapshot(s, whole).readings.process).toEqual({ summary, groups, top: [] });
    const ex = parseCollectFilter([], ['processes'], COLLECTORS, ['cpu', 'process'], config)!;
    expect(filterSnapshot(s, ex).readings.process).toEqual({ groups, top: [] });
    const all = parseCollectFilter(
      [],
      ['cpu', 'stat', 'cpufreq', 'loadavg', 'pressure', 'process'],
      COLLECTORS,
      ['cpu', 'process'],
      config,
    )!;
    expect(all.size).toBe(0);
    expect(() => parseCollectFilter([''], [], COLLECTORS, ['cpu'], config)).toThrow(CollectFilterError);
  });
});

describe('how long a scrape waits for its poll', () => {
  it('the scrape timeout less 0.5 s, or a quarter of a short one; 10 s at most and without the header', () => {
    expect(scrapeWaitMs('10')).toBe(9500);
    expect(scrapeWaitMs('1')).toBe(750);
    expect(scrapeWaitMs('0.2')).toBe(150);
    expect(scrapeWaitMs('0.1')).toBe(100);
    expect(scrapeWaitMs('120')).toBe(10_000);
    expect(scrapeWaitMs(undefined)).toBe(10_000);
    expect(scrapeWaitMs('nonsense')).toBe(10_000);
    expect(scrapeWaitMs('-3')).toBe(10_000);
  });
});
