// Live cross-checks of the cpu API on this machine against psutil and the kernel's own
// tools. Counters move between reads, so each psutil/tool reading is bracketed by ours.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
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
  loadAvg,
  type CpuTimes,
} from '../../src/cpu.js';
import { haveTool, psutilJson, psutilPython, run, tool } from '../helpers/tools.js';

const FIELDS: [keyof CpuTimes, string][] = [
  ['user', 'user'],
  ['nice', 'nice'],
  ['system', 'system'],
  ['idle', 'idle'],
  ['iowait', 'iowait'],
  ['irq', 'irq'],
  ['softirq', 'softirq'],
  ['steal', 'steal'],
  ['guest', 'guest'],
  ['guestNice', 'guest_nice'],
];
// One tick of slack on each side: psutil's floats and a counter that steps back (iowait).
const SLACK = 0.05;

function expectBracketed(before: CpuTimes, theirs: Record<string, number>, after: CpuTimes, what: string): void {
  for (const [ours, py] of FIELDS) {
    const v = theirs[py] as number;
    expect(v, `${what} ${py}`).toBeGreaterThanOrEqual(before[ours] - SLACK);
    expect(v, `${what} ${py}`).toBeLessThanOrEqual(after[ours] + SLACK);
  }
}

describe('cpuTimes vs psutil', () => {
  it('system-wide and per CPU, psutil read between two of ours', () => {
    if (!haveTool(psutilPython())) return;
    const before = cpuTimes();
    const perBefore = cpuTimes({ perCpu: true });
    const py = psutilJson<{ total: Record<string, number>; per: Record<string, number>[] }>(
      'print(json.dumps({"total": psutil.cpu_times()._asdict(), "per": [t._asdict() for t in psutil.cpu_times(percpu=True)]}))',
    );
    const after = cpuTimes();
    const perAfter = cpuTimes({ perCpu: true });
    expectBracketed(before, py.total, after, 'total');
    expect(py.per).toHaveLength(perAfter.length);
    perAfter.forEach((a, i) => {
      const b = perBefore[i];
      expect(b?.cpu).toBe(a.cpu);
      if (b) expectBracketed(b, py.per[i] as Record<string, number>, a, `cpu${a.cpu}`);
    });
  });
});

describe('cpuCount vs psutil and nproc', () => {
  it('logical: online CPUs', () => {
    if (!haveTool(psutilPython())) return;
    const nproc = tool('nproc', 'apt-get install coreutils');
    if (!haveTool(nproc)) return;
    const logical = cpuCount();
    expect(logical).toBe(psutilJson<number>('print(json.dumps(psutil.cpu_count()))'));
    const all = Number(run(nproc.path, ['--all']).trim());
    expect(logical).toBeLessThanOrEqual(all);
    const offline = existsSync('/sys/devices/system/cpu/offline') ? readFileSync('/sys/devices/system/cpu/offline', 'utf8').trim() : '';
    if (offline === '') expect(logical).toBe(all);
    expect(logical).toBe(cpuTimes({ perCpu: true }).length);
  });

  it('physical: cores', () => {
    if (!haveTool(psutilPython())) return;
    const cores = cpuCount({ logical: false });
    expect(cores).toBe(psutilJson<number | null>('print(json.dumps(psutil.cpu_count(logical=False)))'));
    if (cores !== null) expect(cores).toBeLessThanOrEqual(cpuCount() ?? Infinity);
  });
});

describe('cpuStats', () => {
  it('matches psutil cpu_stats() between two of ours', () => {
    if (!haveTool(psutilPython())) return;
    const before = cpuStats();
    const py = psutilJson<Record<string, number>>('print(json.dumps(psutil.cpu_stats()._asdict()))');
    const after = cpuStats();
    for (const [ours, theirs] of [
      ['ctxSwitches', 'ctx_switches'],
      ['interrupts', 'interrupts'],
      ['softInterrupts', 'soft_interrupts'],
    ] as const) {
      expect(py[theirs], theirs).toBeGreaterThanOrEqual(before[ours]);
      expect(py[theirs], theirs).toBeLessThanOrEqual(after[ours]);
    }
    expect(after.syscalls).toBe(py['syscalls']);
  });

  it('forks match vmstat -f, and this process is running', () => {
    const vmstat = tool('vmstat', 'apt-get install procps');
    if (!haveTool(vmstat)) return;
    const before = cpuStats();
    const forks = Number(/(\d+)\s+forks/.exec(run(vmstat.path, ['-f']))?.[1]);
    const after = cpuStats();
    expect(forks).toBeGreaterThan(before.forks); // vmstat itself was forked
    expect(forks).toBeLessThanOrEqual(after.forks);
    expect(after.procsRunning).toBeGreaterThanOrEqual(1);
    expect(after.procsBlocked).toBeGreaterThanOrEqual(0);
  });
});

