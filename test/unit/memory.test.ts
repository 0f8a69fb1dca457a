// The memory API over crafted fixture trees (test/fixtures/mem-*), through the real addon.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ParseError } from '../../src/errors.js';
import { meminfo, memoryReadings, swapMemory, virtualMemory, vmstat } from '../../src/memory.js';
import type { Roots } from '../../src/roots.js';
import { FIXTURES } from '../helpers/tools.js';

const PAGE = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
const KiB = 1024;

function fixture(name: string): Partial<Roots> {
  return { procfs: join(FIXTURES, name, 'proc') };
}

/** Python's round(x, 1) for the values used here (none is an exact tie). */
const round1 = (x: number): number => Math.round(x * 10) / 10;

describe('virtualMemory', () => {
  it('follows psutil HEAD on a current kernel', () => {
    const total = 16318576 * KiB;
    const available = 9876543 * KiB;
    expect(virtualMemory({ roots: fixture('mem-modern') })).toEqual({
      total,
      available,
      percent: 39.5, // 6442033 / 16318576 = 39.476 %
      used: total - available,
      free: 1203456 * KiB,
      active: 6543210 * KiB,
      inactive: 5432109 * KiB,
      buffers: 345678 * KiB,
      cached: (7654321 + 543210) * KiB, // Cached + SReclaimable
      shared: 456789 * KiB,
      slab: 765432 * KiB,
    });
  });

  it('computes available with the kernel algorithm when MemAvailable is missing or 0', () => {
    // zoneinfo low watermarks: 8 + 1000 + 24000 + 0 pages
    const low = 25008 * PAGE;
    const free = 1000000 * KiB;
    let pagecache = (1500000 + 1000000) * KiB;
    pagecache -= Math.min(pagecache / 2, low);
    const sreclaimable = 300000 * KiB;
    const expected = Math.trunc(free - low + pagecache + sreclaimable - Math.min(sreclaimable / 2, low));
    for (const name of ['mem-noavail', 'mem-avail0']) {
      const v = virtualMemory({ roots: fixture(name) });
      expect(v.available, name).toBe(expected);
      expect(v.used, name).toBe(8000000 * KiB - expected);
      expect(v.percent, name).toBe(round1(((8000000 * KiB - expected) / (8000000 * KiB)) * 100));
    }
    if (PAGE === 4096) expect(virtualMemory({ roots: fixture('mem-noavail') }).available).toBe(3583901696);
  });

  it('falls back to MemFree + Cached on a 2.4-style meminfo', () => {
    expect(virtualMemory({ roots: fixture('mem-24') })).toMatchObject({
      available: (5988 + 95332) * KiB,
      cached: 95332 * KiB,
      shared: 120 * KiB, // MemShared
      inactive: (11344 + 3256 + 10408) * KiB, // Inact_dirty + Inact_clean + Inact_laundry
      slab: 0,
    });
  });

  it('replaces an available above total (LXC) with free, and parses lines without a space', () => {
    expect(virtualMemory({ roots: fixture('mem-lxc') })).toMatchObject({ available: 1048576 * KiB, percent: 50 });
    expect(virtualMemory({ roots: fixture('mem-nospace') })).toMatchObject({
      total: 16000000 * KiB,
      available: 12000000 * KiB,
      cached: 2001000 * KiB,
      percent: 25,
    });
  });

  it('raises typed errors naming the file', () => {
    let err: unknown;
    try {
      virtualMemory({ roots: fixture('mem-malformed') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).path).toBe(join(FIXTURES, 'mem-malformed', 'proc', 'meminfo'));
    expect((err as Error).message).toMatch(/MemFree/);
    expect(() => virtualMemory({ roots: fixture('mem-nocolon') })).toThrow(ParseError);
    expect(() => virtualMemory({ roots: fixture('no-such-tree') })).toThrow(NotFoundError);
  });
});

describe('swapMemory', () => {
  it('uses SwapTotal/SwapFree and pswpin/pswpout times the real page size', () => {
    expect(swapMemory({ roots: fixture('mem-modern') })).toEqual({
      total: 8388604 * KiB,
      used: (8388604 - 6291452) * KiB,
      free: 6291452 * KiB,
      percent: 25,
      sin: 1000 * PAGE,
      sout: 2500 * PAGE,
    });
  });

  it('gives sin = sout = 0 without vmstat or its pswp lines', () => {
    expect(swapMemory({ roots: fixture('mem-24') })).toMatchObject({ total: 522072 * KiB, sin: 0, sout: 0 });
    expect(swapMemory({ roots: fixture('mem-avail0') })).toMatchObject({ sin: 0, sout: 0 });
    expect(swapMemory({ roots: fixture('mem-noavail') })).toMatchObject({ sin: 7 * PAGE, sout: 9 * PAGE, percent: 25 });
    expect(swapMemory({ roots: fixture('mem-lxc') })).toEqual({ total: 0, used: 0, free: 0, percent: 0, sin: 0, sout: 0 });
    expect(swapMemory({ roots: fixture('mem-nospace') })).toMatchObject({ used: 3000000 * KiB, percent: 75 });
  });
});

describe('meminfo and vmstat', () => {
  it('returns every meminfo field under the kernel name, kB in bytes and counts as counts', () => {
    const m = meminfo({ roots: fixture('mem-modern') });
    expect(Object.keys(m)).toHaveLength(54);
    expect(Object.keys(m)[0]).toBe('MemTotal');
    expect(m['MemTotal']).toBe(16318576 * KiB);
    expect(m['Active(anon)']).toBe(3000000 * KiB);
    expect(m['Committed_AS']).toBe(23456789 * KiB);
    expect(m['VmallocTotal']).toBe(34359738367 * KiB);
    expect(m['HugePages_Total']).toBe(16);
    expect(m['HugePages_Rsvd']).toBe(1);
    expect(m['Hugepagesize']).toBe(2048 * KiB);
    expect(meminfo({ roots: fixture('mem-nospace') })['ShadowCallStack']).toBe(10373888 * KiB);
    expect(() => meminfo({ roots: fixture('mem-malformed') })).toThrow(ParseError);
  });

  it('returns every vmstat counter', () => {
    expect(vmstat({ roots: fixture('mem-modern') })).toEqual({
      nr_free_pages: 300864,
      nr_zone_inactive_anon: 250000,
      nr_zone_active_anon: 750000,
      nr_dirty: 308,
      pgpgin: 123456789,
      pgpgout: 987654321,
      pswpin: 1000,
      pswpout: 2500,
      pgfault: 4444444444,
      pgmajfault: 55555,
      oom_kill: 3,
    });
    expect(() => vmstat({ roots: fixture('mem-malformed') })).toThrow(/mem-malformed\/proc\/vmstat/);
    expect(() => vmstat({ roots: fixture('mem-24') })).toThrow(NotFoundError);
  });
});

describe('memoryReadings', () => {
  it('is virtualMemory, swapMemory, meminfo and vmstat from one read of each file', () => {
    for (const name of ['mem-modern', 'mem-noavail', 'mem-avail0', 'mem-24', 'mem-lxc', 'mem-nospace']) {
      const roots = fixture(name);
      const all = memoryReadings({ roots });
      expect(all.virtual, name).toEqual(virtualMemory({ roots }));
      expect(all.swap, name).toEqual(swapMemory({ roots }));
      expect(all.meminfo, name).toEqual(meminfo({ roots }));
    }
    expect(memoryReadings({ roots: fixture('mem-modern') }).vmstat).toEqual(vmstat({ roots: fixture('mem-modern') }));
    expect(memoryReadings({ roots: fixture('mem-24') }).vmstat).toBeNull(); // no /proc/vmstat on 2.4
    expect(() => memoryReadings({ roots: fixture('mem-malformed') })).toThrow(ParseError);
    expect(() => memoryReadings({ roots: fixture('no-such-tree') })).toThrow(NotFoundError);
  });
});
