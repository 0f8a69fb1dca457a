// Live cross-checks of the memory API on this machine against psutil 5.9.4 and procps
// (`free -b`, `vmstat -s`). Memory moves between two reads, so moving values are compared
// with a tolerance; totals are compared exactly.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { meminfo, pageSize, swapMemory, virtualMemory, vmstat } from '../../src/memory.js';
import { haveTool, psutilJson, psutilPython, run, tool } from '../helpers/tools.js';

const PAGE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
const MiB = 1024 * 1024;

/** How far a moving value may drift between two reads: 2 % of RAM, at least 64 MiB. */
function tolerance(total: number): number {
  return Math.max(64 * MiB, total * 0.02);
}

interface FreeRow {
  total: number;
  used: number;
  free: number;
  shared?: number;
  buffCache?: number;
  available?: number;
}

/** Parses `free -b` (procps ≥ 3.3.10 layout). */
function freeB(path: string): { mem: FreeRow; swap: FreeRow } {
  const rows: Record<string, number[]> = {};
  for (const line of run(path, ['-b']).split('\n')) {
    const m = /^(Mem|Swap):\s+(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) rows[m[1]] = m[2].trim().split(/\s+/).map(Number);
  }
  const mem = rows['Mem'] ?? [];
  const swap = rows['Swap'] ?? [];
  return {
    mem: { total: mem[0] ?? NaN, used: mem[1] ?? NaN, free: mem[2] ?? NaN, shared: mem[3], buffCache: mem[4], available: mem[5] },
    swap: { total: swap[0] ?? NaN, used: swap[1] ?? NaN, free: swap[2] ?? NaN },
  };
}

describe('virtualMemory', () => {
  it('matches psutil virtual_memory()', () => {
    if (!haveTool(psutilPython())) return;
    const py = psutilJson<Record<string, number>>('print(json.dumps(psutil.virtual_memory()._asdict()))');
    const ours = virtualMemory();
    const tol = tolerance(ours.total);
    expect(ours.total).toBe(py['total']);
    for (const k of ['available', 'free', 'active', 'inactive', 'buffers', 'cached', 'shared', 'slab'] as const) {
      expect(Math.abs(ours[k] - (py[k] as number)), k).toBeLessThanOrEqual(tol);
    }
    // psutil 5.9.4 computed used as total - free - buffers - cached; HEAD (and we) use
    // total - available, which is what procps free >= 4 prints.
    expect(ours.used).toBe(ours.total - ours.available);
    expect(Math.abs(ours.used - (ours.total - (py['available'] as number)))).toBeLessThanOrEqual(tol);
    expect(Math.abs(ours.percent - (py['percent'] as number))).toBeLessThanOrEqual(2);
    expect(Math.abs(ours.percent - ((ours.total - ours.available) / ours.total) * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
  });

  it('matches free -b', () => {
    const free = tool('free', 'apt-get install procps');
    if (!haveTool(free)) return;
    const f = freeB(free.path);
    const ours = virtualMemory();
    const tol = tolerance(ours.total);
    expect(ours.total).toBe(f.mem.total);
    expect(Math.abs(ours.free - f.mem.free)).toBeLessThanOrEqual(tol);
    expect(Math.abs(ours.shared - (f.mem.shared ?? NaN))).toBeLessThanOrEqual(tol);
    // free's buff/cache = Buffers + Cached + SReclaimable
    expect(Math.abs(ours.buffers + ours.cached - (f.mem.buffCache ?? NaN))).toBeLessThanOrEqual(tol);
    expect(Math.abs(ours.available - (f.mem.available ?? NaN))).toBeLessThanOrEqual(tol);
  });
});

describe('swapMemory', () => {
  it('matches psutil swap_memory() and free -b', () => {
    if (!haveTool(psutilPython())) return;
    const free = tool('free', 'apt-get install procps');
    if (!haveTool(free)) return;
    const before = swapMemory();
    const py = psutilJson<Record<string, number>>('print(json.dumps(psutil.swap_memory()._asdict()))');
    const f = freeB(free.path);
    const after = swapMemory();
    expect(after.total).toBe(py['total']);
    expect(after.total).toBe(f.swap.total);
    const tol = tolerance(after.total);
    expect(Math.abs(after.used - (py['used'] as number))).toBeLessThanOrEqual(tol);
    expect(Math.abs(after.used - f.swap.used)).toBeLessThanOrEqual(tol);
    expect(after.free).toBe(after.total - after.used);
    // psutil multiplies pswpin/pswpout by 4096; we by the real page size.
    const scale = PAGE / 4096;
    expect(py['sin'] as number).toBeGreaterThanOrEqual(before.sin / scale);
    expect(py['sin'] as number).toBeLessThanOrEqual(after.sin / scale);
    expect(py['sout'] as number).toBeGreaterThanOrEqual(before.sout / scale);
    expect(py['sout'] as number).toBeLessThanOrEqual(after.sout / scale);
    if (after.total === 0) expect(after.percent).toBe(0);
  });
});

describe('meminfo and vmstat', () => {
  it('meminfo agrees with virtualMemory, swapMemory and psutil', () => {
    const m = meminfo();
    const v = virtualMemory();
    expect(m['MemTotal']).toBe(v.total);
    expect(m['SwapTotal']).toBe(swapMemory().total);
    expect(Object.keys(m)).toContain('Active(file)');
    for (const [k, val] of Object.entries(m)) {
      expect(Number.isSafeInteger(val), k).toBe(true);
      expect(val, k).toBeGreaterThanOrEqual(0);
    }
    if (psutilPython().path) {
      expect(m['MemTotal']).toBe(psutilJson<number>('print(json.dumps(psutil.virtual_memory().total))'));
    }
  });

  it('vmstat counters bracket vmstat -s', () => {
    const tool_ = tool('vmstat', 'apt-get install procps');
    if (!haveTool(tool_)) return;
    const before = vmstat();
    const out = run(tool_.path, ['-s']);
    const after = vmstat();
    // procps prints pgpgin/pgpgout (KiB) as "K paged in/out" and pswpin/pswpout as "pages swapped in/out"
    const grab = (label: string): number => Number(new RegExp(`(\\d+)\\s+${label}`).exec(out)?.[1]);
    for (const [key, label] of [
      ['pgpgin', 'K paged in'],
      ['pgpgout', 'K paged out'],
      ['pswpin', 'pages swapped in'],
      ['pswpout', 'pages swapped out'],
    ] as const) {
      const theirs = grab(label);
      expect(theirs, key).toBeGreaterThanOrEqual(before[key] ?? NaN);
      expect(theirs, key).toBeLessThanOrEqual(after[key] ?? NaN);
    }
    expect(after['pgfault']).toBeGreaterThan(0);
  });
});

describe('pageSize', () => {
  it('is getconf PAGESIZE', () => {
    expect(pageSize()).toBe(PAGE);
    expect(pageSize()).toBe(PAGE); // cached
  });
});
