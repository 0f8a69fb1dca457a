// The process API against real processes spawned here: a sleeping child, setters and
// signals, a zombie, hostile and truncated names, another user's process read by an
// unprivileged user (AccessDenied), processes that vanish mid-scan, a pid reused inside a
// fresh PID namespace, and a host /proc from another PID namespace. No timing assertions.
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AccessDenied,
  IOPriority,
  InvalidArgumentError,
  NoSuchProcess,
  Process,
  RLIMIT,
  SCAN_ATTRS,
  TimeoutExpired,
  ZombieProcess,
  pidExists,
  pids,
  processWaitChannels,
  processIter,
  processesSummary,
  scanProcesses,
  waitProcs,
} from '../../src/index.js';
import {
  canUnsharePid,
  cleanupProcesses,
  requireOrSkip,
  runNodeScript,
  spawnNamed,
  spawnSleeper,
  spawnZombie,
  startProcessStorm,
  stateOf,
  tempDir,
  testUser,
  until,
} from '../helpers/processes.js';
import { run } from '../helpers/tools.js';

afterEach(async () => {
  await cleanupProcesses();
});
afterAll(async () => {
  await cleanupProcesses();
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('a sleeping child', () => {
  it('reads identity, tree, ids, times, memory, files and environment', async () => {
    const dir = tempDir();
    const s = await spawnSleeper({ spawn: { cwd: dir, env: { ...process.env, HOSTPROBE_MARK: 'x y=z' } } });
    const p = new Process(s.pid);
    expect(p.name()).toBe('sleep');
    expect(p.cmdline()).toEqual(['sleep', '300']);
    expect(p.exe()).toBe(realpathSync(run('sh', ['-c', 'command -v sleep']).trim()));
    expect(p.status()).toBe('sleeping');
    expect(p.ppid()).toBe(process.pid);
    const me = new Process();
    expect(p.parent()?.equals(me)).toBe(true);
    expect(me.children().some((c) => c.equals(p))).toBe(true);
    expect(me.children({ recursive: true }).some((c) => c.key === p.key)).toBe(true);
    expect(p.uids()).toEqual({ real: process.getuid?.(), effective: process.geteuid?.(), saved: process.geteuid?.() });
    expect(p.gids().real).toBe(process.getgid?.());
    expect(p.username()).toBe(userInfo().username);
    expect(Math.abs(p.createTime() - Date.now() / 1000)).toBeLessThan(60);
    expect(p.cwd()).toBe(realpathSync(dir));
    expect(p.environ().HOSTPROBE_MARK).toBe('x y=z');
    expect(p.numThreads()).toBe(1);
    expect(p.threads()).toHaveLength(1);
    expect(p.threads()[0]?.id).toBe(s.pid);
    expect(p.numFds()).toBeGreaterThanOrEqual(3);
    expect(p.memoryInfo().rss).toBeGreaterThan(0);
    expect(p.memoryFullInfo().uss).toBeGreaterThan(0);
    expect(p.memoryFullInfo().uss).toBeLessThanOrEqual(p.memoryFullInfo().rss);
    expect(p.memoryMaps().some((m) => m.path === p.exe())).toBe(true);
    expect(p.memoryPercent()).toBeGreaterThan(0);
    expect(p.ioCounters().readChars).toBeGreaterThanOrEqual(0);
    expect(p.numCtxSwitches().voluntary).toBeGreaterThanOrEqual(1);
    expect(p.cpuTimes().user).toBeGreaterThanOrEqual(0);
    expect(p.isRunning()).toBe(true);
    expect(pidExists(s.pid)).toBe(true);
    expect(pids()).toContain(s.pid);
    expect(p.asDict({ attrs: ['pid', 'name', 'ppid'] })).toEqual({ pid: s.pid, name: 'sleep', ppid: process.pid });
    // Every attribute of asDict is readable for our own child.
    const all = p.asDict();
    for (const [k, v] of Object.entries(all)) if (k !== 'terminal') expect(v, k).not.toBeNull();
    // The same identity, the same key.
    expect(new Process(s.pid).key).toBe(p.key);
    expect(new Map([[p.key, p]]).has(new Process(s.pid).key)).toBe(true);
  });

  it('reads open files and sockets', async () => {
    const dir = tempDir();
    const file = join(dir, 'append.log');
    writeFileSync(file, 'x');
    const child = spawn('sh', ['-c', `exec 3>>'${file}'; exec sleep 300`], { stdio: 'ignore' });
    await until(() => stateOf(child.pid as number) === 'S' && readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep');
    const p = new Process(child.pid);
    const f = p.openFiles().find((o) => o.fd === 3);
    expect(f).toMatchObject({ path: realpathSync(file), fd: 3, mode: 'a', position: 0 });
    child.kill('SIGKILL');

    const py = spawn(
      'python3',
      [
        '-c',
        "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen()\nprint(s.getsockname()[1],flush=True)\ntime.sleep(300)",
      ],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const port = await new Promise<number>((resolve) => py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const server = new Process(py.pid);
    const conns = server.connections({ kind: 'tcp' });
    expect(conns.some((c) => c.status === 'LISTEN' && typeof c.laddr === 'object' && c.laddr?.port === port)).toBe(true);
    expect(server.connections({ kind: 'udp' })).toEqual([]);
    expect(() => server.connections({ kind: 'bogus' as 'tcp' })).toThrow(InvalidArgumentError);
    py.kill('SIGKILL');
  });

  it('sets nice, ionice, affinity and limits after checking the identity', async () => {
    const s = await spawnSleeper();
    const p = new Process(s.pid);
    p.nice(5);
    expect(p.nice()).toBe(5);
    p.ionice(IOPriority.IOPRIO_CLASS_BE, 4);
    expect(p.ionice()).toEqual({ ioclass: IOPriority.IOPRIO_CLASS_BE, value: 4 });
    p.ionice(IOPriority.IOPRIO_CLASS_IDLE);
    expect(p.ionice().ioclass).toBe(IOPriority.IOPRIO_CLASS_IDLE);
    expect(() => p.ionice(IOPriority.IOPRIO_CLASS_IDLE, 3)).toThrow(InvalidArgumentError);
    expect(p.cpuAffinity()).toEqual(cpus().map((_, i) => i));
    p.cpuAffinity([0]);
    expect(p.cpuAffinity()).toEqual([0]);
    expect(() => p.cpuAffinity([100_000])).toThrow(InvalidArgumentError);
    p.rlimit(RLIMIT.NOFILE, [64, 128]);
    expect(p.rlimit(RLIMIT.NOFILE)).toEqual([64, 128]);
    expect(readFileSync(`/proc/${s.pid}/limits`, 'utf8')).toMatch(/Max open files\s+64\s+128/);
  });

  it('suspends, resumes, terminates and waits', async () => {
    const s = await spawnSleeper();
    const p = new Process(s.pid);
    p.suspend();
    await until(() => stateOf(s.pid) === 'T');
    expect(p.status()).toBe('stopped');
    p.resume();
    await until(() => stateOf(s.pid) === 'S');
    await expect(p.wait({ timeout: 0.05 })).rejects.toBeInstanceOf(TimeoutExpired);
    const exit = new Promise((r) => s.child.once('exit', r));
    p.terminate();
    const code = await p.wait({ timeout: 30 });
    // -SIGTERM when we saw the status before child_process reaped it; null after.
    expect([null, -15]).toContain(code);
    await exit;
    expect(p.isRunning()).toBe(false);
    expect(() => p.kill()).toThrow(NoSuchProcess);
    expect(() => p.cpuTimes()).toThrow(NoSuchProcess);
    expect(() => new Process(s.pid)).toThrow(NoSuchProcess);
  });

  it('waitProcs reports gone and alive processes with a callback', async () => {
    const a = await spawnSleeper();
    const b = await spawnSleeper();
    const c = await spawnSleeper();
    const procs = [a, b, c].map((x) => new Process(x.pid));
    const seen: number[] = [];
    procs[0]?.kill();
    procs[1]?.kill();
    const r = await waitProcs(procs, { timeout: 3, callback: (p) => seen.push(p.pid) });
    // c is still running after the timeout; a and b are gone.
    expect(r.gone.map((p) => p.pid).sort()).toEqual([a.pid, b.pid].sort());
    expect(r.alive.map((p) => p.pid)).toEqual([c.pid]);
    expect(seen.sort()).toEqual([a.pid, b.pid].sort());
    for (const g of r.gone) expect(g.returncode === null || g.returncode === -9).toBe(true);
    await expect(waitProcs(procs, { timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
  }, 60_000);

  it('measures cpuPercent top-style, blocking and not', async () => {
    const busy = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    await until(() => stateOf(busy.pid as number) === 'R');
    const p = new Process(busy.pid);
    expect(p.cpuPercent()).toBe(0); // first non-blocking call
    const blocking = await p.cpuPercent({ interval: 0.5 });
    expect(blocking).toBeGreaterThan(5);
    expect(blocking).toBeLessThanOrEqual(100 * cpus().length + 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.cpuPercent()).toBeGreaterThan(0);
    busy.kill('SIGKILL');
  });
});

describe('names', () => {
  it('parses a name with spaces and parentheses', async () => {
    const s = await spawnNamed('a b) (c');
    const p = new Process(s.pid);
    expect(p.name()).toBe('a b) (c');
    expect(p.ppid()).toBe(process.pid);
    expect(p.status()).toBe('sleeping');
    expect(p.cmdline()).toEqual([s.path, '300']);
    const t = await scanProcesses({ attrs: ['name', 'ppid', 'cmdline'], pids: [s.pid] });
    expect(t.get(0)).toMatchObject({ name: 'a b) (c', ppid: process.pid, cmdline: [s.path, '300'] });
  });

  it('resolves the 15-character comm from cmdline', async () => {
    const s = await spawnNamed('averyveryverylongname_sleep');
    expect(readFileSync(`/proc/${s.pid}/comm`, 'utf8').trim()).toBe('averyveryverylo');
    expect(new Process(s.pid).name()).toBe('averyveryverylongname_sleep');
    const t = await scanProcesses({ attrs: ['name'], pids: [s.pid] });
    expect(t.get(0).name).toBe('averyveryverylongname_sleep');
  });
});

describe('a zombie', () => {
  it('follows psutil: values from stat, ZombieProcess for the data that is gone', async () => {
    const { zombie, parent } = await spawnZombie();
    const z = new Process(zombie);
    expect(z.status()).toBe('zombie');
    expect(z.name()).toBe('sleep');
    expect(z.ppid()).toBe(parent.pid);
    expect(z.isRunning()).toBe(true);
    expect(z.cpuTimes().user).toBeGreaterThanOrEqual(0);
    expect(z.memoryInfo().rss).toBe(0);
    expect(z.numFds()).toBe(0);
    expect(z.numThreads()).toBe(1);
    for (const fn of [() => z.cmdline(), () => z.exe(), () => z.cwd(), () => z.environ(), () => z.memoryFullInfo()]) {
      const e = catchError(fn);
      expect(e).toBeInstanceOf(ZombieProcess);
      expect(e).toBeInstanceOf(NoSuchProcess);
      expect((e as ZombieProcess).ppid).toBe(parent.pid);
    }
    expect(z.asDict({ attrs: ['status', 'cmdline', 'exe'] })).toEqual({ status: 'zombie', cmdline: null, exe: null });
    const it = [...processIter({ attrs: ['status', 'cmdline'] })].find((p) => p.pid === zombie);
    expect(it?.info).toEqual({ status: 'zombie', cmdline: null });
    const t = await scanProcesses({ attrs: ['name', 'cmdline', 'exe', 'cpuTimes'], pids: [zombie] });
    expect(t.get(0)).toMatchObject({ zombie: true, vanished: false, name: 'sleep', cmdline: null, exe: null });
    expect(t.get(0).cpuTimes).not.toBeNull();
    // Not our child: it stays "running" until its parent reaps it.
    await expect(z.wait({ timeout: 0.1 })).rejects.toBeInstanceOf(TimeoutExpired);
    parent.child.kill('SIGKILL'); // the orphan is reparented and reaped
    await until(() => stateOf(zombie) === null || !new Process(zombie).equals(z), 20_000, 'the zombie to be reaped');
    expect(z.isRunning()).toBe(false);
    expect(await z.wait({ timeout: 5 })).toBeNull();
  });
});

describe('a kernel thread', () => {
  it('has no exe, cmdline or environment, and stays in asDict and processIter', () => {
    const kt = [...processIter({ attrs: ['ppid', 'cmdline', 'environ'] })].find(
      (p) => p.pid !== 1 && (p.pid === 2 || p.info.ppid === 2) && p.info.cmdline?.length === 0,
    );
    if (!kt) {
      console.warn('[skip] no kernel thread is visible in this /proc (a container without the host PID namespace)');
      return;
    }
    expect(kt.info.environ).toEqual({});
    expect(kt.exe()).toBe('');
    expect(kt.cmdline()).toEqual([]);
    expect(kt.environ()).toEqual({});
    expect(kt.memoryFullInfo()).toMatchObject({ uss: 0, pss: 0, swap: 0 });
    expect(kt.memoryMaps()).toEqual([]);
    expect(kt.isRunning()).toBe(true);
    const all = kt.asDict({ adValue: 'AD' });
    expect(all.environ).toEqual({});
    expect(all.name).toBe(readFileSync(`/proc/${kt.pid}/comm`, 'utf8').trim());
  });
});

describe('another user', () => {
  it('gives AccessDenied to an unprivileged reader, and null attributes in iter and scan', async () => {
    let asUser: { uid: number; gid: number } | undefined;
    let target: number;
    if (process.getuid?.() === 0) {
      const u = testUser();
      if (!requireOrSkip(!('missing' in u), 'missing' in u ? u.missing : '')) return;
      asUser = u as { uid: number; gid: number };
      target = (await spawnSleeper()).pid; // runs as root
    } else {
      // Unprivileged already: pid 1 belongs to root.
      target = 1;
      if (!requireOrSkip(new Process(1).uids().real !== process.getuid?.(), 'pid 1 runs as this user')) return;
    }
    const body = `
      const p = new hp.Process(${target});
      const r = {};
      for (const m of ['name', 'cmdline', 'status', 'cpuTimes', 'memoryInfo', 'threads', 'numFds', 'ioCounters', 'exe', 'cwd', 'environ', 'openFiles', 'memoryMaps', 'memoryFullInfo']) {
        try { p[m](); r[m] = 'ok'; } catch (e) { r[m] = e.constructor.name + (e.pid === ${target} ? '' : ' (no pid)'); }
      }
      try { p.nice(19); r.setNice = 'ok'; } catch (e) { r.setNice = e.constructor.name; }
      try { p.terminate(); r.signal = 'ok'; } catch (e) { r.signal = e.constructor.name; }
      r.asDict = p.asDict({ attrs: ['name', 'numFds', 'ioCounters', 'exe'] });
      const t = await hp.scanProcesses({ attrs: ['name', 'numFds', 'ioCounters'] });
      r.scan = t.get(t.indexOf(${target}));
      r.iter = [...hp.processIter({ attrs: ['name', 'numFds'] })].find((q) => q.pid === ${target})?.info;
      return r;`;
    const res = runNodeScript<Record<string, unknown>>(body, asUser ? { asUser } : {});
    expect(res.status, res.stderr).toBe(0);
    const r = res.result ?? {};
    for (const m of ['name', 'cmdline', 'status', 'cpuTimes', 'memoryInfo', 'threads']) expect(r[m], m).toBe('ok');
    for (const m of ['numFds', 'ioCounters', 'exe', 'cwd', 'environ', 'openFiles', 'memoryMaps', 'memoryFullInfo']) {
      expect(r[m], m).toBe('AccessDenied');
    }
    expect(r.setNice).toBe('AccessDenied');
    expect(r.signal).toBe('AccessDenied');
    expect(r.asDict).toMatchObject({ numFds: null, ioCounters: null, exe: null });
    expect((r.asDict as { name: string }).name).toBeTruthy();
    expect(r.scan).toMatchObject({ accessDenied: true, vanished: false, numFds: null, ioCounters: null });
    expect((r.scan as { name: string }).name).toBeTruthy();
    expect(r.iter).toMatchObject({ numFds: null });
    // The signal was refused: the target still runs.
    expect(new Process(target).isRunning()).toBe(true);
    expect(AccessDenied.name).toBe('AccessDenied');
  });
});

describe('processes that exit between listing and reading', () => {
  it('flags a gone pid as vanished and raises NoSuchProcess for it', async () => {
    const s = await spawnSleeper();
    const stale = new Process(s.pid);
    const exited = new Promise((r) => s.child.once('exit', r));
    s.child.kill('SIGKILL');
    await exited;
    const t = await scanProcesses({ attrs: [...SCAN_ATTRS], pids: [s.pid] });
    expect(t.get(0)).toMatchObject({ pid: s.pid, vanished: true, name: null, cpuTimes: null });
    expect(() => stale.cpuTimes()).toThrow(NoSuchProcess);
    expect(() => stale.cmdline()).toThrow(NoSuchProcess);
    expect(() => new Process(s.pid)).toThrow(NoSuchProcess);
    expect(pidExists(s.pid)).toBe(false);
    expect(stale.isRunning()).toBe(false);
  });

  it('never throws out of scans, iteration or summaries under a storm of short-lived processes', async () => {
    const storm = startProcessStorm(2);
    let vanished = 0;
    let scans = 0;
    const deadline = Date.now() + 30_000;
    try {
      while ((scans < 10 || vanished === 0) && Date.now() < deadline) {
        const t = await scanProcesses({ attrs: [...SCAN_ATTRS] });
        scans++;
        for (let i = 0; i < t.length; i++) {
          const row = t.get(i);
          expect(row.pid).toBeGreaterThan(0);
          if (row.vanished) {
            vanished++;
            for (const a of SCAN_ATTRS) expect(row[a], a).toBeNull();
          } else if (!row.error) {
            expect(row.startTicks).toBeGreaterThan(0);
            expect(row.name).not.toBeNull();
          }
        }
        for (const p of processIter({ attrs: ['name', 'cmdline', 'exe', 'numFds', 'cpuPercent'] })) expect(p.pid).toBeGreaterThan(0);
        const s = await processesSummary();
        expect(s.pids).toBeGreaterThan(0);
      }
    } finally {
      storm.stop();
    }
    expect(scans).toBeGreaterThanOrEqual(10);
    expect(vanished).toBeGreaterThan(0);
  }, 60_000);
});

describe('pid reuse', () => {
  // A Process is identified by pid + start time in clock ticks (10 ms at USER_HZ 100), as in
  // psutil: a pid reused within the same tick cannot be told apart. Real reuse needs the pid
  // space to wrap, so the test waits a few ticks before it forces the reuse; without that wait
  // the two sleepers sometimes started in the same tick and the stale handle killed the new one.
  it('never signals the new process that reuses a stale Process pid (fresh PID namespace)', () => {
    const can = canUnsharePid();
    if (!requireOrSkip(can.ok, can.ok ? '' : can.reason)) return;
    const body = `
      const { spawn } = await import('node:child_process');
      const { writeFileSync } = await import('node:fs');
      const started = (c) => new Promise((r) => c.once('spawn', r));
      const a = spawn('sleep', ['300'], { stdio: 'ignore' });
      await started(a);
      const stale = new hp.Process(a.pid);
      const exited = new Promise((r) => a.once('exit', r));
      a.kill('SIGKILL');
      await exited;
      await new Promise((r) => setTimeout(r, 50)); // b must start in a later clock tick than a
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(a.pid - 1));
      const b = spawn('sleep', ['300'], { stdio: 'ignore' });
      await started(b);
      await new Promise((r) => setTimeout(r, 100));
      const r = { stalePid: a.pid, newPid: b.pid, staleKey: stale.key };
      r.newKey = new hp.Process(b.pid).key;
      for (const [name, fn] of [['kill', () => stale.kill()], ['terminate', () => stale.terminate()], ['nice', () => stale.nice(5)], ['cpuTimes', () => stale.cpuTimes()], ['ppid', () => stale.ppid()], ['children', () => stale.children()]]) {
        try { fn(); r[name] = 'no error'; } catch (e) { r[name] = e.constructor.name; }
      }
      r.staleRunning = stale.isRunning();
      r.staleWait = await stale.wait({ timeout: 1 });
      await new Promise((res) => setTimeout(res, 100));
      r.newAlive = b.exitCode === null && b.signalCode === null && new hp.Process(b.pid).isRunning();
      r.newNice = new hp.Process(b.pid).nice();
      b.kill('SIGKILL');
      return r;`;
    const res = runNodeScript<Record<string, unknown>>(body, { prefix: ['unshare', '--pid', '--fork', '--mount-proc'] });
    expect(res.status, res.stderr).toBe(0);
    const r = res.result ?? {};
    expect(r.newPid).toBe(r.stalePid); // the pid was reused
    expect(r.newKey).not.toBe(r.staleKey);
    for (const m of ['kill', 'terminate', 'nice', 'cpuTimes', 'ppid', 'children']) expect(r[m], m).toBe('NoSuchProcess');
    expect(r.staleRunning).toBe(false);
    expect(r.staleWait).toBeNull();
    expect(r.newAlive).toBe(true);
    expect(r.newNice).toBe(0);
  });

  it('refuses syscalls on a host /proc from another PID namespace and reads the rest from files', () => {
    const can = canUnsharePid();
    if (!requireOrSkip(can.ok, can.ok ? '' : can.reason)) return;
    const host = tempDir('hostprobe-hostproc-');
    const body = `
      const roots = { procfs: ${JSON.stringify(host)} };
      const p = new hp.Process(1, { roots });
      const r = { ownPids: hp.pids().length, hostPids: hp.pids({ roots }).length, hostPid1Exists: hp.pidExists(1, { roots }) };
      r.nice = p.nice();
      r.affinity = p.cpuAffinity();
      r.nofile = p.rlimit(hp.RLIMIT.NOFILE);
      for (const [name, fn] of [['setNice', () => p.nice(0)], ['ionice', () => p.ionice()], ['signal', () => p.sendSignal(0)], ['setAffinity', () => p.cpuAffinity([0])], ['setRlimit', () => p.rlimit(hp.RLIMIT.NOFILE, r.nofile)]]) {
        try { fn(); r[name] = 'no error'; } catch (e) { r[name] = e.constructor.name; }
      }
      const t = await hp.scanProcesses({ roots, attrs: ['name', 'cpuTimes'] });
      r.scanned = t.length;
      return r;`;
    const mountHost = `mount --bind /proc ${host} && mount -t proc proc /proc && exec "$@"`;
    const res = runNodeScript<Record<string, unknown>>(body, {
      prefix: ['unshare', '--mount', '--pid', '--fork', 'sh', '-c', mountHost, 'sh'],
    });
    expect(res.status, res.stderr).toBe(0);
    const r = res.result ?? {};
    expect(r.ownPids as number).toBeLessThan(5); // the fresh namespace
    expect(r.hostPids as number).toBeGreaterThan(r.ownPids as number);
    expect(r.hostPid1Exists).toBe(true);
    expect(typeof r.nice).toBe('number');
    expect((r.affinity as number[]).length).toBeGreaterThan(0);
    expect((r.nofile as number[]).length).toBe(2);
    for (const m of ['setNice', 'ionice', 'signal', 'setAffinity', 'setRlimit']) expect(r[m], m).toBe('UnsupportedError');
    expect(r.scanned).toBe(r.hostPids);
  });
});

describe('processWaitChannels', () => {
  it("counts a sleeper's wait channel as /proc shows it, and gives null for a process that is gone", async () => {
    const s = await spawnSleeper();
    // Until it is asleep (just after exec it may still be running: no wait channel).
    let w = '';
    await until(
      () => {
        w = readFileSync(`/proc/${s.pid}/wchan`, 'utf8').trim();
        return w !== '' && w !== '0';
      },
      10_000,
      'the sleeper to sleep',
    );
    const [mine, gone] = await processWaitChannels([s.pid, 999999999]);
    expect(mine).toEqual({ [w]: 1 });
    expect(gone).toBeNull();
    // A multi-threaded process (this one): its own wchan plus one per thread, as process-exporter.
    const [self] = await processWaitChannels([process.pid]);
    const threads = Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const counted = Object.values(self ?? {}).reduce((a, b) => a + b, 0);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(threads + 1);
  });
});

describe('processIter and the summary on this host', () => {
  it('gives memoryPercent from the same statm read as memoryInfo, even for a growing process', async () => {
    const grower = spawn(
      process.execPath,
      ['-e', 'const a = []; setInterval(() => a.push(Buffer.alloc(4 << 20, 1)), 5); setTimeout(() => {}, 5000);'],
      { stdio: 'ignore' },
    );
    try {
      await new Promise((r) => grower.once('spawn', r));
      await new Promise((r) => setTimeout(r, 200));
      const memTotal = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
      let checked = 0;
      for (const p of processIter({ attrs: ['memoryInfo', 'memoryPercent'] })) {
        const { memoryInfo, memoryPercent } = p.info;
        if (memoryInfo === null) {
          expect(memoryPercent).toBeNull();
          continue;
        }
        expect(memoryPercent, `pid ${p.pid}`).toBe((memoryInfo.rss / memTotal) * 100);
        checked++;
      }
      expect(checked).toBeGreaterThan(10);
      // memoryPercent alone is served too (the statm read is added to the scan).
      const mine = [...processIter({ attrs: ['memoryPercent'] })].find((p) => p.pid === process.pid);
      expect(Object.keys(mine?.info ?? {})).toEqual(['memoryPercent']);
      expect(mine?.info.memoryPercent).toBeGreaterThan(0);
    } finally {
      grower.kill('SIGKILL');
    }
  });

  it('yields the same Process object for the same live process', () => {
    const a = [...processIter()].find((p) => p.pid === process.pid);
    const b = [...processIter()].find((p) => p.pid === process.pid);
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(a?.equals(new Process())).toBe(true);
  });

  it('counts like /proc and ps', async () => {
    const s = await processesSummary();
    const ps = run('ps', ['-e', '--no-headers', '-o', 'pid']).trim().split('\n').length;
    const threads = run('ps', ['-eL', '--no-headers', '-o', 'lwp']).trim().split('\n').length;
    expect(Math.abs(s.pids - ps)).toBeLessThanOrEqual(Math.max(10, ps * 0.1));
    expect(Math.abs(s.threads - threads)).toBeLessThanOrEqual(Math.max(20, threads * 0.1));
    expect(s.maxProcesses).toBe(Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')));
    expect(s.maxThreads).toBe(Number(readFileSync('/proc/sys/kernel/threads-max', 'utf8')));
    const stateSum = Object.values(s.states).reduce((a, b) => a + b, 0);
    const threadSum = Object.values(s.threadStates).reduce((a, b) => a + b, 0);
    expect(stateSum).toBe(s.pids);
    expect(Math.abs(threadSum - s.threads)).toBeLessThanOrEqual(Math.max(10, s.threads * 0.05));
  });
});