describe('cpuFreq vs psutil', () => {
  it('reports the same CPUs and values, or the same absence', () => {
    if (!haveTool(psutilPython())) return;
    const py = psutilJson<{
      avg: { current: number; min: number; max: number } | null;
      per: { current: number; min: number; max: number }[];
    }>(
      'f = psutil.cpu_freq(); p = psutil.cpu_freq(percpu=True)\n' +
        'print(json.dumps({"avg": f._asdict() if f else None, "per": [x._asdict() for x in p]}))',
    );
    const per = cpuFreq({ perCpu: true });
    const avg = cpuFreq();
    expect(per).toHaveLength(py.per.length);
    if (py.avg === null) {
      expect(avg).toBeNull();
      return;
    }
    expect(avg).not.toBeNull();
    // min/max are fixed limits; current moves with the load on real hardware.
    per.forEach((f, i) => {
      const p = py.per[i];
      expect(f.min).toBe(p?.min);
      expect(f.max).toBe(p?.max);
      if (f.max > 0) {
        expect(f.current).toBeGreaterThanOrEqual(f.min * 0.5);
        expect(f.current).toBeLessThanOrEqual(f.max * 1.5);
      } else {
        expect(Math.abs(f.current - (p?.current ?? 0))).toBeLessThanOrEqual((p?.current ?? 0) * 0.5);
      }
    });
    expect(avg?.min).toBeCloseTo(py.avg.min, 6);
    expect(avg?.max).toBeCloseTo(py.avg.max, 6);
  });

  it('cpuFreqInfo lists exactly the CPUs with a cpufreq directory', () => {
    const ours = cpuFreqInfo().map((i) => i.cpu);
    const cpus = cpuTimes({ perCpu: true }).map((t) => t.cpu);
    const expected = cpus.filter((c) => existsSync(`/sys/devices/system/cpu/cpu${c}/cpufreq`));
    expect(ours).toEqual(expected);
    if (ours.length === 0 && psutilPython().path) {
      // no cpufreq: psutil falls back to cpuinfo with min = max = 0, and so do we
      expect(cpuFreq({ perCpu: true }).every((f) => f.min === 0 && f.max === 0)).toBe(true);
    }
  });
});

describe('loadAvg and bootTime', () => {
  it('loadAvg matches os.loadavg() read around it', () => {
    const b = loadavg();
    const ours = loadAvg();
    const a = loadavg();
    ours.forEach((v, i) => {
      // /proc/loadavg prints 2 decimals of the same fixed-point value sysinfo(2) returns
      expect(v).toBeGreaterThanOrEqual(Math.min(b[i] as number, a[i] as number) - 0.01);
      expect(v).toBeLessThanOrEqual(Math.max(b[i] as number, a[i] as number) + 0.01);
    });
  });

  it('bootTime matches psutil boot_time()', () => {
    if (!haveTool(psutilPython())) return;
    const py = psutilJson<number>('print(json.dumps(psutil.boot_time()))');
    // the kernel recomputes btime on each read, so it can differ by a second
    expect(Math.abs(bootTime() - py)).toBeLessThanOrEqual(1);
  });
});

describe('cpuPercent', () => {
  it('stays within 0..100 and rises with a busy loop', async () => {
    cpuPercent();
    cpuPercent({ perCpu: true });
    cpuTimesPercent();
    // Burn one CPU for half a second. Whatever runs instead of this loop when the machine
    // is loaded is busy time too, so system-wide busy is at least 1/ncpus of the total.
    const end = Date.now() + 500;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const total = cpuPercent();
    const per = cpuPercent({ perCpu: true });
    const modes = cpuTimesPercent();
    const n = cpuCount() ?? 1;
    expect(total).toBeGreaterThanOrEqual((100 / n) * 0.8);
    expect(total).toBeLessThanOrEqual(100);
    expect(per).toHaveLength(cpuTimes({ perCpu: true }).length);
    for (const p of per) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(100);
    }
    expect(modes.user + modes.system + modes.nice).toBeGreaterThan(0);
    const sum = Object.values(modes).reduce((s, v) => s + v, 0) - modes.guest - modes.guestNice;
    expect(sum).toBeGreaterThan(99);
    expect(sum).toBeLessThan(101);
    const waited = await cpuPercentAsync({ interval: 0.2 });
    expect(waited).toBeGreaterThanOrEqual(0);
    expect(waited).toBeLessThanOrEqual(100);
  });
});
