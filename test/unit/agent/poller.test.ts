// The poller and the collector wrapper in-process: concurrent collectors with their own
// deadlines, one immutable snapshot per poll, failures and timeouts reported per collector
// while the others are published, "not present" is not a failure, polls never overlap, and
// the exposition format details (Go float formatting, escaping, OpenMetrics).
import { describe, expect, it } from 'vitest';
import { runCollector } from '../../../src/agent/collector.js';
import { runParts, type Collector, type CollectorEntry } from '../../../src/contract/collector.js';
import { parseFaults } from '../../../src/agent/faults.js';
import { isCollectorEnabled, Poller } from '../../../src/agent/poller.js';
import type { CpuReading, MemReading } from '../../../src/contract/snapshot.js';
import { loadConfig } from '../../../src/config/load.js';
import type { AgentConfig } from '../../../src/config/types.js';
import { NotFoundError, ParseError } from '../../../src/errors.js';
import { nullLogger } from '../../../src/logger.js';
import { CpuClamp } from '../../../src/collectors/cpu.js';
import { statfsError } from '../../../src/collectors/disk.js';
import { Exposition, escapeLabelValue, formatValue } from '../../../src/sinks/prometheus/exposition.js';
import { buildExposition } from '../../../src/sinks/prometheus/index.js';
import { meminfoDef } from '../../../src/sinks/prometheus/catalog.js';
import { osVersionNumber } from '../../../src/sinks/prometheus/host.js';
import { fakeSnapshot } from '../../helpers/agent.js';

const CPU: CpuReading = { load: { load1: 1, load5: 2, load15: 3 } };
const MEM: MemReading = { meminfo: [{ name: 'MemTotal', value: 1024, unit: 'bytes' }] };

function entry<N extends 'cpu' | 'mem' | 'disk'>(name: N, collect: Collector<N>['collect']): CollectorEntry {
  return {
    name,
    summary: name,
    parts: [],
    create: async () => ({ name, collect }) as unknown as Collector,
  } as unknown as CollectorEntry;
}

async function config(patch: (c: { -readonly [K in keyof AgentConfig]: AgentConfig[K] }) => void = () => {}): Promise<AgentConfig> {
  const c = structuredClone((await loadConfig(undefined)).config) as { -readonly [K in keyof AgentConfig]: AgentConfig[K] };
  patch(c);
  return c;
}

