// The disk area through the real addon, on fixture trees (test/fixtures/disk-*).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DiskUsageTimeout,
  InvalidArgumentError,
  blockDeviceInfo,
  NotFoundError,
  ParseError,
  clearDiskIoCountersCache,
  diskIoCounters,
  diskPartitions,
  diskUsage,
  diskUsageStuckPaths,
  diskUsageSync,
  getRoots,
  isDiskUsageStuck,
  setRoots,
  type DiskIoCountersPerDisk,
  type Roots,
} from '../../src/index.js';
import { FIXTURES } from '../helpers/tools.js';

function fixture(name: string): Roots {
  const base = join(FIXTURES, name);
  return { procfs: join(base, 'proc'), sysfs: join(base, 'sys'), rootfs: join(base, 'root') };
}

/** The whitespace-separated fields of each line of a fixture's proc/diskstats. */
function diskstatsLines(name: string): string[][] {
  return readFileSync(join(FIXTURES, name, 'proc', 'diskstats'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 1);
}

describe('diskPartitions', () => {
  const host = fixture('disk-host');

  it('reads <procfs>/1/mountinfo in host mode, decoding escapes, and keeps host paths', () => {
    const all = diskPartitions({ all: true, roots: host });
    const mountinfo = readFileSync(join(host.procfs, '1', 'mountinfo'), 'utf8')
      .trim()
      .split('\n');
    expect(all).toHaveLength(mountinfo.length);
    const byMp = new Map(all.map((p) => [p.mountpoint, p]));
    // The container's own view (proc/self/mountinfo) is not what host mode reports.
    expect(byMp.has('/host/root')).toBe(false);
    expect(byMp.get('/mnt/my disk')).toMatchObject({ device: '/dev/mapper/vg0-data', fstype: 'xfs', major: 253, minor: 0 });
    expect(byMp.get('/mnt/tab\tand\\backslash')).toMatchObject({ readonly: true, opts: 'ro,relatime', superOpts: 'rw' });
    expect(byMp.get('/mnt/new\nline')?.readonly).toBe(true);
    expect(byMp.get('/mnt/emergency')?.readonly).toBe(true);
    expect(byMp.get('/boot')?.readonly).toBe(false);
    expect(byMp.get('/mnt/none')?.device).toBe('');
    expect(byMp.get('/mnt/empty')?.device).toBe('');
    expect(byMp.get('/mnt/sync')?.opts).toBe('rw,sync,lazytime,nosuid,relatime,errors=remount-ro');
    // /dev/root resolved like psutil's RootFsDeviceFinder, each mount by its own major:minor.
    expect(byMp.get('/')?.device).toBe('/dev/sda1');
    expect(byMp.get('/mnt/whole')?.device).toBe('/dev/sdb');
    expect(byMp.get('/mnt/classblock')?.device).toBe('/dev/sdd');
    expect(byMp.get('/mnt/nodevnode')?.device).toBe('/dev/root');
  });

  it('keeps only physical devices by default, as psutil all=False', () => {
    const phys = diskPartitions({ roots: host });
    const all = diskPartitions({ all: true, roots: host });
    const physicalTypes = new Set(
      readFileSync(join(host.procfs, 'filesystems'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('nodev'))
        .map((l) => l.trim()),
    );
    physicalTypes.add('zfs');
    const expected = all.filter((p) => p.device !== '' && physicalTypes.has(p.fstype)).map((p) => p.mountpoint);
    expect(phys.map((p) => p.mountpoint)).toEqual(expected);
    expect(expected).toContain('/mnt/zfs');
    expect(expected).not.toContain('/mnt/nfs');
    expect(expected).not.toContain('/mnt/fuse');
  });

  it('falls back to the self view when PID 1 is hidden, stripping the rootfs prefix', () => {
    const roots = { ...fixture('disk-hidepid'), rootfs: '/host/root' };
    const all = diskPartitions({ all: true, roots });
    expect(all.map((p) => p.mountpoint).sort()).toEqual(['/', '/boot']);
    expect(all.find((p) => p.mountpoint === '/boot')).toMatchObject({ device: '/dev/sda2', fstype: 'ext2', readonly: true });
  });

  it('follows the module-level roots, and a per-call override wins', () => {
    const before = getRoots();
    try {
      setRoots(host);
      expect(diskPartitions({ all: true }).some((p) => p.mountpoint === '/mnt/my disk')).toBe(true);
      const other = diskPartitions({ all: true, roots: { ...fixture('disk-hidepid'), rootfs: '/host/root' } });
      expect(other).toHaveLength(2);
    } finally {
      setRoots(before);
    }
  });

  it('gives a typed NotFoundError when mountinfo is missing', () => {
    expect(() => diskPartitions({ roots: fixture('disk-legacy-2.6') })).toThrow(NotFoundError);
  });
});

describe('diskIoCounters', () => {
  afterEach(() => clearDiskIoCountersCache());
  const host = fixture('disk-host');

  it('maps every diskstats line (5.5 layout) with bytes = sectors x 512', () => {
    const per: Record<string, DiskIoCountersPerDisk> = diskIoCounters({ perDisk: true, roots: host });
    const lines = diskstatsLines('disk-host');
    expect(Object.keys(per).sort()).toEqual(lines.map((f) => f[2]).sort());
    for (const f of lines) {
      const n = f.map(Number);
      const d = per[f[2]!]!;
      expect(d).toEqual({
        major: n[0],
        minor: n[1],
        readCount: n[3],
        readMergedCount: n[4],
        readBytes: n[5]! * 512,
        readTime: n[6],
        writeCount: n[7],
        writeMergedCount: n[8],
        writeBytes: n[9]! * 512,
        writeTime: n[10],
        inProgress: n[11],
        busyTime: n[12],
        weightedTime: n[13],
        discardCount: n[14],
        discardMergedCount: n[15],
        discardSectors: n[16],
        discardTime: n[17],
        flushCount: n[18],
        flushTime: n[19],
      });
    }
  });

  it('sums only whole disks (names under <sysfs>/block, "/" as "!") for the totals', () => {
    const per = diskIoCounters({ perDisk: true, roots: host });
    const total = diskIoCounters({ roots: host });
    const whole = ['sda', 'sdb', 'dm-0', 'loop0', 'nvme0n1', 'cciss/c0d0'];
    expect(total).not.toBeNull();
    for (const k of ['readCount', 'writeBytes', 'busyTime', 'weightedTime', 'discardSectors', 'flushTime', 'inProgress'] as const) {
      expect(total![k]).toBe(whole.reduce((s, n) => s + (per[n]![k] ?? 0), 0));
    }
    expect(total).not.toHaveProperty('major');
  });

  it('reads the 2.6 layouts: 14-field disks and 7-field partitions', () => {
    const per = diskIoCounters({ perDisk: true, roots: fixture('disk-legacy-2.6') });
    expect(per.hda).toMatchObject({
      readCount: 446216,
      readBytes: 9550688 * 512,
      busyTime: 3376340,
      weightedTime: 23705160,
      discardCount: null,
      flushCount: null,
    });
    expect(per.hda1).toMatchObject({
      readCount: 35486,
      readBytes: 38030 * 512,
      writeCount: 38030,
      writeBytes: 38030 * 512,
      readTime: 0,
      busyTime: 0,
      inProgress: null,
      weightedTime: null,
    });
    // Totals: hda only (hda1/hda2 are not under sys/block).
    expect(diskIoCounters({ roots: fixture('disk-legacy-2.6') })?.readCount).toBe(446216);
  });

  it('reads the 2.4 layout (15 fields, #blocks before the name)', () => {
    const per = diskIoCounters({ perDisk: true, roots: fixture('disk-legacy-2.4') });
    expect(per.hda).toMatchObject({
      major: 3,
      minor: 0,
      readCount: 446216,
      readMergedCount: 784926,
      writeTime: 19310380,
      busyTime: 3376340,
    });
  });

  it('reads the 4.18 layout: discard fields, no flush fields', () => {
    const total = diskIoCounters({ roots: fixture('disk-4.18') });
    expect(total).toMatchObject({ discardCount: 1200, discardSectors: 98304, flushCount: null, flushTime: null });
  });

  it('walks <sysfs>/block when diskstats is missing', () => {
    const per = diskIoCounters({ perDisk: true, roots: fixture('disk-sysfs') });
    expect(Object.keys(per).sort()).toEqual(['loop0', 'sda', 'sda1']);
    expect(per.sda1).toMatchObject({ major: 8, minor: 1, readBytes: 8000 * 512 });
  });

  it('rejects a malformed diskstats with a ParseError naming the file and line', () => {
    const roots = fixture('disk-malformed');
    let err: unknown;
    try {
      diskIoCounters({ perDisk: true, roots });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).message).toContain(join(roots.procfs, 'diskstats'));
    expect((err as ParseError).message).toContain('line 2');
    expect(() => diskIoCounters({ roots: fixture('disk-badvalue') })).toThrow(/diskstats: line 3: field 6 'x3'/);
  });

  it('returns {} / null when there is no device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostprobe-disk-'));
    try {
      mkdirSync(join(dir, 'proc'));
      writeFileSync(join(dir, 'proc', 'diskstats'), '');
      const roots = { procfs: join(dir, 'proc'), sysfs: join(dir, 'sys') };
      expect(diskIoCounters({ perDisk: true, roots })).toEqual({});
      expect(diskIoCounters({ roots })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('nowrap', () => {
    let dir = '';
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = '';
    });
    const line = (name: string, reads: number, readTimeMs: number, inFlight: number) =>
      `   8 0 ${name} ${reads} 0 8 ${readTimeMs} 0 0 0 0 ${inFlight} 0 0 0 0 0 0 0 0\n`;

    function tree(): Partial<Roots> {
      dir = mkdtempSync(join(tmpdir(), 'hostprobe-disk-'));
      mkdirSync(join(dir, 'proc'));
      mkdirSync(join(dir, 'sys', 'block', 'sda'), { recursive: true });
      mkdirSync(join(dir, 'sys', 'block', 'sdb'), { recursive: true });
      return { procfs: join(dir, 'proc'), sysfs: join(dir, 'sys') };
    }
    const write = (text: string) => writeFileSync(join(dir, 'proc', 'diskstats'), text);

    it('keeps counters monotonic across a wrap, like psutil _WrapNumbers', () => {
      const roots = tree();
      write(line('sda', 4294967000, 4294967290, 5) + line('sdb', 10, 1, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda).toMatchObject({ readCount: 4294967000, readTime: 4294967290 });
      // The 32-bit read-time wraps and the in-flight gauge drops.
      write(line('sda', 4294967100, 20, 1) + line('sdb', 11, 1, 0));
      const per = diskIoCounters({ perDisk: true, roots });
      expect(per.sda).toMatchObject({ readCount: 4294967100, readTime: 4294967290 + 20, inProgress: 1 });
      expect(per.sdb?.readCount).toBe(11);
      write(line('sda', 4294967200, 30, 0) + line('sdb', 12, 1, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda?.readTime).toBe(4294967290 + 30);
      // Without nowrap: the raw values.
      expect(diskIoCounters({ perDisk: true, roots, nowrap: false }).sda?.readTime).toBe(30);
      // The totals keep their own state: the first totals call is raw, later ones adjust.
      expect(diskIoCounters({ roots })?.readTime).toBe(31);
      write(line('sda', 4294967200, 5, 0) + line('sdb', 12, 1, 0));
      expect(diskIoCounters({ roots })?.readTime).toBe(30 + 5 + 1);
    });

    it('follows each device by name when the device list changes order or grows', () => {
      const roots = tree();
      write(line('sda', 100, 100, 0) + line('sdb', 10, 10, 0));
      diskIoCounters({ perDisk: true, roots });
      // Reordered, a new device in between, and sda wrapped.
      write(line('sdb', 11, 11, 0) + line('sdc', 1, 1, 0) + line('sda', 5, 5, 0));
      let per = diskIoCounters({ perDisk: true, roots });
      expect(per.sda).toMatchObject({ readCount: 105, readTime: 105 });
      expect(per.sdb).toMatchObject({ readCount: 11, readTime: 11 });
      expect(per.sdc).toMatchObject({ readCount: 1, readTime: 1 });
      // Same list again: the remainder is added once, not once per call.
      write(line('sdb', 12, 12, 0) + line('sdc', 2, 2, 0) + line('sda', 6, 6, 0));
      per = diskIoCounters({ perDisk: true, roots });
      expect(per.sda).toMatchObject({ readCount: 106, readTime: 106 });
      expect(per.sdb?.readCount).toBe(12);
      // A second wrap of the same counter adds the value before it.
      write(line('sdb', 12, 12, 0) + line('sdc', 2, 2, 0) + line('sda', 1, 6, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda).toMatchObject({ readCount: 100 + 6 + 1, readTime: 106 });
    });

    it('leaves fields the layout lacks null, wrapped or not', () => {
      const roots = tree();
      // A 2.6 partition line (7 fields): no in-flight, weighted time, discards or flushes.
      write('   8 1 sda 100 200 300 400\n');
      diskIoCounters({ perDisk: true, roots });
      write('   8 1 sda 50 200 300 400\n');
      const per = diskIoCounters({ perDisk: true, roots });
      expect(per.sda).toMatchObject({ readCount: 150, readBytes: 200 * 512, writeCount: 300, major: 8, minor: 1 });
      expect(per.sda?.inProgress).toBeNull();
      expect(per.sda?.weightedTime).toBeNull();
      expect(per.sda?.discardCount).toBeNull();
      expect(per.sda?.flushTime).toBeNull();
      const total = diskIoCounters({ roots });
      expect(total).toMatchObject({ readCount: 50, inProgress: null, weightedTime: null, flushCount: null });
    });

    it('forgets a device that went away, and clearDiskIoCountersCache forgets everything', () => {
      const roots = tree();
      write(line('sda', 100, 100, 0));
      diskIoCounters({ perDisk: true, roots });
      write(line('sda', 50, 50, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda?.readCount).toBe(150);
      write(line('sdb', 1, 1, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda).toBeUndefined();
      write(line('sda', 7, 7, 0));
      expect(diskIoCounters({ perDisk: true, roots }).sda?.readCount).toBe(7);
      write(line('sda', 3, 3, 0));
      clearDiskIoCountersCache();
      expect(diskIoCounters({ perDisk: true, roots }).sda?.readCount).toBe(3);
    });
  });
});

describe('diskUsage', () => {
  const host = fixture('disk-host');

  function expectedUsage(path: string) {
    const s = statfsSync(path);
    const used = (s.blocks - s.bfree) * s.bsize;
    const free = s.bavail * s.bsize;
    return { total: s.blocks * s.bsize, used, free, availBytes: free, freeBytes: s.bfree * s.bsize, files: s.files };
  }

  it('stats <rootfs>/<path>, with psutil and node_exporter values', async () => {
    // The fixture's root/ dir sits on the file system of the checkout: compare with Node's statfs.
    const u = await diskUsage('/', { roots: host });
    const want = expectedUsage(host.rootfs);
    expect(u.total).toBe(want.total);
    expect(u.files).toBe(want.files);
    expect(Math.abs(u.used - want.used)).toBeLessThan(1 << 30);
    expect(u.availBytes).toBe(u.free);
    expect(u.freeBytes).toBeGreaterThanOrEqual(u.free);
    expect(u.percent).toBe(Math.round((u.used / (u.used + u.free)) * 1000) / 10);
    const s = diskUsageSync('/dev', { roots: host });
    expect(s.total).toBe(want.total);
    expect(s.files).toBe(want.files);
    expect(s.availBytes).toBe(s.free);
    // The guarded form (own thread, timeout) gives the same numbers.
    const g = diskUsageSync('/dev', { roots: host, timeoutMs: 5000 });
    expect(g.total).toBe(s.total);
    expect(g.files).toBe(s.files);
  });

  it('rejects a path missing under the rootfs with NotFoundError naming the statvfs path', async () => {
    const err = await diskUsage('/no/such/dir', { roots: host }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('ENOENT');
    expect((err as NotFoundError).path).toBe(join(host.rootfs, 'no/such/dir'));
    expect(() => diskUsageSync('/no/such/dir', { roots: host })).toThrow(NotFoundError);
    expect(() => diskUsageSync('/no/such/dir', { roots: host, timeoutMs: 5000 })).toThrow(NotFoundError);
  });

  it('validates timeoutMs', async () => {
    await expect(diskUsage('/', { timeoutMs: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => diskUsageSync('/', { timeoutMs: Number.NaN })).toThrow(InvalidArgumentError);
    // 0 and Infinity mean no timeout.
    expect((await diskUsage('/', { timeoutMs: 0, roots: host })).total).toBeGreaterThan(0);
    expect(diskUsageSync('/', { timeoutMs: Infinity, roots: host }).total).toBeGreaterThan(0);
  });

  it('reports nothing stuck after calls that returned', async () => {
    await Promise.all([diskUsage('/', { roots: host }), diskUsage('/', { roots: host }), diskUsage('/dev', { roots: host })]);
    expect(isDiskUsageStuck('/', { roots: host })).toBe(false);
    expect(diskUsageStuckPaths()).toEqual([]);
    expect(new DiskUsageTimeout('/x', '/r/x', 1500, false).seconds).toBe(1.5);
  });
});

describe('blockDeviceInfo', () => {
  const roots = fixture('agent-e2e');
  it('reads rotational and slaves from sysfs and the E: properties of udev under <rootfs>/run/udev/data', () => {
    const sda = blockDeviceInfo({ name: 'sda', major: 8, minor: 0 }, { roots });
    expect(sda.rotational).toBe('1');
    expect(sda.slaves).toEqual([]);
    expect(sda.udev).toMatchObject({ ID_ATA: '1', ID_MODEL: 'WDC_WD40EFRX-68N32N0', ID_WWN: '0x50014ee2b5f7a0c1' });
    expect(Object.keys(sda.udev ?? {})).not.toContain('S'); // symlink lines are not properties
    const dm = blockDeviceInfo({ name: 'dm-0', major: 252, minor: 0 }, { roots });
    expect(dm).toMatchObject({ rotational: '0', slaves: ['nvme0n1p1'] });
    expect(dm.udev?.['DM_LV_LAYER']).toBe('');
  });
  it('leaves out what is missing, and takes another udev directory or none', () => {
    expect(blockDeviceInfo({ name: 'vda1', major: 254, minor: 1 }, { roots })).toEqual({ rotational: null, udev: null, slaves: [] });
    expect(blockDeviceInfo({ name: 'sda', major: 8, minor: 0 }, { roots, udevDataPath: '' }).udev).toBeNull();
    expect(
      blockDeviceInfo(
        { name: 'sda', major: 8, minor: 0 },
        { roots, udevDataPath: join(FIXTURES, 'agent-e2e', 'root', 'run', 'udev', 'data') },
      ).udev?.['ID_PATH'],
    ).toBe('pci-0000:00:1f.2-ata-1');
  });
});
