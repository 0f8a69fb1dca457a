// Loud failures of the running agent:
// - a FIFO in place of <procfs>/meminfo (which used to freeze the whole agent, /healthz and
//   SIGTERM included): the agent keeps serving, the mem collector reports success 0 with the
//   path and the reason, logs it once, counts it in hostprobe_collector_errors_total, and
//   SIGTERM stops the agent (within the helper's 10 s bound, before its SIGKILL);
// - a root that is not what it claims (a --path.procfs without stat, a --path.sysfs that is
//   not sysfs, a --path.rootfs that does not exist, or the same in the config file): the
//   agent and `hostprobe metrics` refuse with exit 2 and one line naming the flag or key and
//   the path.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { createLogger } from '../../src/logger.js';
import { FIXTURES } from '../helpers/tools.js';
import { freePort, haveCli, httpGet, parseFamilies, runCli, startAgent, waitFor, type Daemon } from '../helpers/agent.js';

const tmp = mkdtempSync(join(tmpdir(), 'hp-loud-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a FIFO in place of meminfo', () => {
  const tree = join(tmp, 'fifo-tree');
  let agent: Daemon | undefined;
  let port = 0;

  beforeAll(async () => {
    if (!haveCli()) return;
    cpSync(join(FIXTURES, 'agent-e2e'), tree, { recursive: true, verbatimSymlinks: true });
    unlinkSync(join(tree, 'proc', 'meminfo'));
    expect(spawnSync('mkfifo', [join(tree, 'proc', 'meminfo')]).status).toBe(0);
    port = await freePort();
    agent = startAgent([
      `--path.procfs=${tree}/proc`,
      `--path.sysfs=${tree}/sys`,
      `--path.rootfs=${tree}/root`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--poll.interval=200ms',
    ]);
    await waitFor(async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined), 30_000, 'readyz');
  });

  afterAll(async () => {
    await agent?.stop('SIGKILL');
  });

  it('keeps serving, reports mem failed with the path, logs it once, and stops on SIGTERM', async () => {
    if (!agent) return;
    expect((await httpGet(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // Several polls, so that "logged once" and the counter are meaningful.
    const fams = await waitFor(
      async () => {
        const f = parseFamilies((await httpGet(`http://127.0.0.1:${port}/metrics`)).body);
        const polls = f.get('hostprobe_polls_total')?.samples[0]?.value ?? 0;
        return polls >= 3 ? f : undefined;
      },
      30_000,
      'three polls',
    );
    const success = (c: string): number | undefined =>
      fams.get('node_scrape_collector_success')?.samples.find((s) => s.labels.collector === c)?.value;
    expect(success('mem')).toBe(0);
    for (const c of ['cpu', 'disk', 'host', 'net', 'nic']) expect(success(c), c).toBe(1);
    const errors = fams.get('hostprobe_collector_errors_total')?.samples.find((s) => s.labels.collector === 'mem')?.value ?? 0;
    const polls = fams.get('hostprobe_polls_total')?.samples[0]?.value ?? 0;
    expect(errors).toBeGreaterThanOrEqual(3);
    expect(errors).toBeLessThanOrEqual(polls);
    expect(fams.get('hostprobe_collector_errors_total')?.samples.find((s) => s.labels.collector === 'cpu')?.value).toBe(0);
    expect(fams.has('node_memory_MemTotal_bytes')).toBe(false);
    expect(fams.has('node_load1')).toBe(true);
    expect((await httpGet(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const code = await agent.stop('SIGTERM');
    expect(code).toBe(0); // exited on SIGTERM itself, not the helper's SIGKILL after 10 s
    const warned = agent
      .logs()
      .split('\n')
      .filter((l) => l.includes('collector failed') && l.includes('collector=mem'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(`${tree}/proc/meminfo: not a regular file (a FIFO)`);
  });
});

describe('roots that are not what they claim', () => {
  const notProc = join(tmp, 'not-proc');
  const notSys = join(tmp, 'not-sys');
  beforeAll(() => {
    mkdirSync(notProc, { recursive: true });
    mkdirSync(notSys, { recursive: true });
    writeFileSync(join(notProc, 'meminfo'), 'MemTotal: 1 kB\n');
  });
  const fix = join(FIXTURES, 'agent-e2e');
  const good = [`--path.procfs=${fix}/proc`, `--path.sysfs=${fix}/sys`, `--path.rootfs=${fix}/root`];

  const cases: [string, string[], string][] = [
    [
      'a procfs without stat',
      [...good, `--path.procfs=${notProc}`],
      `hostprobe: --path.procfs=${notProc}: not a procfs: it has no stat file\n`,
    ],
    [
      'a sysfs that is not sysfs',
      [...good, `--path.sysfs=${notSys}`],
      `hostprobe: --path.sysfs=${notSys}: not a sysfs: not a sysfs mount and it has neither devices/ nor class/\n`,
    ],
    ['a rootfs that does not exist', [...good, `--path.rootfs=${tmp}/nope`], `hostprobe: --path.rootfs=${tmp}/nope: does not exist\n`],
  ];

  it.each(cases)('hostprobe metrics refuses %s with exit 2 and one line', (_what, args, line) => {
    if (!haveCli()) return;
    const r = runCli(['metrics', ...args]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(line);
  });

  it.each(cases)('the agent refuses %s with exit 2 and one line, before listening', async (_what, args, line) => {
    if (!haveCli()) return;
    const port = await freePort();
    const r = runCli([...args, `--web.listen-address=127.0.0.1:${port}`], {}, 30_000);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(line);
  });

  it('names the config key and file when the root comes from the config', () => {
    if (!haveCli()) return;
    const file = join(tmp, 'bad-root.yaml');
    writeFileSync(file, `paths:\n  procfs: ${notProc}\n  sysfs: ${fix}/sys\n  rootfs: ${fix}/root\n`);
    const r = runCli(['metrics', `--config.file=${file}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`hostprobe: ${file}: paths.procfs=${notProc}: not a procfs: it has no stat file\n`);
  });
});

describe('a reload to a bad root', () => {
  it('fails with the key and path, and the running config (and its roots) stay', async () => {
    const fix = join(FIXTURES, 'agent-e2e');
    const notProc = join(tmp, 'reload-not-proc');
    mkdirSync(notProc, { recursive: true });
    const file = join(tmp, 'reload.yaml');
    const yaml = (procfs: string): string =>
      `poll_interval: 1h\nhttp:\n  address: 127.0.0.1\n  port: 0\npaths:\n  procfs: ${procfs}\n  sysfs: ${fix}/sys\n  rootfs: ${fix}/root\n`;
    writeFileSync(file, yaml(`${fix}/proc`));
    const logs: string[] = [];
    const agent = new Agent({ configFile: file, logger: createLogger({ level: 'info', write: (l: string) => logs.push(l) }) });
    try {
      await agent.start();
      writeFileSync(file, yaml(notProc));
      expect(await agent.reload()).toBe(false);
      expect(agent.config.paths.procfs).toBe(`${fix}/proc`);
      const failed = logs.filter((l) => l.includes('config reload failed'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toContain(`paths.procfs=${notProc}: not a procfs: it has no stat file`);
    } finally {
      await agent.stop();
    }
  });
});
