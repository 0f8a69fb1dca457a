// The process API over the crafted /proc tree in test/fixtures/proc-basic (through the real
// addon): psutil's parsing rules, names, zombie and error semantics, oneshot caching, the
// identity check, the batch scan's flags and columns, and the host-mode caveat (a foreign
// /proc: setters and signals are Unsupported, getters come from files).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  COMMON_SCAN_ATTRS,
  IOPriority,
  InvalidArgumentError,
  NoSuchProcess,
  NotFoundError,
  ParseError,
  Process,
  ProcessTable,
  RLIM_INFINITY,
  RLIMIT,
  SCAN_ATTRS,
  ScanFlags,
  UnsupportedError,
  ZombieProcess,
  pidExists,
  pids,
  processIter,
  processesSummary,
  scanProcesses,
  scanProcessesSync,
  statusFromLetter,
} from '../../src/index.js';
import { FIXTURES } from '../helpers/tools.js';

const roots = {
  procfs: join(FIXTURES, 'proc-basic', 'proc'),
  sysfs: join(FIXTURES, 'proc-basic', 'sys'),
  rootfs: join(FIXTURES, 'proc-basic', 'root'),
};
const HZ = 100; // USER_HZ on every Linux the tests run on (checked below against the addon)
const PAGE = Number(readFileSync('/proc/self/smaps', 'utf8').match(/KernelPageSize:\s+(\d+) kB/)?.[1] ?? 4) * 1024;

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A writable copy of the fixture tree. */
function copyFixture(): typeof roots {
  const dir = mkdtempSync(join(tmpdir(), 'hostprobe-procfix-'));
  temps.push(dir);
  cpSync(join(FIXTURES, 'proc-basic'), dir, { recursive: true, verbatimSymlinks: true });
  return { procfs: join(dir, 'proc'), sysfs: join(dir, 'sys'), rootfs: join(dir, 'root') };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('Process over a fixture /proc', () => {
  it('reads a complete process', () => {
    const p = new Process(1, { roots });
    expect(p.pid).toBe(1);
    expect(p.startTicks).toBe(15);
    expect(p.key).toBe('1-15');
    expect(p.name()).toBe('systemd');
    expect(p.cmdline()).toEqual(['/sbin/init', 'splash']);
    expect(p.exe()).toBe('/usr/lib/systemd/systemd');
    expect(p.cwd()).toBe('/hostprobe-fixture-cwd');
    expect(p.status()).toBe('sleeping');
    expect(p.ppid()).toBe(0);
    expect(p.uids()).toEqual({ real: 0, effective: 0, saved: 0 });
    expect(p.username()).toBe('root'); // from <rootfs>/etc/passwd
    expect(p.createTime()).toBeCloseTo(1700000000 + 15 / HZ, 6);
    expect(p.cpuTimes()).toEqual({ user: 1.2, system: 3.4, childrenUser: 56.78, childrenSystem: 9.1, iowait: 0.07 });
    expect(p.memoryInfo()).toEqual({
      rss: 3045 * PAGE,
      vms: 42743 * PAGE,
      shared: 2021 * PAGE,
      text: 233 * PAGE,
      lib: 0,
      data: 4321 * PAGE,
      dirty: 0,
    });
    expect(p.memoryFullInfo()).toMatchObject({ uss: (1000 + 3000 + 24) * 1024, pss: 5120 * 1024, swap: 12 * 1024 });
    expect(p.memoryPercent()).toBeCloseTo(((3045 * PAGE) / (8000000 * 1024)) * 100, 10);
    expect(p.memoryPercent({ memtype: 'pss' })).toBeCloseTo(((5120 * 1024) / (8000000 * 1024)) * 100, 10);
    expect(() => p.memoryPercent({ memtype: 'bogus' as 'rss' })).toThrow(InvalidArgumentError);
    expect(p.numFds()).toBe(4);
    expect(p.numThreads()).toBe(2);
    expect(p.threads()).toEqual([
      { id: 1, userTime: 1.2, systemTime: 3.4 },
      { id: 2, userTime: 0.5, systemTime: 0.25 },
    ]);
    expect(p.numCtxSwitches()).toEqual({ voluntary: 1234, involuntary: 56 });
    expect(p.ioCounters()).toEqual({
      readCount: 111,
      writeCount: 222,
      readBytes: 4096,
      writeBytes: 8192,
      readChars: 123456,
      writeChars: 654321,
    });
    expect(p.pageFaults()).toEqual({ minor: 51234, major: 86 });
    expect(p.cpuNum()).toBe(1);
    expect(p.nice()).toBe(0);
    expect(p.terminal()).toBeNull();
    expect(p.environ()).toEqual({ HOME: '/', TERM: 'linux', PATH: '/usr/bin:/bin', DUP: '2' });
    expect(p.openFiles()).toEqual([
      { path: '/var/log/app.log', fd: 3, position: 42, mode: 'r+', flags: 0o100002 },
      { path: '/var/log/append.log', fd: 5, position: 7, mode: 'a', flags: 0o2102001 },
    ]);
    expect(p.connections()).toEqual([{ fd: 4, family: 2, type: 1, laddr: { ip: '127.0.0.1', port: 8080 }, raddr: null, status: 'LISTEN' }]);
    const grouped = p.memoryMaps();
    expect(grouped.map((m) => m.path)).toEqual(['/usr/lib/systemd/systemd', '[heap]', '/memfd:buf', '[anon]']);
    expect(grouped[0]).toMatchObject({ rss: (168 + 800) * 1024, size: (168 + 856) * 1024, pss: (84 + 400) * 1024 });
    const ranges = p.memoryMaps({ grouped: false });
    expect(ranges).toHaveLength(5);
    expect(ranges[0]).toMatchObject({ addr: '55d0c0a00000-55d0c0a2a000', perms: 'r--p', size: 168 * 1024 });
    expect(p.toString()).toMatch(/^hostprobe\.Process\(pid=1, name='systemd', status='sleeping', started='\d\d:\d\d:\d\d'\)$/);
    expect(JSON.parse(JSON.stringify(p))).toEqual({ pid: 1, startTicks: 15, key: '1-15' });
  });

  it('parses hostile names from the last parenthesis and resolves 15-char comms from cmdline', () => {
    const hostile = new Process(42, { roots });
    expect(hostile.name()).toBe('a b) (c');
    expect(hostile.ppid()).toBe(1);
    expect(hostile.status()).toBe('sleeping');
    expect(hostile.cmdline()).toEqual(['./a b) (c', '300']);
    expect(hostile.username()).toBe('alice');
    expect(new Process(100, { roots }).name()).toBe('averyveryverylongname_sleep');
    expect(new Process(101, { roots }).name()).toBe('kworker/u4:1-ev');
    // No exe link: the kernel-thread rule gives "", then psutil's guess from an absolute, executable cmdline[0].
    expect(new Process(100, { roots }).exe()).toBe('/opt/bin/averyveryverylongname_sleep');
    expect(new Process(100, { roots }).username()).toBe('4242');
  });

  it('applies the cmdline NUL/space rules', () => {
    expect(new Process(300, { roots }).cmdline()).toEqual(['nginx:', 'worker', 'process', 'is', 'shutting', 'down']);
    expect(new Process(301, { roots }).cmdline()).toEqual(['/opt/chrome/chrome', '--type=renderer', '', '--lang=en']);
  });

  it('raises ZombieProcess (a NoSuchProcess) where a zombie has no data, and values elsewhere', () => {
    const z = new Process(200, { roots });
    expect(z.status()).toBe('zombie');
    expect(z.name()).toBe('defunct-child');
    expect(z.ppid()).toBe(1);
    expect(z.isRunning()).toBe(true);
    expect(z.memoryInfo().rss).toBe(0);
    expect(z.numFds()).toBe(0);
    for (const fn of [() => z.cmdline(), () => z.exe(), () => z.cwd(), () => z.environ(), () => z.memoryFullInfo()]) {
      const e = catchError(fn);
      expect(e).toBeInstanceOf(ZombieProcess);
      expect(e).toBeInstanceOf(NoSuchProcess);
      expect((e as ZombieProcess).pid).toBe(200);
      expect((e as ZombieProcess).ppid).toBe(1);
    }
    const d = z.asDict({ attrs: ['name', 'cmdline', 'exe', 'status', 'cpuTimes'] });
    expect(d.name).toBe('defunct-child');
    expect(d.cmdline).toBeNull();
    expect(d.exe).toBeNull();
    expect(d.status).toBe('zombie');
    expect(d.cpuTimes).not.toBeNull();
    expect(z.asDict({ attrs: ['cmdline'], adValue: 'AD' }).cmdline).toBe('AD');
  });

  it('gives "" as the exe of a kernel thread and zero smaps totals', () => {
    const k = new Process(400, { roots });
    expect(k.exe()).toBe('');
    expect(k.cmdline()).toEqual([]);
    expect(k.memoryFullInfo()).toMatchObject({ uss: 0, pss: 0, swap: 0 });
    expect(k.memoryMaps()).toEqual([]);
  });

  it('reports missing and malformed files with typed errors naming the file', () => {
    expect(() => new Process(999, { roots })).toThrow(NoSuchProcess);
    expect(() => new Process(-1, { roots })).toThrow(InvalidArgumentError);
    expect(() => new Process(1.5, { roots })).toThrow(InvalidArgumentError);
    const e = catchError(() => new Process(500, { roots }));
    expect(e).toBeInstanceOf(ParseError);
    expect((e as ParseError).message).toContain('proc-basic/proc/500/stat');
    expect(() => new Process(501, { roots })).toThrow(ParseError);
    const bad = new Process(502, { roots });
    expect(() => bad.memoryInfo()).toThrow(ParseError);
    expect(() => bad.ioCounters()).toThrow(/io: file was empty/);
    expect(new Process(503, { roots }).ioCounters().writeChars).toBe(20); // malformed lines skipped
    // A missing optional file of a live process is a real ENOENT, not NoSuchProcess.
    expect(() => new Process(100, { roots }).ioCounters()).toThrow(NotFoundError);
  });

  it('keeps psutil getters working on a foreign /proc and refuses the syscalls', () => {
    const p = new Process(1, { roots });
    expect(p.cpuAffinity()).toEqual([0, 1]); // Cpus_allowed_list
    expect(p.rlimit(RLIMIT.NOFILE)).toEqual([1024, 524288]); // /proc/1/limits
    expect(p.rlimit(RLIMIT.CPU)).toEqual([RLIM_INFINITY, RLIM_INFINITY]);
    expect(p.rlimit(RLIMIT.STACK)).toEqual([8388608, RLIM_INFINITY]);
    for (const fn of [
      () => p.nice(5),
      () => p.ionice(),
      () => p.ionice(IOPriority.IOPRIO_CLASS_BE, 3),
      () => p.cpuAffinity([0]),
      () => p.rlimit(RLIMIT.NOFILE, [10, 10]),
      () => p.sendSignal('SIGTERM'),
      () => p.kill(),
      () => p.suspend(),
    ]) {
      const e = catchError(fn);
      expect(e).toBeInstanceOf(UnsupportedError);
      expect((e as Error).message).toMatch(/another PID namespace/);
    }
    // asDict leaves out what this host cannot provide unless asked for by name.
    const all = p.asDict();
    expect('ionice' in all).toBe(false);
    expect(all.name).toBe('systemd');
    expect(() => p.asDict({ attrs: ['ionice'] })).toThrow(UnsupportedError);
    expect(() => p.asDict({ attrs: ['bogus' as 'name'] })).toThrow(InvalidArgumentError);
  });

  it('validates arguments before touching the process', () => {
    const p = new Process(1, { roots });
    expect(() => p.rlimit(99 as RLIMIT)).toThrow(InvalidArgumentError);
    expect(() => p.rlimit(RLIMIT.NOFILE, [1] as unknown as [number, number])).toThrow(InvalidArgumentError);
    expect(() => p.ionice(9 as IOPriority)).toThrow(InvalidArgumentError);
    expect(() => p.sendSignal('SIGNOPE' as NodeJS.Signals)).toThrow(InvalidArgumentError);
    expect(() => p.cpuPercent({ interval: -1 })).toThrow(InvalidArgumentError);
    expect(() => p.nice(1.5)).toThrow(InvalidArgumentError);
  });

  it('oneshot reads stat, status and statm once for all the attributes that use them', () => {
    const r = copyFixture();
    const p = new Process(42, { roots: r });
    const statPath = join(r.procfs, '42', 'stat');
    const original = readFileSync(statPath, 'utf8');
    const bumped = original.replace(/^(\S+ \(.*\) \S \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ )(\d+)/s, (_m, head: string) => `${head}999`);
    expect(bumped).not.toBe(original);
    p.oneshot(() => {
      const before = p.cpuTimes().user;
      writeFileSync(statPath, bumped);
      expect(p.cpuTimes().user).toBe(before); // cached inside oneshot
      expect(p.oneshot(() => p.cpuTimes().user)).toBe(before); // re-entrant
      expect(p.status()).toBe('sleeping');
    });
    expect(p.cpuTimes().user).toBe(9.99); // re-read outside
    writeFileSync(statPath, original);
  });

  it('checks identity: a reused pid raises NoSuchProcess and is not running', async () => {
    const r = copyFixture();
    const p = new Process(42, { roots: r });
    const statPath = join(r.procfs, '42', 'stat');
    // Same pid, different start time: another process now.
    writeFileSync(statPath, readFileSync(statPath, 'utf8').replace(' 5000 ', ' 5001 '));
    expect(() => p.ppid()).toThrow(NoSuchProcess);
    expect(() => p.cpuTimes()).toThrow(/pid reused/);
    expect(() => p.children()).toThrow(NoSuchProcess);
    expect(() => p.parent()).toThrow(NoSuchProcess); // not swallowed into null
    expect(p.isRunning()).toBe(false);
    expect(await p.wait({ timeout: 0 })).toBeNull(); // "our" process is gone
    const fresh = new Process(42, { roots: r });
    expect(fresh.equals(p)).toBe(false);
    expect(fresh.key).toBe('42-5001');
    expect(new Process(42, { roots: r }).equals(fresh)).toBe(true);
  });

  it('gives a null parent when the ppid is gone or was reused by a younger process', () => {
    const r = copyFixture();
    const child = new Process(42, { roots: r }); // ppid 1, started at 5000 ticks
    const parentStat = join(r.procfs, '1', 'stat');
    // pid 1 now started after its "child": the ppid was reused.
    writeFileSync(parentStat, readFileSync(parentStat, 'utf8').replace(/^(1 \(systemd\)(?: \S+){19}) 15 /, '$1 9999 '));
    expect(new Process(1, { roots: r }).startTicks).toBe(9999);
    expect(child.parent()).toBeNull();
    rmSync(join(r.procfs, '1'), { recursive: true });
    expect(child.parent()).toBeNull();
    expect(child.ppid()).toBe(1);
  });

  it('finds parents and children through ppid and start times', () => {
    const p = new Process(42, { roots });
    expect(p.parent()?.pid).toBe(1);
    expect(p.parents().map((x) => x.pid)).toEqual([1]);
    expect(new Process(1, { roots }).parent()).toBeNull(); // the lowest pid
    const kids = new Process(1, { roots }).children().map((c) => c.pid);
    // 42, 100, 200, 300, 301, 502, 503 have ppid 1 and started after pid 1 (15 ticks).
    expect(kids.sort((a, b) => a - b)).toEqual([42, 100, 200, 300, 301, 502, 503]);
    const all = new Process(1, { roots }).children({ recursive: true }).map((c) => c.pid);
    expect(all.sort((a, b) => a - b)).toEqual([42, 100, 200, 300, 301, 502, 503]);
  });
});

describe('module functions over a fixture /proc', () => {
  it('lists pids and checks existence', () => {
    expect(pids({ roots })).toEqual([1, 42, 100, 101, 200, 300, 301, 400, 500, 501, 502, 503]);
    expect(pidExists(1, { roots })).toBe(true);
    expect(pidExists(101, { roots })).toBe(true); // no status file: falls back to the listing
    expect(pidExists(999, { roots })).toBe(false);
    expect(pidExists(0, { roots })).toBe(false);
    expect(pidExists(-3, { roots })).toBe(false);
  });

  it('processIter yields zombies, skips unreadable stats and fills .info', () => {
    const seen = [...processIter({ roots, attrs: ['pid', 'name', 'status', 'cmdline', 'username', 'cpuPercent'] })];
    expect(seen.map((p) => p.pid)).toEqual([1, 42, 100, 101, 200, 300, 301, 400, 502, 503]);
    const z = seen.find((p) => p.pid === 200);
    expect(z?.info.status).toBe('zombie');
    expect(z?.info.cmdline).toBeNull();
    expect(z?.info.cpuPercent).toBe(0); // read per process (not a scan attribute): first call
    expect(Object.keys(z?.info ?? {})).toEqual(['pid', 'name', 'status', 'cmdline', 'username', 'cpuPercent']);
    expect(seen.find((p) => p.pid === 42)?.info.name).toBe('a b) (c');
    expect(seen.find((p) => p.pid === 100)?.info.name).toBe('averyveryverylongname_sleep');
    // The same process yields the same object on the next call.
    const again = [...processIter({ roots })];
    expect(again.find((p) => p.pid === 42)).toBe(seen.find((p) => p.pid === 42));
    expect(() => [...processIter({ roots, attrs: ['nope' as 'name'] })]).toThrow(InvalidArgumentError);
  });

  it('scanProcesses returns columns, flags and psutil-shaped rows', async () => {
    const t = await scanProcesses({ roots, attrs: [...SCAN_ATTRS] });
    expect(t).toBeInstanceOf(ProcessTable);
    expect(t.length).toBe(12);
    expect(Array.from(t.pid)).toEqual([1, 42, 100, 101, 200, 300, 301, 400, 500, 501, 502, 503]);
    const i1 = t.indexOf(1);
    const r1 = t.get(i1);
    expect(r1).toMatchObject({
      pid: 1,
      startTicks: 15,
      key: '1-15',
      vanished: false,
      zombie: false,
      accessDenied: false,
      error: false,
      name: 'systemd',
      cmdline: ['/sbin/init', 'splash'],
      exe: '/usr/lib/systemd/systemd',
      cwd: '/hostprobe-fixture-cwd',
      status: 'sleeping',
      ppid: 0,
      username: 'root',
      numFds: 4,
      numThreads: 2,
      fdLimit: { soft: 1024, hard: 524288 },
      memorySwap: 12 * 1024,
      nice: 0,
      cpuNum: 1,
      terminal: null,
      threadStates: { R: 1, S: 1, D: 0, Z: 0, T: 0, t: 0, I: 0, X: 0, other: 0 },
    });
    expect(r1.memoryFullInfo?.uss).toBe((1000 + 3000 + 24) * 1024);
    expect(t.column('memRss')?.[i1]).toBe(3045 * PAGE);
    expect(t.column('cpuUser')?.[i1]).toBe(1.2);
    expect(t.users.get(1000)).toBe('alice');

    const z = t.indexOf(200);
    expect(t.isZombie(z)).toBe(true);
    expect(t.flags[z]! & ScanFlags.ZOMBIE).toBe(ScanFlags.ZOMBIE);
    expect(t.get(z)).toMatchObject({ zombie: true, vanished: false, cmdline: null, exe: null, cwd: null, status: 'zombie' });
    expect(t.has(z, 'cmdline')).toBe(false);
    expect(t.has(z, 'cpuTimes')).toBe(true);

    for (const pid of [500, 501]) {
      const i = t.indexOf(pid);
      expect(t.hasError(i)).toBe(true);
      expect(t.get(i).name).toBeNull();
    }
    const bad = t.get(t.indexOf(502));
    expect(bad.error).toBe(true);
    expect(bad.memoryInfo).toBeNull();
    expect(bad.ioCounters).toBeNull();
    expect(bad.cpuTimes).not.toBeNull();
    expect(t.get(t.indexOf(100)).exe).toBe('/opt/bin/averyveryverylongname_sleep');
    expect([...t].map((r) => r.pid)).toEqual(Array.from(t.pid));
    expect(t.toArray()).toHaveLength(12);
    expect(t.byteLength).toBeGreaterThan(12 * 8);
  });

  it('scans only the pids asked for, flagging absent ones vanished', async () => {
    const t = await scanProcesses({ roots, attrs: ['name'], pids: [42, 999] });
    expect(t.length).toBe(2);
    expect(t.get(0).name).toBe('a b) (c');
    expect(t.get(1)).toMatchObject({ pid: 999, vanished: true, name: null });
    expect(t.column('memRss')).toBeUndefined();
    const sync = scanProcessesSync({ roots, pids: [1] });
    expect(sync.attrs).toEqual(COMMON_SCAN_ATTRS);
    expect(sync.get(0).name).toBe('systemd');
    await expect(scanProcesses({ roots, attrs: ['bogus' as 'name'] })).rejects.toThrow(InvalidArgumentError);
  });

  it('processesSummary counts states, threads and the kernel limits', async () => {
    const s = await processesSummary({ roots });
    expect(s).toEqual({
      pids: 10,
      threads: 11,
      maxProcesses: 4194304,
      maxThreads: 63204,
      states: { S: 9, Z: 1 },
      threadStates: { R: 1, S: 9, Z: 1 },
    });
  });

  it('maps state letters as psutil', () => {
    expect(statusFromLetter('D')).toBe('disk-sleep');
    expect(statusFromLetter('t')).toBe('tracing-stop');
    expect(statusFromLetter('I')).toBe('idle');
    expect(statusFromLetter('?')).toBe('?');
  });
});
