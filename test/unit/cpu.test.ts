// The cpu API over crafted fixture trees (test/fixtures/cpu-*), through the real addon.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bootTime,
  cpuCount,
  cpuFreq,
  cpuFreqInfo,
  cpuPercent,
  cpuPercentAsync,
  cpuStats,
  cpuTimes,
  cpuTimesPercent,
  cpuTimesPercentAsync,
  loadAvg,
} from '../../src/cpu.js';
import { InvalidArgumentError, NotFoundError, ParseError } from '../../src/errors.js';
import { DEFAULT_ROOTS, getRoots, setRoots, type Roots } from '../../src/roots.js';
import { FIXTURES, REPO_ROOT } from '../helpers/tools.js';

const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function fixture(name: string): Partial<Roots> {
  return { procfs: join(FIXTURES, name, 'proc'), sysfs: join(FIXTURES, name, 'sys'), rootfs: join(FIXTURES, name, 'rootfs') };
}

describe('cpuTimes', () => {
  it('reads the system-wide line of a 64-CPU /proc/stat in seconds', () => {
    const t = cpuTimes({ roots: fixture('cpu-64') });
    // cpu  78112 2016 38048 6422176 3296 126 3936 4032 63 32
    expect(t).toEqual({
      user: 78112 / HZ,
      nice: 2016 / HZ,
      system: 38048 / HZ,
      idle: 6422176 / HZ,
      iowait: 3296 / HZ,
      irq: 126 / HZ,
      softirq: 3936 / HZ,
      steal: 4032 / HZ,
      guest: 63 / HZ,
      guestNice: 32 / HZ,
    });
  });

  it('returns one entry per CPU line, with its CPU number', () => {
    const per = cpuTimes({ perCpu: true, roots: fixture('cpu-64') });
    expect(per).toHaveLength(64);
    expect(per.map((p) => p.cpu)).toEqual([...Array(64).keys()]);
    // cpu37 1259 37 611 100407 57 2 67 74 1 1
    expect(per[37]).toEqual({
      cpu: 37,
      user: 1259 / HZ,
      nice: 37 / HZ,
      system: 611 / HZ,
      idle: 100407 / HZ,
      iowait: 57 / HZ,
      irq: 2 / HZ,
      softirq: 67 / HZ,
      steal: 74 / HZ,
      guest: 1 / HZ,
      guestNice: 1 / HZ,
    });
  });

  it('keeps the CPU numbers of an offline gap, and zero-fills fields a 2.6.24 kernel lacks', () => {
    expect(cpuTimes({ perCpu: true, roots: fixture('cpu-offline') }).map((p) => p.cpu)).toEqual([0, 1, 3]);
    const old = cpuTimes({ roots: fixture('cpu-2624') });
    expect(old.user).toBe(2255 / HZ);
    expect(old.steal).toBe(0);
    expect(old.guestNice).toBe(0);
  });

  it('raises typed errors naming the file', () => {
    expect(() => cpuTimes({ roots: fixture('cpu-malformed') })).toThrow(ParseError);
    expect(() => cpuTimes({ roots: fixture('cpu-malformed') })).toThrow(/cpu-malformed\/proc\/stat/);
    let err: unknown;
    try {
      cpuTimes({ roots: fixture('no-such-tree') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).path).toBe(join(FIXTURES, 'no-such-tree', 'proc', 'stat'));
    expect((err as NotFoundError).code).toBe('ENOENT');
  });
});

describe('cpuCount', () => {
  it('counts online CPUs and distinct core sibling lists', () => {
    expect(cpuCount({ roots: fixture('cpu-64') })).toBe(64);
    expect(cpuCount({ logical: false, roots: fixture('cpu-64') })).toBe(32);
    expect(cpuCount({ roots: fixture('cpu-offline') })).toBe(3);
    expect(cpuCount({ logical: false, roots: fixture('cpu-offline') })).toBe(2);
    expect(cpuCount({ logical: false, roots: fixture('cpu-freq-policy') })).toBe(2);
  });

  it('falls back to cpuinfo without sysfs, and is null when nothing is known', () => {
    expect(cpuCount({ roots: fixture('cpu-2624') })).toBe(2);
    expect(cpuCount({ logical: false, roots: fixture('cpu-2624') })).toBe(2);
    expect(cpuCount({ roots: fixture('no-such-tree') })).toBeNull();
    expect(cpuCount({ logical: false, roots: fixture('no-such-tree') })).toBeNull();
  });
});

describe('cpuStats, loadAvg, bootTime', () => {
  it('reads the /proc/stat counters', () => {
    expect(cpuStats({ roots: fixture('cpu-64') })).toEqual({
      ctxSwitches: 987654321,
      interrupts: 123456789,
      softInterrupts: 55555,
      syscalls: 0,
      forks: 424242,
      procsRunning: 5,
      procsBlocked: 2,
    });
    // 2.6.24: no softirq line
    expect(cpuStats({ roots: fixture('cpu-2624') })).toMatchObject({ softInterrupts: 0, interrupts: 114930548, ctxSwitches: 1990473 });
    expect(() => cpuStats({ roots: fixture('cpu-malformed') })).toThrow(ParseError);
  });

  it('reads loadavg and btime under the roots', () => {
    expect(loadAvg({ roots: fixture('cpu-64') })).toEqual([1.25, 0.5, 0.05]);
    expect(bootTime({ roots: fixture('cpu-64') })).toBe(1700000000);
    expect(bootTime({ roots: fixture('cpu-2624') })).toBe(1062191376);
    expect(() => bootTime({ roots: fixture('cpu-malformed') })).toThrow(/btime/);
    expect(() => loadAvg({ roots: fixture('cpu-malformed') })).toThrow(ParseError);
  });
});

describe('cpuFreq', () => {
  it('maps CPUs through affected_cpus, skips the offline CPU and falls back to cpuinfo_cur_freq', () => {
    const per = cpuFreq({ perCpu: true, roots: fixture('cpu-offline') });
    expect(per).toEqual([
      { cpu: 0, current: 1800, min: 800, max: 3000 },
      { cpu: 1, current: 2200, min: 800, max: 3000 },
      { cpu: 3, current: 3000, min: 1000, max: 3200 },
    ]);
    const avg = cpuFreq({ roots: fixture('cpu-offline') });
    expect(avg).not.toBeNull();
    expect(avg?.current).toBeCloseTo((1800 + 2200 + 3000) / 3, 9);
    expect(avg?.min).toBeCloseTo((800 + 800 + 1000) / 3, 9);
    expect(avg?.max).toBeCloseTo((3000 + 3000 + 3200) / 3, 9);
  });

  it('takes current from cpuinfo when it has one value per CPU', () => {
    expect(cpuFreq({ perCpu: true, roots: fixture('cpu-freq-policy') })).toEqual([
      { cpu: 0, current: 1500.5, min: 1200, max: 2400 },
      { cpu: 1, current: 2000, min: 1200, max: 2400 },
      { cpu: 2, current: 1100.25, min: 1000, max: 2000 },
      { cpu: 3, current: 1900, min: 1000, max: 2000 },
    ]);
  });

  it('uses cpuinfo alone without cpufreq, and is null with nothing', () => {
    expect(cpuFreq({ perCpu: true, roots: fixture('cpu-2624') })).toEqual([
      { cpu: 0, current: 2400, min: 0, max: 0 },
      { cpu: 1, current: 1600, min: 0, max: 0 },
    ]);
    expect(cpuFreq({ roots: fixture('cpu-2624') })).toEqual({ current: 2000, min: 0, max: 0 });
    expect(cpuFreq({ roots: fixture('cpu-64') })).toBeNull();
    expect(cpuFreq({ perCpu: true, roots: fixture('cpu-64') })).toEqual([]);
  });
});

describe('cpuFreqInfo', () => {
  it('reports every cpufreq attribute in kHz, null when absent or unreadable', () => {
    const info = cpuFreqInfo({ roots: fixture('cpu-offline') });
    expect(info.map((i) => i.cpu)).toEqual([0, 1, 3]);
    expect(info[0]).toEqual({
      cpu: 0,
      cpuinfoCurKHz: 1799999,
      cpuinfoMinKHz: 400000,
      cpuinfoMaxKHz: 3500000,
      cpuinfoAvgKHz: null,
      scalingCurKHz: 1800000,
      scalingMinKHz: 800000,
      scalingMaxKHz: 3000000,
      governor: 'schedutil',
      driver: 'acpi-cpufreq',
      availableGovernors: ['conservative', 'ondemand', 'userspace', 'powersave', 'performance', 'schedutil'],
    });
    expect(info[1]).toMatchObject({ scalingCurKHz: null, cpuinfoCurKHz: 2200000, governor: 'performance', availableGovernors: [] });
    expect(info[2]).toMatchObject({ cpuinfoCurKHz: null, scalingCurKHz: 3000000, governor: null }); // "<unknown>"
    // CPUs sharing a policy each report it
    const shared = cpuFreqInfo({ roots: fixture('cpu-freq-policy') });
    expect(shared.map((i) => [i.cpu, i.scalingMinKHz])).toEqual([
      [0, 1200000],
      [1, 1200000],
      [2, 1000000],
      [3, 1000000],
    ]);
    expect(cpuFreqInfo({ roots: fixture('cpu-64') })).toEqual([]);
  });
});

// cpuPercent over a /proc/stat that the test rewrites between calls.
describe('cpuPercent and cpuTimesPercent', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function tree(): { roots: Partial<Roots>; write: (...lines: string[]) => void } {
    dir = mkdtempSync(join(tmpdir(), 'hostprobe-cpu-'));
    mkdirSync(join(dir, 'proc'));
    const stat = join(dir, 'proc', 'stat');
    return {
      roots: { procfs: join(dir, 'proc') },
      write: (...lines: string[]) => writeFileSync(stat, `${lines.join('\n')}\nintr 1\nctxt 1\nbtime 1\n`),
    };
  }

  it('compares with the previous call: first 0, then busy/total rounded half-even', () => {
    const { roots, write } = tree();
    write('cpu  100 0 100 700 100 0 0 0 0 0');
    expect(cpuPercent({ roots })).toBe(0);
    // user +49, idle +350, iowait +1: busy 49 of 400 = 12.25 %, a tie: Python rounds to 12.2
    write('cpu  149 0 100 1050 101 0 0 0 0 0');
    expect(cpuPercent({ roots })).toBe(12.2);
    // user +60 of which guest +20, idle +40: guest is already in user, total 100, busy 60
    write('cpu  209 0 100 1090 101 0 0 0 20 0');
    expect(cpuPercent({ roots })).toBe(60);
    // idle goes backwards: its delta is clamped at 0, so the 10 ticks of user are 100 %
    write('cpu  219 0 100 1085 101 0 0 0 20 0');
    expect(cpuPercent({ roots })).toBe(100);
    // nothing moved: 0
    expect(cpuPercent({ roots })).toBe(0);
  });

  it('gives each mode its share, independent of cpuPercent', () => {
    const { roots, write } = tree();
    write('cpu  100 0 100 700 100 0 0 0 0 0');
    expect(cpuTimesPercent({ roots })).toMatchObject({ user: 0, idle: 0 });
    write('cpu  149 0 100 1050 101 0 0 0 0 0');
    expect(cpuPercent({ roots })).toBe(0); // cpuPercent's own first call
    expect(cpuTimesPercent({ roots })).toEqual({
      user: 12.2, // 49/400 = 12.25 -> 12.2
      nice: 0,
      system: 0,
      idle: 87.5,
      iowait: 0.2, // 1/400 = 0.25 -> 0.2
      irq: 0,
      softirq: 0,
      steal: 0,
      guest: 0,
      guestNice: 0,
    });
    // Less than one CPU-second in total (30 ticks): still shares of the real total
    write('cpu  159 0 110 1060 101 0 0 0 0 0');
    expect(cpuTimesPercent({ roots })).toMatchObject({ user: 33.3, system: 33.3, idle: 33.3 });
  });

  it('matches CPUs by number per CPU, a newly online CPU giving 0', () => {
    const { roots, write } = tree();
    write('cpu  0 0 0 0', 'cpu0 10 0 0 90', 'cpu1 10 0 0 90');
    expect(cpuPercent({ perCpu: true, roots })).toEqual([0, 0]);
    write('cpu  0 0 0 0', 'cpu0 60 0 0 140', 'cpu2 500 0 0 500');
    expect(cpuPercent({ perCpu: true, roots })).toEqual([50, 0]);
    write('cpu  0 0 0 0', 'cpu0 60 0 0 240', 'cpu2 575 0 0 525');
    expect(cpuPercent({ perCpu: true, roots })).toEqual([0, 75]);
    const tp = cpuTimesPercent({ perCpu: true, roots });
    expect(tp.map((t) => t.cpu)).toEqual([0, 2]);
  });

  it('the async form samples, waits on a timer, and samples again', async () => {
    const { roots, write } = tree();
    write('cpu  100 0 0 100 0 0 0 0 0 0');
    // The first sample is taken synchronously inside the call, before the timer starts.
    const pending = cpuPercentAsync({ interval: 0.05, roots });
    write('cpu  130 0 10 160 0 0 0 0 0 0');
    expect(await pending).toBe(40); // 40 busy of 100
    // and it left its second sample as the non-blocking baseline
    write('cpu  130 0 10 260 0 0 0 0 0 0');
    expect(cpuPercent({ roots })).toBe(0);
    const times = cpuTimesPercentAsync({ interval: 0.01, roots });
    write('cpu  180 0 10 310 0 0 0 0 0 0');
    expect(await times).toMatchObject({ user: 50, idle: 50 });
    // interval 0: the non-blocking value against cpuPercent's last sample (130 0 10 260)
    expect(await cpuPercentAsync({ roots, interval: 0 })).toBe(50);
  });

  it('refuses a sleeping interval in the synchronous form and a negative one anywhere', async () => {
    const { roots, write } = tree();
    write('cpu  1 0 0 1');
    expect(() => cpuPercent({ roots, interval: 1 as unknown as 0 })).toThrow(InvalidArgumentError);
    expect(() => cpuTimesPercent({ roots, interval: 0.5 as unknown as 0 })).toThrow(/cpuTimesPercentAsync/);
    await expect(cpuPercentAsync({ roots, interval: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(cpuTimesPercentAsync({ roots, interval: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

// The addon keeps the decoded roots of the last roots object it saw (per thread).
describe('roots handling', () => {
  it('follows setRoots and per-call overrides, never a stale root', () => {
    const saved = getRoots();
    try {
      setRoots(fixture('cpu-64'));
      expect(bootTime()).toBe(1700000000);
      expect(bootTime({ roots: fixture('cpu-2624') })).toBe(1062191376);
      expect(bootTime()).toBe(1700000000);
      setRoots(fixture('cpu-2624'));
      expect(bootTime()).toBe(1062191376);
      expect(cpuCount()).toBe(2);
    } finally {
      setRoots(saved);
    }
    expect(getRoots()).toEqual(DEFAULT_ROOTS);
  });

  it('two copies of the library on one thread each bind their own load-average array', async () => {
    const addonPath = process.env.HOSTPROBE_ADDON ?? join(REPO_ROOT, 'build', 'Release', 'hostprobe.node');
    const raw = createRequire(import.meta.url)(addonPath) as { cpuLoadAvgOwn(): number };
    vi.resetModules();
    const other = (await import('../../src/cpu.js')) as typeof import('../../src/cpu.js');
    expect(other.loadAvg).not.toBe(loadAvg); // a second module instance
    loadAvg();
    const g1 = raw.cpuLoadAvgOwn();
    other.loadAvg(); // binds its own array
    const g2 = raw.cpuLoadAvgOwn();
    const again = loadAvg(); // notices, and binds back instead of reading a stale array
    const g3 = raw.cpuLoadAvgOwn();
    expect(g1).toBeGreaterThan(0);
    expect(g2).not.toBe(g1);
    expect(g3).not.toBe(g2);
    expect(again).toHaveLength(3);
  });

  it('works from worker threads, before and after one exits', async () => {
    const addonPath = process.env.HOSTPROBE_ADDON ?? join(REPO_ROOT, 'build', 'Release', 'hostprobe.node');
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const a = require(workerData.addon);
      const r = workerData.roots;
      const out = [a.cpuBootTime(r), a.cpuBootTime(r), a.cpuBootTime({ ...r }), a.cpuCount(r, true)];
      // the own load averages: nothing bound on this thread yet, then bound
      const la = new Float64Array(3);
      const before = a.cpuLoadAvgOwn();
      const gen = a.cpuLoadAvgBind(la);
      out.push(before, a.cpuLoadAvgOwn() === gen && gen > 0, la.every((v) => v >= 0));
      parentPort.postMessage(out);
    `;
    const run = (roots: Partial<Roots>): Promise<number[]> =>
      new Promise((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { addon: addonPath, roots } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    expect(await run(fixture('cpu-64'))).toEqual([1700000000, 1700000000, 1700000000, 64, 0, true, true]);
    expect(bootTime({ roots: fixture('cpu-2624') })).toBe(1062191376);
    expect(loadAvg()).toHaveLength(3); // the main thread's own binding is unaffected
    expect(await run(fixture('cpu-2624'))).toEqual([1062191376, 1062191376, 1062191376, 2, 0, true, true]);
    expect(loadAvg().every((v) => v >= 0)).toBe(true);
  });
});
