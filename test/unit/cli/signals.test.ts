// Signals to the built CLI (src/cli/signals.ts, src/cli/agent.ts): a SIGHUP while the agent
// starts is queued and reloads once it is ready; SIGUSR1 never opens the Node.js inspector
// (agent and subcommands); SIGTERM exits within its bound while the start is stuck on a
// libuv pool thread (process.exit() alone would never return) or a collector hangs.
//
// No timing: "while starting" is made certain by a config file that is a FIFO, so the
// agent's start blocks reading it until the test writes; a signal is sent once the process
// has opened the FIFO (its handlers are installed before that). Bounds ("exits within
// 10 s") are generous functional limits; the agent's own is 2 s.
import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, tool } from '../../helpers/tools.js';
import { CLI, freePort, haveCli, httpGet, parseFamilies, startAgent, startDaemon, waitFor, type Daemon } from '../../helpers/agent.js';

let dir = '';
let n = 0;
const daemons: Daemon[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostprobe-signals-'));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fifo(): string {
  const p = join(dir, `config-${++n}.yaml`);
  execFileSync('mkfifo', [p]);
  return p;
}

/**
 * Opens the FIFO for writing once the process has opened it for reading (a non-blocking
 * open fails with ENXIO until then): from then on the process is certainly blocked in that
 * read, on a libuv pool thread. The process reads what is written once the fd is closed.
 */
function openWriterWhenRead(path: string): Promise<number> {
  return waitFor(
    () => {
      try {
        return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENXIO') return undefined;
        throw e;
      }
    },
    30_000,
    `a reader of ${path}`,
  );
}

function writeAndClose(fd: number, text: string): void {
  writeSync(fd, text);
  closeSync(fd);
}

const SIG = { SIGHUP: 1, SIGUSR1: 10, SIGTERM: 15 } as const;

/** Whether the process has a handler for the signal (SigCgt in /proc/<pid>/status). */
function catches(pid: number, sig: keyof typeof SIG): boolean {
  const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return !!m && ((BigInt(`0x${m[1]}`) >> BigInt(SIG[sig] - 1)) & 1n) === 1n;
}

function exited(d: Daemon): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return Promise.resolve({ code: d.proc.exitCode, signal: d.proc.signalCode });
  return new Promise((resolve) => d.proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The process's threads: name, state and kernel wait channel (for a failure message). */
function threads(pid: number | undefined): string {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((t) => {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
        let wchan = '';
        try {
          wchan = readFileSync(`/proc/${pid}/task/${t}/wchan`, 'utf8');
        } catch {
          // not readable
        }
        return `${t} ${comm} ${state} ${wchan}`;
      })
      .join('\n');
  } catch (e) {
    return String(e);
  }
}

/** Resolves with the exit, or rejects when the process is still running after `ms`. */
function exitWithin(d: Daemon, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    exited(d).finally(() => clearTimeout(t)),
    new Promise<never>(
      (_, reject) =>
        (t = setTimeout(
          () => reject(new Error(`still running ${ms} ms after the signal:\n${d.logs()}\nthreads:\n${threads(d.proc.pid)}`)),
          ms,
        )),
    ),
  ]);
}

