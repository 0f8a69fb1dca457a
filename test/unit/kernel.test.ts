// The kernel facts (timex conversion, kernel_hung, selinux, schedstat, isolated CPUs,
// thermal throttles) over fixture trees through the real addon: test/fixtures/kernel-ne holds
// node_exporter 1.12.1's own fixture files, the others are crafted edge cases.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schedstatEntries, timexReading } from '../../src/collectors/kernel-parts.js';
import { ParseError } from '../../src/errors.js';
import {
  cpuInfoEntries,
  cpuThrottles,
  isolatedCpus,
  softirqVectors,
  kernelHungTasks,
  schedstat,
  selinux,
  STA_NANO,
  type Timex,
} from '../../src/kernel.js';
import type { Roots } from '../../src/roots.js';
import { FIXTURES } from '../helpers/tools.js';

function fixture(name: string): Partial<Roots> {
  return { procfs: join(FIXTURES, name, 'proc'), sysfs: join(FIXTURES, name, 'sys'), rootfs: join(FIXTURES, name, 'rootfs') };
}

const RAW: Timex = {
  state: 0,
  offset: 1500,
  freq: -655360, // -10 ppm
  maxerror: 250000,
  esterror: 125,
  status: 0x2001, // STA_PLL | STA_NANO
  constant: 7,
  precision: 1,
  tolerance: 32768000,
  tick: 10000,
  ppsfreq: 65536 * 3,
  jitter: 2000,
  shift: 4,
  stabil: 65536,
  jitcnt: 1,
  calcnt: 2,
  errcnt: 3,
  stbcnt: 4,
  tai: 37,
};

describe('timexReading (node_exporter timex.go units)', () => {
  it('reads offset and PPS jitter in ns when STA_NANO is set', () => {
    const t = timexReading(RAW);
    expect(t).toEqual({
      syncStatus: 1,
      offsetSeconds: 1500 / 1e9,
      frequencyAdjustmentRatio: 1 - 10 / 1e6,
      maxerrorSeconds: 0.25,
      estimatedErrorSeconds: 0.000125,
      status: 0x2001,
      loopTimeConstant: 7,
      tickSeconds: 0.01,
      ppsFrequencyHertz: 3 / 1e6,
      ppsJitterSeconds: 2000 / 1e9,
      ppsShiftSeconds: 4,
      ppsStabilityHertz: 1 / 1e6,
      ppsJitterTotal: 1,
      ppsCalibrationTotal: 2,
      ppsErrorTotal: 3,
      ppsStabilityExceededTotal: 4,
      taiOffsetSeconds: 37,
    });
  });

  it('reads them in us without STA_NANO; maxerror, esterror and tick are always us', () => {
    const t = timexReading({ ...RAW, status: RAW.status & ~STA_NANO });
    expect(t.offsetSeconds).toBe(1500 / 1e6);
    expect(t.ppsJitterSeconds).toBe(2000 / 1e6);
    expect(t.maxerrorSeconds).toBe(0.25);
    expect(t.tickSeconds).toBe(0.01);
    expect(t.status).toBe(1);
  });

  it('sync_status is 0 only when adjtimex returned TIME_ERROR (5)', () => {
    expect(timexReading({ ...RAW, state: 5 }).syncStatus).toBe(0);
    for (const state of [0, 1, 2, 3, 4]) expect(timexReading({ ...RAW, state }).syncStatus).toBe(1);
  });
});

describe('kernelHungTasks', () => {
  it('reads hung_task_detect_count, null when absent', () => {
    expect(kernelHungTasks({ roots: fixture('kernel-ne') })).toBe(42);
    expect(kernelHungTasks({ roots: fixture('kernel-absent') })).toBeNull();
  });
});

describe('selinux', () => {
  it('enabled with selinuxfs: current mode from enforce, config mode from SELINUX=', () => {
    expect(selinux({ roots: fixture('kernel-selinux') })).toEqual({ enabled: true, currentMode: 1, configMode: 0 });
  });

  it('disabled when the process is labelled "kernel", or without selinuxfs', () => {
    expect(selinux({ roots: fixture('kernel-selinux-kernel') })).toEqual({ enabled: false, currentMode: -1, configMode: -1 });
    expect(selinux({ roots: fixture('kernel-absent') })).toEqual({ enabled: false, currentMode: -1, configMode: -1 });
  });
});

