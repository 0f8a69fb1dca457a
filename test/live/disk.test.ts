// The disk area on this machine, cross-checked against psutil, df and /proc itself, plus a
// FUSE mount whose statfs hangs (test/fixtures/disk-fuse/stuckfs.py) for the stuck-mount path.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DiskUsageTimeout,
  NotFoundError,
  blockDeviceInfo,
  clearDiskIoCountersCache,
  diskIoCounters,
  diskPartitions,
  diskUsage,
  diskUsageStuckPaths,
  diskUsageSync,
  isDiskUsageStuck,
  type DiskPartition,
} from '../../src/index.js';
import { FIXTURES, REPO_ROOT, haveTool, psutilJson, psutilPython, run, tool } from '../helpers/tools.js';

const hasPsutil = haveTool(psutilPython());

interface PsPart {
  device: string;
  mountpoint: string;
  fstype: string;
  opts: string;
}
interface PsUsage {
  total: number;
  used: number;
  free: number;
  percent: number;
}
type PsIo = Record<
  | 'read_count'
  | 'write_count'
  | 'read_bytes'
  | 'write_bytes'
  | 'read_time'
  | 'write_time'
  | 'read_merged_count'
  | 'write_merged_count'
  | 'busy_time',
  number
>;

const IO_FIELDS = [
  ['read_count', 'readCount'],
  ['write_count', 'writeCount'],
  ['read_bytes', 'readBytes'],
  ['write_bytes', 'writeBytes'],
  ['read_time', 'readTime'],
  ['write_time', 'writeTime'],
  ['read_merged_count', 'readMergedCount'],
  ['write_merged_count', 'writeMergedCount'],
  ['busy_time', 'busyTime'],
] as const;

const key = (p: { device: string; mountpoint: string; fstype: string; opts: string }) =>
  JSON.stringify([p.device, p.mountpoint, p.fstype, p.opts]);

/**
 * Mounts can change while we look (other tests make namespaces): retry until two reads agree.
 * psutil's platform function is psutil.disk_partitions without the maxfile/maxpath pathconf
 * calls, which would statfs every mount point and hang on another test's stuck FUSE mount.
 */
function stablePartitions(all: boolean): { ours: DiskPartition[]; theirs: PsPart[] } {
  let last = { ours: [] as DiskPartition[], theirs: [] as PsPart[] };
  for (let attempt = 0; attempt < 5; attempt++) {
    const ours = diskPartitions({ all });
    const theirs = psutilJson<PsPart[]>(
      `print(json.dumps([p._asdict() for p in psutil._psplatform.disk_partitions(all=${all ? 'True' : 'False'})]))`,
    );
    last = { ours, theirs };
    if (JSON.stringify(ours.map(key)) === JSON.stringify(theirs.map(key))) break;
  }
  return last;
}

