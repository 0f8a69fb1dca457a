// The running agent under trouble: collectors that fail, hang or half-fail (injected with the
// test-only HOSTPROBE_TEST_FAULTS) do not break a scrape; a mount whose statfs never returns
// (a FUSE file system, test/fixtures/disk-fuse/stuckfs.py) does not stall polls and shows
// device_error 1 until it answers; SIGHUP reloads the config and a bad reload keeps the
// running one.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, haveTool, tool } from '../helpers/tools.js';
import {
  CLI,
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  startAgent,
  startDaemon,
  waitFor,
  type Daemon,
  type Family,
} from '../helpers/agent.js';

async function scrape(port: number): Promise<Map<string, Family>> {
  const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
  expect(r.status).toBe(200);
  return parseFamilies(r.body);
}

const value = (f: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined =>
  f.get(name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('failing, hanging and half-failing collectors', () => {
  let agent: Daemon | undefined;
  let port = 0;

  beforeAll(async () => {
    if (!haveCli()) return;
    port = await freePort();
    // The deadline is generous: the healthy collectors must finish within it on a loaded
    // machine too (only the hung one may miss it).
    agent = startAgent([`--web.listen-address=127.0.0.1:${port}`, '--poll.interval=300ms', '--collector.timeout=5s'], {
      HOSTPROBE_TEST_FAULTS: 'cpu=fail,net=hang,host=partial',
    });
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'ready');
  });

  afterAll(async () => {
    await agent?.stop();
  });

  it('scrapes keep working and report each collector as node_exporter does', async () => {
    if (!agent) return;
    // Several polls, including ones where the hung collector is still pending.
    await waitFor(async () => ((value(await scrape(port), 'hostprobe_polls_total') ?? 0) >= 4 ? true : undefined), 30_000, 'four polls');
    const f = await scrape(port);
    expect(value(f, 'node_scrape_collector_success', { collector: 'cpu' })).toBe(0);
    expect(value(f, 'node_scrape_collector_success', { collector: 'net' })).toBe(0);
    expect(value(f, 'node_scrape_collector_success', { collector: 'host' })).toBe(0);
    for (const c of ['mem', 'disk', 'nic']) expect(value(f, 'node_scrape_collector_success', { collector: c }), c).toBe(1);
    // The hung collector is reported with its deadline.
    expect(value(f, 'node_scrape_collector_duration_seconds', { collector: 'net' })).toBeLessThanOrEqual(5);
    // A failed collector publishes nothing, a half-failed one what it read, the others everything.
    expect(f.has('node_cpu_seconds_total')).toBe(false);
    expect(f.has('node_network_receive_bytes_total')).toBe(false);
    expect(f.has('node_uname_info')).toBe(true);
    expect(f.has('node_memory_MemTotal_bytes')).toBe(true);
    expect(f.has('node_filesystem_size_bytes')).toBe(true);
    expect(f.has('node_network_up')).toBe(true);
    expect(value(f, 'hostprobe_last_successful_poll_timestamp_seconds')).toBe(0);
    // The landing page says why.
    const landing = (await httpGet(`http://127.0.0.1:${port}/`)).body;
    expect(landing).toContain('failed: injected failure');
    expect(landing).toMatch(/failed: (timed out after 5s|previous run still in progress)/);
  });
});

// ---------------------------------------------------------------------------------------

const python = tool('python3', 'apt-get install python3', ['/usr/bin/python3']);
const fuse = {
  path: existsSync('/dev/fuse') ? '/dev/fuse' : null,
  reason: '/dev/fuse missing (modprobe fuse; a container needs --device /dev/fuse and CAP_SYS_ADMIN)',
};
const root = { path: process.getuid?.() === 0 ? 'root' : null, reason: 'the stuck-mount test needs root (mount(2) of a FUSE file system)' };
const unshare = tool('unshare', 'apt-get install util-linux');
const nsenter = tool('nsenter', 'apt-get install util-linux');

describe('a mount whose statfs never returns', () => {
  let helper: ChildProcessWithoutNullStreams | undefined;
  let agent: Daemon | undefined;
  let mnt = '';
  let port = 0;
  const lines: string[] = [];
  const statfsCount = (): number => lines.filter((l) => l.startsWith('statfs ')).length;

  beforeAll(async () => {
    if (!haveCli() || !haveTool(python) || !haveTool(fuse) || !haveTool(root) || !haveTool(unshare) || !haveTool(nsenter)) return;
    mnt = mkdtempSync(join(tmpdir(), 'hostprobe-agent-stuck-'));
    // The FUSE mount lives in a private mount namespace that only the agent joins (nsenter),
    // so nothing else on the machine (a df, another test) sends it a statfs.
    const h = spawn(unshare.path, ['--mount', '--propagation', 'private', python.path, join(FIXTURES, 'disk-fuse', 'stuckfs.py'), mnt], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    helper = h;
    createInterface({ input: h.stdout }).on('line', (l) => lines.push(l));
    await waitFor(
      () => {
        if (h.exitCode !== null || lines.some((l) => l.startsWith('error'))) throw new Error(`stuckfs failed: ${lines.join(' | ')}`);
        return lines.includes('ready') ? true : undefined;
      },
      30_000,
      'stuckfs ready',
    );
    port = await freePort();
    agent = startDaemon(nsenter.path, [
      `--target=${h.pid}`,
      '--mount',
      process.execPath,
      CLI,
      `--web.listen-address=127.0.0.1:${port}`,
      '--poll.interval=200ms',
      // Generous: / must answer within it on a loaded machine too (only the FUSE mount may not).
      '--collector.filesystem.mount-timeout=2s',
      `--collector.filesystem.mount-points-include=^(/|${mnt})$`,
    ]);
  }, 60_000);

  afterAll(async () => {
    // The FUSE side goes first: a process with a thread stuck in statfs cannot finish
    // exiting until that call returns (closing /dev/fuse makes it return ENOTCONN).
    if (helper && helper.exitCode === null) {
      helper.stdin.end();
      helper.kill('SIGKILL');
    }
    await agent?.stop();
    if (mnt) {
      // The mount was only in the helper's namespace; the directory is ours.
      try {
        rmdirSync(mnt);
      } catch {
        // ignore
      }
    }
  });

  it('polls go on, the mount shows device_error 1, one statfs only, and it recovers', async () => {
    if (!agent || !helper) return;
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'ready');
    const stuck = await waitFor(
      async () => {
        const f = await scrape(port);
        return value(f, 'node_filesystem_device_error', { mountpoint: mnt }) === 1 ? f : undefined;
      },
      30_000,
      'the mount reported stuck',
    );
    expect(stuck.get('node_filesystem_device_error')?.samples.find((s) => s.labels.mountpoint === mnt)?.labels).toMatchObject({
      device_error: 'mountpoint timeout',
      fstype: 'fuse.hostprobe',
    });
    expect(value(stuck, 'node_filesystem_size_bytes', { mountpoint: mnt })).toBeUndefined();
    expect(value(stuck, 'node_filesystem_size_bytes', { mountpoint: '/' })).toBeGreaterThan(0);
    expect(value(stuck, 'node_scrape_collector_success', { collector: 'disk' })).toBe(1);
    // Polls keep completing while the statfs hangs, and no second statfs piles up.
    const before = value(stuck, 'hostprobe_polls_total') ?? 0;
    await waitFor(
      async () => ((value(await scrape(port), 'hostprobe_polls_total') ?? 0) >= before + 5 ? true : undefined),
      30_000,
      'five more polls',
    );
    const still = await scrape(port);
    expect(value(still, 'node_filesystem_device_error', { mountpoint: mnt })).toBe(1);
    expect(statfsCount()).toBe(1);

    // The mount answers: the hung statfs returns, and the next polls stat it again.
    helper.stdin.write('release\n');
    const ok = await waitFor(
      async () => {
        const f = await scrape(port);
        return value(f, 'node_filesystem_device_error', { mountpoint: mnt }) === 0 ? f : undefined;
      },
      30_000,
      'the mount recovered',
    );
    // stuckfs answers blocks=1000 bfree=600 bavail=500 files=100 ffree=40, 4 KiB blocks.
    expect(value(ok, 'node_filesystem_size_bytes', { mountpoint: mnt })).toBe(1000 * 4096);
    expect(value(ok, 'node_filesystem_free_bytes', { mountpoint: mnt })).toBe(600 * 4096);
    expect(value(ok, 'node_filesystem_avail_bytes', { mountpoint: mnt })).toBe(500 * 4096);
    expect(value(ok, 'node_filesystem_files', { mountpoint: mnt })).toBe(100);
    expect(value(ok, 'node_filesystem_files_free', { mountpoint: mnt })).toBe(40);
    expect(agent.logs()).toContain('mount point timed out, it is being labeled as stuck and will not be monitored');
  });
});

// ---------------------------------------------------------------------------------------

describe('SIGHUP reload', () => {
  let agent: Daemon | undefined;
  let port = 0;
  let dir = '';
  let file = '';

  const write = (labelValue: string, extra = ''): void =>
    writeFileSync(file, `poll_interval: 200ms\nlabels:\n  role: ${labelValue}\ncollectors:\n  disk:\n    enabled: false\n${extra}`);

  beforeAll(async () => {
    if (!haveCli()) return;
    dir = mkdtempSync(join(tmpdir(), 'hostprobe-reload-'));
    file = join(dir, 'hostprobe.yaml');
    write('one');
    port = await freePort();
    agent = startAgent([`--config.file=${file}`, `--web.listen-address=127.0.0.1:${port}`]);
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'ready');
  });

  afterAll(async () => {
    await agent?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('applies a valid config and keeps the running one when the new one is invalid', async () => {
    if (!agent) return;
    const role = async (): Promise<string | undefined> => (await scrape(port)).get('node_load1')?.samples[0]?.labels.role;
    expect(await role()).toBe('one');
    expect((await scrape(port)).has('node_filesystem_size_bytes')).toBe(false);

    write('two', 'log:\n  level: debug\n');
    agent.proc.kill('SIGHUP');
    await waitFor(async () => ((await role()) === 'two' ? true : undefined), 30_000, 'the new label');

    writeFileSync(file, 'poll_interval: 200ms\nlabels:\n  role: three\ncolectors: {}\n');
    agent.proc.kill('SIGHUP');
    await waitFor(
      () => (agent?.logs().includes('config reload failed, keeping the running config') ? true : undefined),
      30_000,
      'the reload error',
    );
    expect(agent.logs()).toContain(`${file}:4:1: colectors: unknown key \\"colectors\\"`);
    // Still serving, still the previous config.
    const polls = value(await scrape(port), 'hostprobe_polls_total') ?? 0;
    await waitFor(
      async () => ((value(await scrape(port), 'hostprobe_polls_total') ?? 0) > polls + 2 ? true : undefined),
      30_000,
      'more polls',
    );
    expect(await role()).toBe('two');
    expect(agent.proc.exitCode).toBeNull();

    // SIGTERM stops it cleanly.
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(agent.logs()).toContain('shutting down');
  });
});
