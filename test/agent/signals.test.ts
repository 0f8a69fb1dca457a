// Signals to the built CLI (src/cli/signals.ts, src/cli/agent.ts): a SIGHUP while the agent
// starts is queued and reloads once it is ready; SIGUSR1 never opens the Node.js inspector
// (agent and subcommands); SIGTERM exits within its bound while the start is stuck on a
// libuv pool thread (process.exit() alone would never return) or a collector hangs.
//
// No timing: "while starting" is made certain by a config file that is a FIFO, so the
// agent's start blocks reading it until the test writes; a signal is sent once
// /proc/<pid>/status shows the process catches it. Bounds ("exits within 10 s") are
// generous functional limits; the agent's own is 2 s.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, haveCli, httpGet, startAgent, startDaemon, waitFor, type Daemon } from './helpers.js';

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

const SIG = { SIGHUP: 1, SIGUSR1: 10, SIGTERM: 15 } as const;

/** Whether the process has a handler for the signal (SigCgt in /proc/<pid>/status). */
function catches(pid: number, sig: keyof typeof SIG): boolean {
  const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return !!m && ((BigInt(`0x${m[1]}`) >> BigInt(SIG[sig] - 1)) & 1n) === 1n;
}

function waitCatches(d: Daemon, sig: keyof typeof SIG): Promise<true> {
  return waitFor(() => (d.proc.pid && catches(d.proc.pid, sig) ? true : undefined), 30_000, `the process to catch ${sig}`);
}

function exited(d: Daemon): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return Promise.resolve({ code: d.proc.exitCode, signal: d.proc.signalCode });
  return new Promise((resolve) => d.proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Resolves with the exit, or rejects when the process is still running after `ms`. */
function exitWithin(d: Daemon, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    exited(d).finally(() => clearTimeout(t)),
    new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${d.logs()}`)), ms))),
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

const CONFIG = (label: string): string => `poll_interval: 1h\nlabels: {gen: ${label}}\ncollectors: {disk: {enabled: false}, net: {enabled: false}, nic: {enabled: false}}\n`;

describe('signals', () => {
  it('a SIGHUP while the agent starts is queued, not fatal, and reloads once it is ready', async () => {
    if (!haveCli()) return;
    const cfg = fifo();
    const port = await freePort();
    const d = startAgent([`--config.file=${cfg}`, `--web.listen-address=127.0.0.1:${port}`]);
    daemons.push(d);
    await waitCatches(d, 'SIGHUP');
    d.proc.kill('SIGHUP'); // the start is blocked reading the FIFO: certainly not ready
    await writeFile(cfg, CONFIG('one')); // the start reads this...
    await writeFile(cfg, CONFIG('two')); // ...and the queued reload this
    const body = await waitFor(async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
      return r.status === 200 && r.body.includes('gen="two"') ? r.body : undefined;
    }, 30_000, 'the reloaded config');
    expect(body).toMatch(/^hostprobe_config_last_reload_successful\{gen="two"\} 1$/m);
    expect(d.proc.exitCode).toBeNull();
    expect(d.logs()).toContain('SIGHUP received while starting: reloading the config');
    expect(d.logs().match(/config reloaded/g)).toHaveLength(1);
  });

  it('SIGTERM while the start is stuck on a libuv pool thread: exits within the bound', async () => {
    if (!haveCli()) return;
    const cfg = fifo(); // never written: the read stays blocked in open(2) on a pool thread
    const d = startAgent([`--config.file=${cfg}`, '--web.listen-address=127.0.0.1:0']);
    daemons.push(d);
    // Node catches SIGTERM from its first instruction (to restore a terminal); the CLI's own
    // handlers are installed together with its SIGHUP one.
    await waitCatches(d, 'SIGHUP');
    d.proc.kill('SIGTERM');
    const r = await exitWithin(d, 10_000);
    expect(r).toEqual({ code: 0, signal: null });
    expect(d.logs()).toContain('msg="shutting down" signal=SIGTERM');
    expect(d.logs()).toContain('shutdown did not finish in time');
  });

  it('SIGTERM while a collector hangs: exits within the bound', async () => {
    if (!haveCli()) return;
    const port = await freePort();
    const d = startAgent([`--web.listen-address=127.0.0.1:${port}`, '--poll.interval=1h', '--collector.timeout=30s'], { HOSTPROBE_TEST_FAULTS: 'host=hang' });
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
    await waitCatches(d, 'SIGUSR1');
    d.proc.kill('SIGUSR1');
    await waitFor(() => (d.logs().includes('SIGUSR1 ignored') ? true : undefined), 30_000, 'the SIGUSR1 log line');
    expect(listeningPorts(d.proc.pid as number)).toEqual([]);
    await writeFile(cfg, CONFIG('one'));
    const r = await exitWithin(d, 30_000);
    expect(r).toEqual({ code: 0, signal: null });
    expect(d.logs()).toContain(`${cfg}: OK`);
    expect(d.logs()).not.toContain('Debugger listening');
  });
});