describe('the collector wrapper', () => {
  const base = {
    roots: { procfs: '/proc', sysfs: '/sys', rootfs: '/' },
    config: {} as never,
    agent: {} as AgentConfig,
    logger: nullLogger,
    now: () => 0,
  };

  it('reports success with the duration and the reading', async () => {
    const r = await runCollector({ name: 'cpu', collect: async () => CPU }, base, 5, {});
    expect(r.status.success).toBe(true);
    expect(r.status.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(r.reading).toBe(CPU);
  });

  it('turns a throw into a failure, a hang into a timeout, and does not start a collector whose last run is still pending', async () => {
    const failed = await runCollector({ name: 'cpu', collect: async () => Promise.reject(new Error('kaput')) }, base, 5, {});
    expect(failed.status).toMatchObject({ success: false, error: 'kaput' });
    expect(failed.reading).toBeUndefined();

    let release!: () => void;
    const state = {};
    let started = 0;
    let hang = true;
    const hanging: Collector<'cpu'> = {
      name: 'cpu',
      collect: () => {
        started++;
        if (!hang) return Promise.resolve(CPU);
        return new Promise((resolve) => (release = () => resolve(CPU)));
      },
    };
    const t = await runCollector(hanging, base, 0.05, state);
    expect(t.status).toMatchObject({ success: false, timedOut: true, durationSeconds: 0.05 });
    const again = await runCollector(hanging, base, 0.05, state);
    expect(again.status.error).toMatch(/previous run still in progress/);
    expect(started).toBe(1);
    hang = false;
    release();
    await new Promise((r) => setTimeout(r, 10));
    const recovered = await runCollector(hanging, base, 1, state);
    expect(started).toBe(2);
    expect(recovered.status.timedOut).toBeUndefined();
  });

  it('runParts: a missing input fails its part unless declared optional (part and path), the rest is kept', async () => {
    const failures: string[] = [];
    const ctx = {
      ...base,
      signal: new AbortController().signal,
      deadline: 0,
      partFailed: (p: string, e: unknown) => failures.push(`${p}: ${(e as Error).message}`),
    };
    const procfs = base.roots.procfs.replace(/\/+$/, '');
    const missing = (rel: string): NotFoundError =>
      new NotFoundError(`cannot read ${procfs}/${rel}: No such file or directory`, { path: `${procfs}/${rel}` });
    const optional = [{ part: 'absent', paths: ['<procfs>/pressure/*'], why: 'test' }];
    const parts = await runParts(
      ctx,
      {
        ok: async () => 1,
        absent: async () => Promise.reject(missing('pressure/cpu')),
        // Declared optional, but for another path: still a failure.
        absentElsewhere: async () => Promise.reject(missing('stat')),
        required: async () => Promise.reject(missing('meminfo')),
        broken: async () => Promise.reject(new ParseError('bad line')),
        off: undefined,
      },
      [...optional, { part: 'absentElsewhere', paths: ['<procfs>/pressure/*'], why: 'test' }],
    );
    expect(parts).toEqual({ ok: 1, absent: undefined, absentElsewhere: undefined, required: undefined, broken: undefined, off: undefined });
    expect(failures).toEqual([
      `absentElsewhere: cannot read ${procfs}/stat: No such file or directory`,
      `required: cannot read ${procfs}/meminfo: No such file or directory`,
      'broken: bad line',
    ]);
  });
});

describe('the poller', () => {
  it('runs collectors concurrently and publishes the others when one fails or times out', async () => {
    const cfg = await config((c) => {
      c.collector_timeout = 0.2;
    });
    const order: string[] = [];
    const table = [
      entry('cpu', async () => {
        order.push('cpu start');
        await new Promise((r) => setTimeout(r, 50));
        order.push('cpu end');
        return CPU;
      }),
      entry('mem', async () => {
        order.push('mem start');
        return MEM;
      }),
      entry('disk', () => new Promise(() => {})),
    ];
    const p = new Poller({ config: cfg, logger: nullLogger, table, skipRuntime: true, faults: {} });
    await p.init();
    const s = await p.pollOnce();
    expect(order.indexOf('mem start')).toBeLessThan(order.indexOf('cpu end'));
    expect(s.collectors.cpu?.success).toBe(true);
    expect(s.collectors.mem?.success).toBe(true);
    expect(s.collectors.disk).toMatchObject({ success: false, timedOut: true });
    expect(s.readings.cpu).toEqual(CPU);
    expect(s.readings.mem).toEqual(MEM);
    expect(s.readings.disk).toBeUndefined();
    expect(s.self.lastSuccessfulPollSeconds).toBe(0);
    // The snapshot is immutable, all the way down.
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.readings.cpu?.load)).toBe(true);
    expect(() => {
      (s.readings.cpu?.load as { load1: number }).load1 = 9;
    }).toThrow(TypeError);
    // The rendered exposition reports them like node_exporter.
    const text = buildExposition(s, { cpuGuest: true, vmstatFields: /.*/, netstatFields: /.*/, ignoreInvalidSpeed: false }).renderText();
    expect(text).toContain('node_scrape_collector_success{collector="disk"} 0\n');
    expect(text).toContain('node_scrape_collector_success{collector="cpu"} 1\n');
    expect(text).toContain('node_scrape_collector_duration_seconds{collector="disk"} 0.2\n');
    expect(text).toContain('node_load1 1\n');
    expect(text).toContain('node_memory_MemTotal_bytes 1024\n');
    await p.stop();
  });

  it('test-only faults wrap real collectors (fail, hang, partial)', async () => {
    const cfg = await config((c) => {
      c.collector_timeout = 0.1;
    });
    const table = [entry('cpu', async () => CPU), entry('mem', async () => MEM), entry('disk', async () => ({}))];
    const p = new Poller({
      config: cfg,
      logger: nullLogger,
      table,
      skipRuntime: true,
      faults: parseFaults('cpu=fail,mem=partial,disk=hang'),
    });
    await p.init();
    const s = await p.pollOnce();
    expect(s.collectors.cpu).toMatchObject({ success: false, error: 'injected failure' });
    expect(s.collectors.mem).toMatchObject({ success: false, error: 'injected: injected partial failure' });
    expect(s.readings.mem).toEqual(MEM);
    expect(s.collectors.disk).toMatchObject({ success: false, timedOut: true });
    expect(() => parseFaults('cpu=explode')).toThrow(/HOSTPROBE_TEST_FAULTS/);
    await p.stop();
  });

  it('polls do not overlap; a poll requested during one gets that one', async () => {
    const cfg = await config();
    let running = 0;
    let maxRunning = 0;
    const table = [
      entry('cpu', async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return CPU;
      }),
    ];
    const p = new Poller({ config: cfg, logger: nullLogger, table, skipRuntime: true, faults: {} });
    await p.init();
    const [a, b] = await Promise.all([p.pollOnce(), p.pollOnce()]);
    expect(a).toBe(b);
    expect(maxRunning).toBe(1);
    const c = await p.pollOnce();
    expect(c.seq).toBe(a.seq + 1);
    expect(c.self.lastSuccessfulPollSeconds).toBe(c.timestamp / 1000);
    await p.stop();
  });

  it('a collector module that cannot be loaded is reported failed, the others run', async () => {
    const cfg = await config();
    const broken: CollectorEntry = {
      name: 'mem',
      summary: '',
      parts: [],
      create: async () => Promise.reject(new Error('module missing')),
    } as unknown as CollectorEntry;
    const p = new Poller({
      config: cfg,
      logger: nullLogger,
      table: [entry('cpu', async () => CPU), broken],
      skipRuntime: true,
      faults: {},
    });
    await p.init();
    const s = await p.pollOnce();
    expect(s.collectors.mem).toMatchObject({ success: false, error: 'module missing' });
    expect(s.collectors.cpu?.success).toBe(true);
    await p.stop();
  });

  it('a collector is enabled only when it and at least one of its parts are', async () => {
    expect(isCollectorEnabled('cpu', await config())).toBe(true);
    expect(isCollectorEnabled('process', await config())).toBe(false);
    const allOff = await config((c) => {
      const cpu = c.collectors.cpu as unknown as Record<string, { enabled: boolean }>;
      for (const k of ['cpu', 'cpufreq', 'stat', 'loadavg', 'pressure', 'schedstat']) (cpu[k] as { enabled: boolean }).enabled = false;
    });
    expect(isCollectorEnabled('cpu', allOff)).toBe(false);
    expect(isCollectorEnabled('nic', await config())).toBe(true);
  });
});