describe.skipIf(!hasPsutil)('diskPartitions vs psutil.disk_partitions', () => {
  for (const all of [false, true]) {
    it(`all=${all}: the same mounts, devices, fstypes and options, in the same order`, () => {
      const { ours, theirs } = stablePartitions(all);
      expect(ours.map(key)).toEqual(theirs.map(key));
      if (!all) expect(ours.length).toBeGreaterThan(0);
      for (const p of ours) {
        expect(p.readonly).toBe(p.opts.split(',').includes('ro') || /(^|,)(ro|emergency_ro)(,|$)/.test(p.superOpts));
      }
    });
  }

  it('reports the host view (<procfs>/1/mountinfo) in host mode', () => {
    // "/proc/." is not "/proc", so it is host mode; PID 1's mount points, unescaped.
    const mine = diskPartitions({ all: true, roots: { procfs: '/proc/.' } }).map((p) => p.mountpoint);
    const pid1 = readFileSync('/proc/1/mountinfo', 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[4]!.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
    expect(mine).toEqual(pid1);
  });
});

describe('diskUsage', () => {
  it.skipIf(!hasPsutil)('matches psutil.disk_usage("/") (values read before and after ours)', async () => {
    const script = `print(json.dumps(psutil.disk_usage('/')._asdict()))`;
    const before = psutilJson<PsUsage>(script);
    const ours = await diskUsage('/');
    const sync = diskUsageSync('/'); // statvfs on this thread
    const guarded = diskUsageSync('/', { timeoutMs: 5000 }); // on its own thread
    const after = psutilJson<PsUsage>(script);
    const slack = 64 * 1024 * 1024; // other writers between the reads
    for (const u of [ours, sync, guarded]) {
      expect(u.total).toBe(before.total);
      expect(u.used).toBeGreaterThanOrEqual(Math.min(before.used, after.used) - slack);
      expect(u.used).toBeLessThanOrEqual(Math.max(before.used, after.used) + slack);
      expect(u.free).toBeGreaterThanOrEqual(Math.min(before.free, after.free) - slack);
      expect(u.free).toBeLessThanOrEqual(Math.max(before.free, after.free) + slack);
      expect(u.percent).toBeGreaterThanOrEqual(Math.min(before.percent, after.percent) - 0.1);
      expect(u.percent).toBeLessThanOrEqual(Math.max(before.percent, after.percent) + 0.1);
      expect(u.availBytes).toBe(u.free);
      expect(u.freeBytes).toBeGreaterThanOrEqual(u.free);
    }
  });

  it('matches df -B1 --output=size,used,avail /', async () => {
    if (!haveTool(tool('df', 'apt-get install coreutils'))) return;
    const df = () => {
      const [size, used, avail] = run('df', ['-B1', '--output=size,used,avail', '/'])
        .trim()
        .split('\n')[1]!
        .trim()
        .split(/\s+/)
        .map(Number);
      return { size: size!, used: used!, avail: avail! };
    };
    const before = df();
    const ours = await diskUsage('/');
    const after = df();
    const slack = 64 * 1024 * 1024;
    expect(ours.total).toBe(before.size);
    expect(ours.used).toBeGreaterThanOrEqual(Math.min(before.used, after.used) - slack);
    expect(ours.used).toBeLessThanOrEqual(Math.max(before.used, after.used) + slack);
    expect(ours.free).toBeGreaterThanOrEqual(Math.min(before.avail, after.avail) - slack);
    expect(ours.free).toBeLessThanOrEqual(Math.max(before.avail, after.avail) + slack);
  });

  it.skipIf(!hasPsutil)("gives psutil's total for every physical mount point", async () => {
    const parts = diskPartitions();
    const totals = psutilJson<Record<string, number>>(
      `print(json.dumps({p: psutil.disk_usage(p).total for p in ${JSON.stringify(parts.map((p) => p.mountpoint))}}))`,
    );
    for (const p of parts) expect((await diskUsage(p.mountpoint)).total).toBe(totals[p.mountpoint]);
  });

  it('rejects a nonexistent path with the typed NotFoundError', async () => {
    const err = await diskUsage('/nonexistent/hostprobe-disk').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('ENOENT');
    expect(() => diskUsageSync('/nonexistent/hostprobe-disk')).toThrow(NotFoundError);
  });
});

describe.skipIf(!hasPsutil)('diskIoCounters vs psutil.disk_io_counters', () => {
  it('perDisk: every device, each counter between psutil before and after', () => {
    clearDiskIoCountersCache();
    const script = `print(json.dumps({k: v._asdict() for k, v in psutil.disk_io_counters(perdisk=True).items()}))`;
    const before = psutilJson<Record<string, PsIo>>(script);
    const ours = diskIoCounters({ perDisk: true });
    const after = psutilJson<Record<string, PsIo>>(script);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(before).sort());
    for (const [name, d] of Object.entries(ours)) {
      for (const [ps, mine] of IO_FIELDS) {
        expect(d[mine], `${name}.${mine}`).toBeGreaterThanOrEqual(before[name]![ps]);
        expect(d[mine], `${name}.${mine}`).toBeLessThanOrEqual(after[name]![ps]);
      }
    }
  });

  it('totals: the sum over whole disks, between psutil before and after', () => {
    clearDiskIoCountersCache();
    const script = `print(json.dumps(psutil.disk_io_counters(perdisk=False)._asdict()))`;
    const before = psutilJson<PsIo>(script);
    const ours = diskIoCounters();
    const after = psutilJson<PsIo>(script);
    expect(ours).not.toBeNull();
    for (const [ps, mine] of IO_FIELDS) {
      expect(ours![mine], mine).toBeGreaterThanOrEqual(before[ps]);
      expect(ours![mine], mine).toBeLessThanOrEqual(after[ps]);
    }
  });

  it('the node_exporter fields follow /proc/diskstats (read before and after)', () => {
    const read = () =>
      new Map(
        readFileSync('/proc/diskstats', 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .map((f) => [f[2]!, f.map(Number)] as const),
      );
    const before = read();
    const ours = diskIoCounters({ perDisk: true, nowrap: false });
    const after = read();
    for (const [name, d] of Object.entries(ours)) {
      const b = before.get(name)!;
      const a = after.get(name)!;
      expect([d.major, d.minor]).toEqual([b[0], b[1]]);
      const pairs: [number | null, number][] = [[d.weightedTime, 13]];
      if (b.length >= 18) pairs.push([d.discardCount, 14], [d.discardMergedCount, 15], [d.discardSectors, 16], [d.discardTime, 17]);
      if (b.length >= 20) pairs.push([d.flushCount, 18], [d.flushTime, 19]);
      for (const [v, i] of pairs) {
        expect(v).not.toBeNull();
        expect(v!).toBeGreaterThanOrEqual(b[i]!);
        expect(v!).toBeLessThanOrEqual(a[i]!);
      }
      if (b.length < 20) expect(d.flushCount).toBeNull();
      expect(d.inProgress).toBeGreaterThanOrEqual(0);
    }
  });
});

// ---------------------------------------------------------------------------------------
// A mount whose statfs hangs.

const fuse = {
  path: existsSync('/dev/fuse') ? '/dev/fuse' : null,
  reason: '/dev/fuse missing (modprobe fuse; a container needs --device /dev/fuse and CAP_SYS_ADMIN)',
};
const python = tool('python3', 'apt-get install python3', ['/usr/bin/python3']);
const root = { path: process.getuid?.() === 0 ? 'root' : null, reason: 'the stuck-mount test needs root (mount(2) of a FUSE file system)' };
const canFuse = haveTool(python) && haveTool(fuse) && haveTool(root);

describe.skipIf(!canFuse)('diskUsage on a mount whose statfs hangs', () => {
  let helper: ChildProcessWithoutNullStreams | undefined;
  let mnt = '';
  const lines: string[] = [];
  // Only our own statfs requests: another process on the machine (a df) may statfs it too.
  const statfsCount = () => lines.filter((l) => l.startsWith('statfs ') && l.endsWith(` tgid=${process.pid}`)).length;

  beforeAll(async () => {
    mnt = mkdtempSync(join(tmpdir(), 'hostprobe-stuck-'));
    const h = spawn(python.path!, [join(FIXTURES, 'disk-fuse', 'stuckfs.py'), mnt], { stdio: ['pipe', 'pipe', 'pipe'] });
    helper = h;
    let stderr = '';
    h.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    createInterface({ input: h.stdout }).on('line', (l) => lines.push(l));
    await vi.waitFor(
      () => {
        if (h.exitCode !== null || lines.some((l) => l.startsWith('error'))) {
          throw new Error(`stuckfs failed: ${lines.join(' | ')} ${stderr}`);
        }
        expect(lines).toContain('ready');
      },
      { timeout: 30_000, interval: 20 },
    );
  });

  afterAll(() => {
    if (helper && helper.exitCode === null) {
      helper.stdin.end(); // the helper unmounts (lazily) and exits
      helper.kill('SIGKILL'); // closing /dev/fuse aborts the connection: any statfs left returns ENOTCONN
    }
    if (mnt) {
      spawnSync('umount', ['-l', mnt]);
      try {
        rmdirSync(mnt);
      } catch {
        // still busy: the lazy unmount finishes when the last user goes
      }
    }
  });

  it('times out, marks the mount stuck, fails fast without a new statvfs, and recovers', async () => {
    expect(diskPartitions({ all: true }).some((p) => p.mountpoint === mnt && p.fstype === 'fuse.hostprobe')).toBe(true);

    try {
      const first = await diskUsage(mnt, { timeoutMs: 300 }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(DiskUsageTimeout);
      expect(first).toMatchObject({ alreadyStuck: false, path: mnt, statPath: mnt, seconds: 0.3 });
      expect(isDiskUsageStuck(mnt)).toBe(true);
      expect(diskUsageStuckPaths()).toContain(mnt);

      // Fails at once, async and sync, even with a long timeout.
      const second = await diskUsage(mnt, { timeoutMs: 60_000 }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(DiskUsageTimeout);
      expect((second as DiskUsageTimeout).alreadyStuck).toBe(true);
      expect(() => diskUsageSync(mnt, { timeoutMs: 60_000 })).toThrow(/stuck mount/);
      // The unguarded form (statvfs on the calling thread) checks the stuck set first.
      const direct = (() => {
        try {
          diskUsageSync(mnt);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(direct).toBeInstanceOf(DiskUsageTimeout);
      expect(direct).toMatchObject({ alreadyStuck: true, path: mnt });
      // Only the first statvfs reached the file system.
      expect(statfsCount()).toBe(1);

      // Everything else still works meanwhile.
      expect((await diskUsage('/')).total).toBeGreaterThan(0);
      expect(diskUsageSync('/').total).toBeGreaterThan(0);
      expect(isDiskUsageStuck('/')).toBe(false);
    } finally {
      // The mount answers again: the hung statvfs returns and the mount is no longer stuck.
      helper!.stdin.write('release\n');
    }
    await vi.waitFor(() => expect(isDiskUsageStuck(mnt)).toBe(false), { timeout: 30_000, interval: 20 });
    const u = await diskUsage(mnt);
    // stuckfs answers blocks=1000 bfree=600 bavail=500 files=100 ffree=40 frsize=4096.
    expect(u).toEqual({
      total: 1000 * 4096,
      used: 400 * 4096,
      free: 500 * 4096,
      percent: 44.4,
      availBytes: 500 * 4096,
      freeBytes: 600 * 4096,
      files: 100,
      filesFree: 40,
    });
    // (the helper's stdout line can arrive after the result itself)
    await vi.waitFor(() => expect(statfsCount()).toBe(2), { timeout: 30_000, interval: 20 });
  });

  it('a sync call on a hanging mount gives up after its timeout', async () => {
    helper!.stdin.write('hold\n');
    await vi.waitFor(() => expect(lines).toContain('mode hold'), { timeout: 30_000, interval: 20 });
    let err: unknown;
    try {
      diskUsageSync(mnt, { timeoutMs: 200 });
    } catch (e) {
      err = e;
    }
    const stuck = isDiskUsageStuck(mnt);
    helper!.stdin.write('release\n');
    expect(err).toBeInstanceOf(DiskUsageTimeout);
    expect(err).toMatchObject({ alreadyStuck: false, statPath: mnt });
    expect(stuck).toBe(true);
    await vi.waitFor(() => expect(isDiskUsageStuck(mnt)).toBe(false), { timeout: 30_000, interval: 20 });
  });

  // The addon itself, for code that runs outside this test's module graph.
  const addonPath = process.env.HOSTPROBE_ADDON ?? join(REPO_ROOT, 'build', 'Release', 'hostprobe.node');

  async function hold(): Promise<void> {
    const n = lines.filter((l) => l === 'mode hold').length;
    helper!.stdin.write('hold\n');
    await vi.waitFor(() => expect(lines.filter((l) => l === 'mode hold').length).toBe(n + 1), { timeout: 30_000, interval: 20 });
  }

  it('a worker thread torn down while its statvfs hangs: the call still completes for others, nothing crashes', async () => {
    await hold();
    const before = statfsCount();
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const a = require(${JSON.stringify(addonPath)});
       const c = a.diskUsageStart({}, ${JSON.stringify(mnt)});
       c.promise.catch(() => {});
       parentPort.postMessage(c.id);
       setInterval(() => {}, 1000);`,
      { eval: true },
    );
    try {
      const id = await new Promise<number>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(id).toBeGreaterThan(0);
      // The worker's statvfs is now blocked inside the file system.
      await vi.waitFor(() => expect(statfsCount()).toBe(before + 1), { timeout: 30_000, interval: 20 });
    } finally {
      await worker.terminate();
    }
    // This call joins the statvfs the dead worker started: no second request.
    const joined = diskUsage(mnt, { timeoutMs: 0 });
    helper!.stdin.write('release\n');
    expect((await joined).total).toBe(1000 * 4096);
    expect(statfsCount()).toBe(before + 1);
    expect(isDiskUsageStuck(mnt)).toBe(false);
  });

  it('a process exiting while its statvfs hangs: the exit completes, without a crash, once the mount answers', async () => {
    await hold();
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const a = require(${JSON.stringify(addonPath)});
         const c = a.diskUsageStart({}, ${JSON.stringify(mnt)});
         c.promise.catch(() => {});
         process.stdin.on('data', () => process.exit(0));`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      // Its statvfs thread is blocked in the file system...
      await vi.waitFor(() => expect(lines.some((l) => l.startsWith('statfs ') && l.endsWith(` tgid=${child.pid}`))).toBe(true), {
        timeout: 30_000,
        interval: 20,
      });
      // ...when the process exits. FUSE cannot abandon a request its daemon has already read,
      // so the exit (a kernel matter, not ours) waits for the answer: the process is a zombie
      // whose last thread still sits in statfs.
      child.stdin.write('exit\n');
      await vi.waitFor(() => expect(readFileSync(`/proc/${child.pid}/status`, 'utf8')).toMatch(/^State:\s+Z/m), {
        timeout: 30_000,
        interval: 20,
      });
    } finally {
      helper!.stdin.write('release\n');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toBe('');
  });
});

describe('blockDeviceInfo on this machine', () => {
  it('agrees with /sys/block/<dev>/queue/rotational and /run/udev/data for every whole disk', () => {
    const disks = Object.entries(diskIoCounters({ perDisk: true })).filter(([name]) => existsSync(`/sys/block/${name}`));
    expect(disks.length).toBeGreaterThan(0);
    for (const [name, d] of disks) {
      const b = blockDeviceInfo({ name, major: d.major, minor: d.minor });
      const rot = `/sys/block/${name}/queue/rotational`;
      expect(b.rotational, name).toBe(existsSync(rot) ? readFileSync(rot, 'utf8').trim() : null);
      const entry = `/run/udev/data/b${d.major}:${d.minor}`;
      if (!existsSync(entry)) expect(b.udev, name).toBeNull();
      else {
        const props = readFileSync(entry, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('E:') && l.includes('='));
        expect(Object.keys(b.udev ?? {}).length, name).toBe(new Set(props.map((l) => l.slice(2, l.indexOf('=')))).size);
      }
    }
  });
});