describe('schedstat', () => {
  it("reads node_exporter's fixture: fields 7-9 of each cpuN line", () => {
    const rows = schedstat({ roots: fixture('kernel-ne') });
    expect(rows).toEqual([
      { cpu: '0', runningNs: 2045936778163039, waitingNs: 343796328169361, timeslices: 4767485306 },
      { cpu: '1', runningNs: 1904686152592476, waitingNs: 364107263788241, timeslices: 5145567945 },
    ]);
    expect(schedstatEntries(rows ?? [])[0]).toEqual({
      cpu: '0',
      runningSeconds: 2045936.778163039,
      waitingSeconds: 343796.328169361,
      timeslices: 4767485306,
    });
  });

  it('is null without the file, and a short cpu line is a ParseError naming the file', () => {
    expect(schedstat({ roots: fixture('kernel-absent') })).toBeNull();
    let err: unknown;
    try {
      schedstat({ roots: fixture('kernel-malformed') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect(String((err as Error).message)).toContain(join(FIXTURES, 'kernel-malformed', 'proc', 'schedstat'));
  });
});

describe('isolatedCpus', () => {
  it('expands the CPU list; [] when empty; null when absent', () => {
    expect(isolatedCpus({ roots: fixture('kernel-ne') })).toEqual([1, 3, 4, 5, 9]);
    expect(isolatedCpus({ roots: fixture('kernel-throttle') })).toEqual([]);
    expect(isolatedCpus({ roots: fixture('kernel-absent') })).toBeNull();
  });
});

describe('cpuThrottles', () => {
  it("reads node_exporter's fixture once per package and per core", () => {
    expect(cpuThrottles({ roots: fixture('kernel-ne') })).toEqual({
      packages: [
        { package: 0, count: 30 },
        { package: 1, count: 6 },
      ],
      cores: [
        { package: 0, core: 0, count: 5 },
        { package: 0, core: 1, count: 0 },
        { package: 1, core: 0, count: 0 },
        { package: 1, core: 1, count: 9 },
      ],
    });
  });

  it('skips CPUs without topology; a CPU without a counter leaves it to the next one of its package/core', () => {
    // cpu0 (package 0, core 0) has no thermal_throttle, cpu1 (same package and core) has both;
    // cpu2 has no topology; cpu10 (package 1) has only a core counter.
    expect(cpuThrottles({ roots: fixture('kernel-throttle') })).toEqual({
      packages: [{ package: 0, count: 11 }],
      cores: [
        { package: 0, core: 0, count: 7 },
        { package: 1, core: 3, count: 2 },
      ],
    });
    expect(cpuThrottles({ roots: fixture('kernel-absent') })).toEqual({ packages: [], cores: [] });
  });
});

describe('cpuInfoEntries', () => {
  it("reads node_exporter's /proc/cpuinfo fixture as procfs does", () => {
    const rows = cpuInfoEntries({ roots: fixture('kernel-ne') });
    expect(rows.map((r) => r.processor)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const { flags, bugs, ...first } = rows[0] ?? { flags: [], bugs: [] };
    expect(first).toEqual({
      processor: 0,
      vendorId: 'GenuineIntel',
      cpuFamily: '6',
      model: '142',
      modelName: 'Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz',
      stepping: '10',
      microcode: '0xb4',
      cacheSize: '8192 KB',
      physicalId: '0',
      coreId: '0',
    });
    expect(flags.slice(0, 3)).toEqual(['fpu', 'vme', 'de']);
    expect(bugs).toEqual(['cpu_meltdown', 'spectre_v1', 'spectre_v2', 'spec_store_bypass', 'l1tf', 'mds', 'swapgs']);
    expect(rows[4]?.coreId).toBe('0');
  });

  it('a file that does not start with a processor line is a ParseError naming it', () => {
    let err: unknown;
    try {
      cpuInfoEntries({ roots: fixture('kernel-malformed') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect(String((err as Error).message)).toContain(join(FIXTURES, 'kernel-malformed', 'proc', 'cpuinfo'));
  });
});

describe('softirqVectors', () => {
  it("reads the softirq line of node_exporter's /proc/stat fixture", () => {
    expect(softirqVectors({ roots: fixture('kernel-ne') })).toEqual({
      hi: 250191,
      timer: 1481983,
      net_tx: 1647,
      net_rx: 211099,
      block: 186066,
      block_iopoll: 0,
      tasklet: 1783454,
      sched: 622196,
      hrtimer: 12499,
      rcu: 508444,
    });
  });

  it('a short softirq line is a ParseError naming the file', () => {
    let err: unknown;
    try {
      softirqVectors({ roots: fixture('kernel-malformed') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect(String((err as Error).message)).toContain(join(FIXTURES, 'kernel-malformed', 'proc', 'stat'));
  });
});