describe('collector details', () => {
  it('keeps CPU counters from going backwards, like node_exporter, unless idle jumped back (hotplug)', () => {
    const c = new CpuClamp(nullLogger);
    const t = (idle: number, iowait: number) => ({
      user: 10,
      nice: 0,
      system: 5,
      idle,
      iowait,
      irq: 0,
      softirq: 0,
      steal: 0,
      guest: 0,
      guestNice: 0,
    });
    expect(c.apply(0, t(100, 5)).iowait).toBe(5);
    expect(c.apply(0, t(101, 4.9)).iowait).toBe(5);
    expect(c.apply(0, t(102, 6)).iowait).toBe(6);
    expect(c.apply(0, t(50, 1))).toEqual(t(50, 1));
  });

  it("statfs errors become node_exporter's device_error label", () => {
    expect(statfsError(new Error('cannot statvfs /host/root/mnt/x: No such file or directory'))).toBe('no such file or directory');
    expect(statfsError(new Error('cannot statvfs /a: b: Permission denied'))).toBe('permission denied');
  });
});

describe('exposition format', () => {
  it("formats values like Go's strconv 'g' (client_golang)", () => {
    expect(formatValue(0)).toBe('0');
    expect(formatValue(26442)).toBe('26442');
    expect(formatValue(999999)).toBe('999999');
    expect(formatValue(1e6)).toBe('1e+06');
    expect(formatValue(8885917)).toBe('8.885917e+06');
    expect(formatValue(3831959552)).toBe('3.831959552e+09');
    expect(formatValue(0.21)).toBe('0.21');
    expect(formatValue(0.0001)).toBe('0.0001');
    expect(formatValue(0.00001)).toBe('1e-05');
    expect(formatValue(-125000)).toBe('-125000');
    expect(formatValue(1.8446744073709552e19)).toBe('1.8446744073709552e+19');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
  });

  it('escapes label values and help, sorts families and label names, adds static labels', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const x = new Exposition({ node: 'n1', az: 'b' });
    x.add({ name: 'z_metric', type: 'gauge', help: 'last\nline' }, 1, { b: 'x', a: 'y"' });
    x.add({ name: 'a_metric_total', type: 'counter', help: 'first' }, 2);
    expect(x.renderText()).toBe(
      '# HELP a_metric_total first\n# TYPE a_metric_total counter\na_metric_total{az="b",node="n1"} 2\n' +
        '# HELP z_metric last\\nline\n# TYPE z_metric gauge\nz_metric{a="y\\"",b="x",az="b",node="n1"} 1\n',
    );
    expect(x.renderOpenMetrics()).toBe(
      '# TYPE a_metric counter\n# HELP a_metric first\na_metric_total{az="b",node="n1"} 2\n' +
        '# TYPE z_metric gauge\n# HELP z_metric last\\nline\nz_metric{a="y\\"",b="x",az="b",node="n1"} 1\n# EOF\n',
    );
  });

  it('names meminfo fields like node_exporter', () => {
    expect(meminfoDef('Active(anon)', true).name).toBe('node_memory_Active_anon_bytes');
    expect(meminfoDef('HugePages_Total', false).name).toBe('node_memory_HugePages_Total');
    expect(meminfoDef('NFS_Unstable', true).name).toBe('node_memory_NFS_Unstable_bytes');
    expect(osVersionNumber('22.04')).toBe(22.04);
    expect(osVersionNumber('12')).toBe(12);
    expect(osVersionNumber(undefined)).toBe(0);
  });

  it('renders a whole snapshot once, with the collector statuses', () => {
    const text = buildExposition(fakeSnapshot(), {
      cpuGuest: false,
      vmstatFields: /.*/,
      netstatFields: /.*/,
      ignoreInvalidSpeed: false,
    }).renderText();
    expect(text).toContain('node_cpu_seconds_total{cpu="0",mode="iowait"} 0.25\n');
    expect(text).not.toContain('node_cpu_guest_seconds_total');
    expect(text).toContain('hostprobe_polls_total 1\n');
  });
});