/** TCP ports the process listens on (its socket fds matched against /proc/net/tcp{,6}). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    } catch {
      // the fd closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c[3] === '0A' && inodes.has(c[9] as string)) ports.push(parseInt((c[1] as string).split(':')[1] as string, 16));
    }
  }
  return ports;
}

const CONFIG = (label: string): string =>
  `poll_interval: 1h\nlabels: {gen: ${label}}\ncollectors: {disk: {enabled: false}, net: {enabled: false}, nic: {enabled: false}}\n`;

describe('signals', () => {
  it('a SIGHUP while the agent starts is queued, not fatal, and reloads once it is ready', async () => {
    if (!haveCli()) return;
    const cfg = fifo();
    const port = await freePort();
    const d = startAgent([`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`]);
    daemons.push(d);
    const fd = await openWriterWhenRead(cfg);
    expect(catches(d.proc.pid as number, 'SIGHUP')).toBe(true);
    d.proc.kill('SIGHUP'); // the start is blocked reading the FIFO: certainly not ready
    writeAndClose(fd, CONFIG('one')); // the start reads this...
    await waitFor(() => (d.logs().includes('SIGHUP received while starting') ? true : undefined), 30_000, 'the queued reload');
    await writeFile(cfg, CONFIG('two')); // ...and the queued reload this
    const body = await waitFor(
      async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 && r.body.includes('gen="two"') ? r.body : undefined;
      },
      30_000,
      'the reloaded config',
    );
    expect(body).toMatch(/^hostprobe_config_last_reload_successful\{gen="two"\} 1$/m);
    expect(d.proc.exitCode).toBeNull();
    expect(d.logs()).toContain('SIGHUP received while starting: reloading the config');
    expect(d.logs().match(/config reloaded/g)).toHaveLength(1);
  });

  it('SIGTERM while the start is stuck on a libuv pool thread: exits within the bound', async () => {
    if (!haveCli()) return;
    const cfg = fifo();
    const d = startAgent([`--config.file=${cfg}`, '--web.listen-address=127.0.0.1:0']);
    daemons.push(d);
    // Opened, never written: the start's read stays blocked on a pool thread.
    const fd = await openWriterWhenRead(cfg);
    d.proc.kill('SIGTERM');
    const r = await exitWithin(d, 10_000).finally(() => closeSync(fd));
    expect(r).toEqual({ code: 0, signal: null });
    expect(d.logs()).toContain('msg="shutting down" signal=SIGTERM');
    expect(d.logs()).toContain('shutdown did not finish in time');
  });

  it('SIGTERM while a collector hangs: exits within the bound', async () => {
    if (!haveCli()) return;
    const port = await freePort();
    const d = startAgent([`--web.listen-address=127.0.0.1:${port}`, '--poll.interval=1h', '--collector.timeout=30s'], {
      HOSTPROBE_TEST_FAULTS: 'host=hang',
    });
    daemons.push(d);
    await waitFor(() => (d.logs().includes('msg=listening') ? true : undefined), 30_000, 'listening');
    d.proc.kill('SIGTERM'); // the first poll waits for the hung collector (deadline 30 s)
    const r = await exitWithin(d, 10_000);
    expect(r).toEqual({ code: 0, signal: null });
  });

  it('SIGUSR1 does not open the inspector in the agent', async () => {
    if (!haveCli()) return;
    const port = await freePort();
    const d = startAgent([`--web.listen-address=127.0.0.1:${port}`, '--poll.interval=1h']);
    daemons.push(d);
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'ready');
    d.proc.kill('SIGUSR1');
    await waitFor(() => (d.logs().includes('SIGUSR1 ignored') ? true : undefined), 30_000, 'the SIGUSR1 log line');
    expect(d.logs()).not.toContain('Debugger listening');
    expect(listeningPorts(d.proc.pid as number)).toEqual([port]);
    expect((await httpGet(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('SIGUSR1 does not open the inspector in a subcommand (check-config)', async () => {
    if (!haveCli()) return;
    const cfg = fifo();
    const d = startDaemon(process.execPath, [CLI, 'check-config', cfg]);
    daemons.push(d);
    // Node itself catches SIGUSR1 from its start (that is how it opens the inspector), so
    // SigCgt cannot tell when the CLI's handler is there; reading the config comes after it.
    const fd = await openWriterWhenRead(cfg);
    d.proc.kill('SIGUSR1');
    await waitFor(() => (d.logs().includes('SIGUSR1 ignored') ? true : undefined), 30_000, 'the SIGUSR1 log line');
    expect(listeningPorts(d.proc.pid as number)).toEqual([]);
    writeAndClose(fd, CONFIG('one'));
    const r = await exitWithin(d, 30_000);
    expect(r).toEqual({ code: 0, signal: null });
    expect(d.logs()).toContain(`${cfg}: OK`);
    expect(d.logs()).not.toContain('Debugger listening');
  });
});

// The FUSE file system of test/e2e/resilience.test.ts whose statfs never returns
// (test/fixtures/disk-fuse/stuckfs.py), in a private mount namespace only the agent joins.
const python = tool('python3', 'apt-get install python3', ['/usr/bin/python3']);
const fuse = {
  path: existsSync('/dev/fuse') ? '/dev/fuse' : null,
  reason: '/dev/fuse missing (modprobe fuse; a container needs --device /dev/fuse and CAP_SYS_ADMIN)',
};
const root = { path: process.getuid?.() === 0 ? 'root' : null, reason: 'the stuck-mount test needs root (mount(2) of a FUSE file system)' };
const unshare = tool('unshare', 'apt-get install util-linux');
const nsenter = tool('nsenter', 'apt-get install util-linux');

describe('SIGTERM while a statfs hangs on a FUSE mount', () => {
  it('the agent stops serving and exits within the bound, but the thread in the FUSE request', async () => {
    if (!haveCli() || !haveTool(python) || !haveTool(fuse) || !haveTool(root) || !haveTool(unshare) || !haveTool(nsenter)) return;
    const mnt = mkdtempSync(join(tmpdir(), 'hostprobe-signals-stuck-'));
    const helper = spawn(
      unshare.path,
      ['--mount', '--propagation', 'private', python.path, join(FIXTURES, 'disk-fuse', 'stuckfs.py'), mnt],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const lines: string[] = [];
    createInterface({ input: helper.stdout }).on('line', (l) => lines.push(l));
    try {
      await waitFor(
        () => {
          if (helper.exitCode !== null || lines.some((l) => l.startsWith('error'))) throw new Error(`stuckfs failed: ${lines.join(' | ')}`);
          return lines.includes('ready') ? true : undefined;
        },
        30_000,
        'stuckfs ready',
      );
      const port = await freePort();
      const d = startDaemon(nsenter.path, [
        `--target=${helper.pid}`,
        '--mount',
        process.execPath,
        CLI,
        `--web.listen-address=127.0.0.1:${port}`,
        '--poll.interval=200ms',
        '--collector.filesystem.mount-timeout=500ms',
        `--collector.filesystem.mount-points-include=^${mnt}$`,
      ]);
      daemons.push(d);
      // The statfs is stuck: the mount is reported with device_error 1.
      await waitFor(
        async () => {
          const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
          const s = parseFamilies(r.body)
            .get('node_filesystem_device_error')
            ?.samples.find((x) => x.labels.mountpoint === mnt);
          return s?.value === 1 ? true : undefined;
        },
        30_000,
        'the mount reported stuck',
      );
      expect(lines.filter((l) => l.startsWith('statfs ')).length).toBe(1);
      d.proc.kill('SIGTERM');
      // Within the bound the agent has stopped serving and exited, all but the thread inside
      // the FUSE request, which the kernel holds (uninterruptibly, SIGKILL included) until
      // the daemon answers: the process is reaped then.
      const pid = d.proc.pid as number;
      const states = (): string[] =>
        threads(pid)
          .split('\n')
          .map((l) => l.split(' ')[2] ?? '?');
      await waitFor(() => (states()[0] === 'Z' ? true : undefined), 10_000, 'the main thread to exit');
      expect(states().slice(1)).toEqual(['D']);
      expect(threads(pid)).toMatch(/ D request_wait_answer/);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(d.logs()).toContain('msg="shutting down" signal=SIGTERM');
      helper.stdin.write('release\n');
      const r = await exitWithin(d, 10_000);
      expect(r).toEqual({ code: 0, signal: null });
    } finally {
      if (helper.exitCode === null) {
        helper.stdin.end();
        helper.kill('SIGKILL');
      }
      try {
        rmdirSync(mnt);
      } catch {
        // the mount was only in the helper's namespace; the directory may still be busy
      }
    }
  });
});
