// The process collector against real processes: children with known comm/argv (copies of
// sleep and bash under a per-run name, node children with a distinctive argv), polled
// through the collector, and once through the built CLI's `metrics` one-shot with promtool.
// Checks: num_procs, templated names, first match wins, exe rules, children attribution,
// counters that never go backwards when a member exits, empty-group removal, the
// max_groups overflow group, top-N with pid labels, node_processes_* against ps.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Collector } from '../../../src/contract/collector.js';
import type { ProcessGroupReading, ProcessReading } from '../../../src/contract/snapshot.js';
import { create } from '../../../src/collectors/process.js';
import { checkConfigText } from '../../../src/config/load.js';
import type { AgentConfig, ProcessCollectorConfig } from '../../../src/config/types.js';
import { nullLogger } from '../../../src/logger.js';
import { resolveRoots } from '../../../src/roots.js';
import { haveTool, tool } from '../../helpers/tools.js';
import { OtlpMetricsBuilder, ResourceCache } from '../../../src/sinks/otlp/index.js';
import { fakeSnapshot, haveCli, parseExposition, promtoolCheck, promtoolOk, runCli, waitFor } from '../../helpers/agent.js';

const TAG = `hp${process.pid.toString(36).slice(-3)}${Math.floor(Math.random() * 1296).toString(36)}`;
let dir = '';
/** Copies of sleep and bash whose comm (and argv[0] basename) is unique to this run. */
let SLEEP = '';
let SLEEP2 = '';
let SHELL = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hp-process-'));
  SLEEP = join(dir, `${TAG}s`);
  SLEEP2 = join(dir, `${TAG}z`);
  SHELL = join(dir, `${TAG}sh`);
  for (const [src, dst] of [
    ['/bin/sleep', SLEEP],
    ['/bin/sleep', SLEEP2],
    ['/bin/bash', SHELL],
  ] as const) {
    copyFileSync(src, dst);
    chmodSync(dst, 0o755);
  }
});

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => kill(c)));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(cmd: string, args: string[]): ChildProcess {
  // Its own process group, so killing it also kills what it started.
  const c = spawn(cmd, args, { stdio: 'ignore', detached: true });
  children.push(c);
  return c;
}

function kill(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    try {
      process.kill(-(c.pid as number), 'SIGKILL');
    } catch {
      c.kill('SIGKILL');
    }
  });
}

/** A node child idling with `--hp-tag=<TAG> --hp-role=<role>` in its argv. */
function nodeChild(role: string, script = 'setInterval(() => {}, 1000)'): ChildProcess {
  return start(process.execPath, ['-e', script, '--', `--hp-tag=${TAG}`, `--hp-role=${role}`]);
}

/** Waits until /proc/<pid>/cmdline shows the exec'd program (spawn returns before exec). */
async function execd(c: ChildProcess, argv0: string): Promise<number> {
  const pid = c.pid as number;
  await waitFor(
    () => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === argv0 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    10_000,
    `pid ${pid} to exec ${argv0}`,
  );
  return pid;
}

async function processConfig(yaml: string): Promise<{ agent: AgentConfig; config: ProcessCollectorConfig }> {
  const text = `collectors:\n  process:\n    enabled: true\n${yaml.replace(/^/gm, '    ')}\n`;
  const { config, issues } = await checkConfigText(text, 'test.yaml');
  if (!config) throw new Error(`config rejected: ${JSON.stringify(issues)}\n${text}`);
  return { agent: config, config: config.collectors.process };
}

interface Polling {
  poll(): Promise<ProcessReading>;
  collector: Collector<'process'>;
}

async function collectorFor(yaml: string): Promise<Polling> {
  const { agent, config } = await processConfig(yaml);
  const collector = await create(config, nullLogger);
  return {
    collector,
    async poll() {
      const failures: string[] = [];
      const r = await collector.collect({
        roots: resolveRoots(),
        config,
        agent,
        signal: new AbortController().signal,
        deadline: Date.now() + 60_000,
        logger: nullLogger,
        now: () => Date.now(),
        partFailed: (part, e) => failures.push(`${part}: ${String(e)}`),
      });
      expect(failures).toEqual([]);
      return r;
    },
  };
}

function group(r: ProcessReading, name: string): ProcessGroupReading | undefined {
  return r.groups?.find((g) => g.name === name);
}

/** utime+stime of a pid in seconds, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const hz = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (Number(f[11]) + Number(f[12])) / hz;
}

describe('process groups (process-exporter compatible)', () => {
  it('counts members and renders templated names from comm, argv[0], pid and cmdline captures', async () => {
    const sleeps = [start(SLEEP, ['1000']), start(SLEEP, ['1001']), start(SLEEP, ['1002'])];
    const nodes = [nodeChild('alpha'), nodeChild('alpha'), nodeChild('beta')];
    await Promise.all(sleeps.map((c) => execd(c, SLEEP)));
    const { poll } = await collectorFor(`
groups:
  - name: "{{.ExeBase}}:{{.Matches.role}}"
    cmdline: ['--hp-tag=${TAG} --hp-role=(?P<role>\\w+)']
  - name: "c={{.Comm}} full={{.ExeFull}} user={{.Username}}"
    comm: [${TAG}s]
    cmdline: ['\\s1000$']
  - name: "pid-{{.PID}}"
    comm: [${TAG}s]
`);
    const r = await poll();
    expect(group(r, 'node:alpha')?.numProcs).toBe(2);
    expect(group(r, 'node:beta')?.numProcs).toBe(1);
    const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
    const first = group(r, `c=${TAG}s full=${SLEEP} user=${user}`);
    expect(first?.numProcs).toBe(1);
    expect(group(r, `pid-${sleeps[1]?.pid}`)?.numProcs).toBe(1);
    expect(group(r, `pid-${sleeps[2]?.pid}`)?.numProcs).toBe(1);
    expect(group(r, `pid-${sleeps[0]?.pid}`)).toBeUndefined(); // taken by the earlier item
    expect(r.groups).toHaveLength(5);
    // Gauges are real: threads, memory, fds, start time, states.
    const beta = group(r, 'node:beta') as ProcessGroupReading;
    const pid = nodes[2]?.pid as number;
    expect(beta.numThreads).toBeGreaterThan(1);
    expect(beta.residentBytes).toBeGreaterThan(1 << 20);
    expect(beta.virtualBytes).toBeGreaterThan(beta.residentBytes);
    expect(beta.openFds).toBeGreaterThanOrEqual(3);
    expect(beta.worstFdRatio).toBeGreaterThan(0);
    expect(beta.worstFdRatio).toBeLessThan(1);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    expect(stat).toContain(`${pid} (`);
    expect(Math.abs(beta.oldestStartTimeSeconds - Date.now() / 1000)).toBeLessThan(120);
    const st = beta.states;
    // Every thread once, plus the multi-threaded member's own state (its main thread again), as process-exporter.
    expect((st.Running ?? 0) + (st.Sleeping ?? 0) + (st.Waiting ?? 0) + (st.Zombie ?? 0) + (st.Other ?? 0)).toBe(beta.numThreads + 1);
    expect(r.skipped).toBeDefined();
  });

  it('gives a process to the first matching item only, and applies exe rules as process-exporter', async () => {
    const sleeps = [start(SLEEP, ['1000']), start(SLEEP, ['1000'])];
    const other = start(SLEEP2, ['1000']);
    await Promise.all([...sleeps.map((c) => execd(c, SLEEP)), execd(other, SLEEP2)]);
    const { poll } = await collectorFor(`
groups:
  - name: by-full-path-elsewhere
    exe: [/nonexistent/${TAG}s]
  - name: first
    exe: [${TAG}s]
  - name: second
    comm: [${TAG}s, ${TAG}z]
  - name: by-full-path
    exe: [${SLEEP2}]
`);
    const r = await poll();
    expect(group(r, 'by-full-path-elsewhere')).toBeUndefined();
    expect(group(r, 'first')?.numProcs).toBe(2);
    expect(group(r, 'second')?.numProcs).toBe(1); // the z copy: comm matches, before the exe rule
    expect(group(r, 'by-full-path')).toBeUndefined();
  });

  it("attributes an unmatched process to its nearest grouped ancestor's group (children)", async () => {
    const sh = start(SHELL, ['-c', `sleep 1000 & (sleep 1001 & wait) & wait`]);
    const pid = await execd(sh, SHELL);
    // The shell, two subshell levels and two sleeps: wait until they are all there.
    await waitFor(
      () => {
        const out = spawnSync('pgrep', ['-f', '^sleep 100[01]$'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
        const mine = out.filter((p) => {
          let cur = Number(p);
          for (let d = 0; d < 5 && cur > 1; d++) {
            if (cur === pid) return true;
            const s = readFileSync(`/proc/${cur}/stat`, 'utf8');
            cur = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
          }
          return false;
        });
        return mine.length === 2 ? true : undefined;
      },
      10_000,
      'the sleeps',
    );
    const yaml = `groups:\n  - name: shell\n    comm: [${TAG}sh]\n`;
    const withChildren = await (await collectorFor(`${yaml}children: true`)).poll();
    // bash, the subshell (a bash fork, same comm), and the two sleeps.
    expect(group(withChildren, 'shell')?.numProcs).toBe(4);
    const without = await (await collectorFor(`${yaml}children: false`)).poll();
    expect(group(without, 'shell')?.numProcs).toBe(2);
  });

  it('never lets group counters go backwards when a member exits, and drops empty groups', async () => {
    const idle = nodeChild('burn');
    const burner = nodeChild('burn', 'for (;;) {}');
    const keep = start(SLEEP, ['1000']);
    await Promise.all([execd(idle, process.execPath), execd(burner, process.execPath), execd(keep, SLEEP)]);
    const { poll } = await collectorFor(`
groups:
  - name: burners
    cmdline: ['--hp-tag=${TAG} --hp-role=burn']
  - name: keeper
    comm: [${TAG}s]
remove_empty_groups: true
`);
    const bpid = burner.pid as number;
    const r1 = await poll();
    const g1 = group(r1, 'burners') as ProcessGroupReading;
    expect(g1.numProcs).toBe(2);
    const c1 = g1.cpuUserSeconds + g1.cpuSystemSeconds;
    const burned = cpuSeconds(bpid);
    await waitFor(() => (cpuSeconds(bpid) >= burned + 0.3 ? true : undefined), 30_000, 'the burner to burn 0.3 s');
    const r2 = await poll();
    const g2 = group(r2, 'burners') as ProcessGroupReading;
    const c2 = g2.cpuUserSeconds + g2.cpuSystemSeconds;
    expect(c2).toBeGreaterThanOrEqual(c1 + 0.3 - 0.02);
    await kill(burner);
    await kill(keep);
    const r3 = await poll();
    const g3 = group(r3, 'burners') as ProcessGroupReading;
    expect(g3.numProcs).toBe(1);
    expect(g3.cpuUserSeconds).toBeGreaterThanOrEqual(g2.cpuUserSeconds);
    expect(g3.cpuSystemSeconds).toBeGreaterThanOrEqual(g2.cpuSystemSeconds);
    expect(g3.minorPageFaults).toBeGreaterThanOrEqual(g2.minorPageFaults);
    expect(g3.voluntaryContextSwitches).toBeGreaterThanOrEqual(g2.voluntaryContextSwitches);
    expect(g3.nonvoluntaryContextSwitches).toBeGreaterThanOrEqual(g2.nonvoluntaryContextSwitches);
    // The burner's last seen CPU is still in the group: more than the idle member alone has.
    expect(g3.cpuUserSeconds + g3.cpuSystemSeconds).toBeGreaterThanOrEqual(burned + 0.3 - 0.02);
    // The keeper's only member is gone: the group is removed.
    expect(group(r2, 'keeper')?.numProcs).toBe(1);
    expect(group(r3, 'keeper')).toBeUndefined();
  });

  it('keeps an empty group (num_procs 0, counters kept) when remove_empty_groups is false', async () => {
    const s = start(SLEEP, ['1000']);
    await execd(s, SLEEP);
    const { poll } = await collectorFor(`groups:\n  - name: keeper\n    comm: [${TAG}s]\nremove_empty_groups: false`);
    const r1 = await poll();
    const before = group(r1, 'keeper') as ProcessGroupReading;
    expect(before.numProcs).toBe(1);
    await kill(s);
    const after = group(await poll(), 'keeper') as ProcessGroupReading;
    expect(after.numProcs).toBe(0);
    expect(after.numThreads).toBe(0);
    expect(after.minorPageFaults).toBeGreaterThanOrEqual(before.minorPageFaults);
    expect(after.minorPageFaults).toBeGreaterThan(0);
  });

  it('caps the number of groups with max_groups, folding the rest into the overflow group', async () => {
    const sleeps = Array.from({ length: 6 }, (_, i) => start(SLEEP, [String(1000 + i)]));
    await Promise.all(sleeps.map((c) => execd(c, SLEEP)));
    const { poll } = await collectorFor(`
groups:
  - name: "{{.PID}}"
    comm: [${TAG}s]
max_groups: 2
overflow_group: too-many
`);
    const r = await poll();
    const groups = r.groups ?? [];
    expect(groups).toHaveLength(3);
    expect(group(r, 'too-many')?.numProcs).toBe(4);
    expect(groups.reduce((n, g) => n + g.numProcs, 0)).toBe(6);
    // Later polls keep the same two named groups: a fork storm cannot add series.
    const more = Array.from({ length: 3 }, (_, i) => start(SLEEP, [String(2000 + i)]));
    await Promise.all(more.map((c) => execd(c, SLEEP)));
    const r2 = await poll();
    expect(r2.groups).toHaveLength(3);
    expect(group(r2, 'too-many')?.numProcs).toBe(7);
    expect(new Set((r2.groups ?? []).map((g) => g.name))).toEqual(new Set(groups.map((g) => g.name)));
  });

  it('rejects a template field it cannot fill', async () => {
    const { config } = await processConfig(`groups:\n  - name: "{{.Cgroups}}"\n    comm: [x]`);
    expect(() => create(config, nullLogger)).toThrow(/unsupported template expression/);
    const { config: none } = await processConfig(`groups:\n  - name: x`);
    expect(() => create(none, nullLogger)).toThrow(/no matchers/);
  });
});

describe('the OTLP mapping', () => {
  it('renders a real reading: process.* per group with process.group.name, system.process.count from the summary', async () => {
    const sleeps = [start(SLEEP, ['1000']), start(SLEEP, ['1001'])];
    await Promise.all(sleeps.map((c) => execd(c, SLEEP)));
    const { poll } = await collectorFor(`groups:\n  - name: sleepers\n    comm: [${TAG}s]\ntop: {count: 2}`);
    const reading = await poll();
    const snap = fakeSnapshot(1, { readings: { process: reading }, collectors: { process: { success: true, durationSeconds: 0.01 } } });
    const builder = new OtlpMetricsBuilder({ naming: 'semconv', version: '0.0.0-test' });
    const resource = new ResourceCache({ version: '0.0.0-test', rootfs: '/', envAttributes: {}, configAttributes: {}, env: {} }).get(snap);
    const metrics = builder.build(snap, resource).resourceMetrics.scopeMetrics.flatMap((sm) => sm.metrics);
    const points = (name: string) =>
      (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as { attributes: Record<string, unknown>; value: number }[];
    const count = points('process.count').filter((p) => p.attributes['process.group.name'] === 'sleepers');
    expect(count.map((p) => p.value)).toEqual([2]);
    const cpu = points('process.cpu.time').filter((p) => p.attributes['process.group.name'] === 'sleepers');
    expect(cpu.map((p) => p.attributes['cpu.mode']).sort()).toEqual(['system', 'user']);
    for (const name of [
      'process.memory.usage',
      'process.memory.virtual',
      'process.disk.io',
      'process.thread.count',
      'process.unix.file_descriptor.count',
      'process.context_switches',
      'process.paging.faults',
      'process.uptime',
    ]) {
      expect(
        points(name).some((p) => p.attributes['process.group.name'] === 'sleepers'),
        name,
      ).toBe(true);
    }
    const total = points('system.process.count').reduce((a, p) => a + p.value, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(reading.summary?.pids ?? 0);
  });
});

describe('top-N processes', () => {
  it('lists the top processes by memory, largest first, with values /proc agrees with', async () => {
    const fat = nodeChild('fat', 'globalThis.b = Buffer.alloc(768 << 20, 1); setInterval(() => {}, 1000)');
    const pid = await execd(fat, process.execPath);
    await waitFor(
      () => {
        const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
        return rss > 700 << 20 ? true : undefined;
      },
      30_000,
      'the child to fill 768 MiB',
    );
    const { poll } = await collectorFor(`processes: {enabled: false}\ntop: {count: 3, by: memory}`);
    const r = await poll();
    const top = r.top ?? [];
    expect(r.groups).toBeUndefined();
    expect(r.summary).toBeUndefined();
    expect(top).toHaveLength(3);
    for (let i = 1; i < top.length; i++) expect((top[i - 1]?.residentBytes ?? 0) >= (top[i]?.residentBytes ?? 0)).toBe(true);
    const mine = top.find((t) => t.pid === pid);
    expect(mine).toBeDefined();
    expect(mine?.by).toBe('memory');
    const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
    expect(Math.abs((mine?.residentBytes ?? 0) - rss)).toBeLessThan(rss * 0.1);
  });

  it('ranks by the CPU used since the previous poll', async () => {
    const burner = nodeChild('burn', 'for (;;) {}');
    const pid = await execd(burner, process.execPath);
    const { poll } = await collectorFor(`processes: {enabled: false}\ntop: {count: 5, by: cpu}`);
    await poll();
    const c0 = cpuSeconds(pid);
    await waitFor(() => (cpuSeconds(pid) >= c0 + 0.5 ? true : undefined), 30_000, 'the burner to burn 0.5 s');
    const r = await poll();
    const mine = r.top?.find((t) => t.pid === pid);
    expect(mine).toBeDefined();
    expect((mine?.cpuUserSeconds ?? 0) + (mine?.cpuSystemSeconds ?? 0)).toBeGreaterThanOrEqual(c0 + 0.5 - 0.02);
  });
});

describe('node_processes_* (node_exporter processes)', () => {
  it('agrees with ps on process and thread counts', async () => {
    const { poll } = await collectorFor('');
    const r = await poll();
    const s = r.summary;
    expect(s).toBeDefined();
    const procs = spawnSync('ps', ['-e', '--no-headers', '-o', 'pid'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
    const threads = spawnSync('ps', ['-eL', '--no-headers', '-o', 'lwp'], { encoding: 'utf8' }).stdout.trim().split('\n').length;
    // Other work on this machine starts and ends processes between the two reads.
    expect(Math.abs((s?.pids ?? 0) - procs)).toBeLessThanOrEqual(Math.max(20, procs * 0.1));
    expect(Math.abs((s?.threads ?? 0) - threads)).toBeLessThanOrEqual(Math.max(40, threads * 0.1));
    const sumStates = Object.values(s?.states ?? {}).reduce((a, b) => a + b, 0);
    expect(sumStates).toBe(s?.pids);
    const sumThreadStates = Object.values(s?.threadStates ?? {}).reduce((a, b) => a + b, 0);
    expect(Math.abs(sumThreadStates - (s?.threads ?? 0))).toBeLessThanOrEqual(Math.max(20, (s?.threads ?? 0) * 0.1));
    expect(s?.maxProcesses).toBe(Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')));
    expect(s?.maxThreads).toBe(Number(readFileSync('/proc/sys/kernel/threads-max', 'utf8')));
    // groups and top are off: no scan, no skipped counter.
    expect(r.groups).toBeUndefined();
    expect(r.skipped).toBeUndefined();
  });
});

describe('the exposition (dist/cli/main.js metrics)', () => {
  it('serves node_processes_*, namedprocess_namegroup_* and the top-N with pid labels; promtool accepts it', async () => {
    if (!haveCli()) return;
    const sleeps = [start(SLEEP, ['1000']), start(SLEEP, ['1001'])];
    const n = nodeChild('expo');
    await Promise.all([...sleeps.map((c) => execd(c, SLEEP)), execd(n, process.execPath)]);
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      [
        'collectors:',
        ...['cpu', 'mem', 'disk', 'net', 'nic', 'host', 'textfile'].map((c) => `  ${c}: {enabled: false}`),
        '  process:',
        '    enabled: true',
        '    top: {count: 2, by: memory}',
        '    groups:',
        `      - comm: [${TAG}s]`,
        `      - name: "{{.ExeBase}}-{{.Matches.role}}"`,
        `        cmdline: ['--hp-tag=${TAG} --hp-role=(?P<role>\\w+)']`,
        '',
      ].join('\n'),
    );
    const res = runCli(['metrics', '--config.file', file]);
    expect(res.status, res.stderr).toBe(0);
    const samples = parseExposition(res.stdout);
    const get = (name: string, labels: Record<string, string>): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(get('namedprocess_namegroup_num_procs', { groupname: `${TAG}s` })).toBe(2);
    expect(get('namedprocess_namegroup_num_procs', { groupname: 'node-expo' })).toBe(1);
    for (const mode of ['user', 'system'])
      expect(get('namedprocess_namegroup_cpu_seconds_total', { groupname: 'node-expo', mode })).toBeGreaterThanOrEqual(0);
    for (const memtype of ['resident', 'virtual', 'swapped'])
      expect(get('namedprocess_namegroup_memory_bytes', { groupname: 'node-expo', memtype })).toBeGreaterThanOrEqual(0);
    for (const ctxswitchtype of ['voluntary', 'nonvoluntary']) {
      expect(get('namedprocess_namegroup_context_switches_total', { groupname: 'node-expo', ctxswitchtype })).toBeGreaterThanOrEqual(0);
    }
    for (const state of ['Running', 'Sleeping', 'Waiting', 'Zombie', 'Other'])
      expect(get('namedprocess_namegroup_states', { groupname: 'node-expo', state })).toBeGreaterThanOrEqual(0);
    for (const name of [
      'read_bytes_total',
      'write_bytes_total',
      'major_page_faults_total',
      'minor_page_faults_total',
      'open_filedesc',
      'worst_fd_ratio',
      'oldest_start_time_seconds',
      'num_threads',
    ]) {
      expect(get(`namedprocess_namegroup_${name}`, { groupname: 'node-expo' }), name).toBeGreaterThanOrEqual(0);
    }
    expect(get('node_processes_pids', {})).toBeGreaterThan(0);
    expect(get('node_processes_threads', {})).toBeGreaterThan(0);
    expect(get('node_processes_max_threads', {})).toBeGreaterThan(0);
    expect(get('node_processes_max_processes', {})).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'node_processes_state' && s.labels.state !== undefined)).toBe(true);
    expect(samples.some((s) => s.name === 'node_processes_threads_state' && s.labels.thread_state !== undefined)).toBe(true);
    const top = samples.filter((s) => s.name === 'hostprobe_process_top_memory_bytes' && s.labels.memtype === 'resident');
    expect(top).toHaveLength(2);
    for (const t of top) expect(t.labels.pid).toMatch(/^\d+$/);
    expect(get('hostprobe_process_skipped_total', { reason: 'vanished' })).toBeGreaterThanOrEqual(0);
    expect(get('hostprobe_process_skipped_total', { reason: 'denied' })).toBeGreaterThanOrEqual(0);
    expect(get('node_scrape_collector_success', { collector: 'process' })).toBe(1);

    const promtool = tool('promtool', 'apt-get install prometheus');
    if (!haveTool(promtool)) return;
    const verdict = promtoolOk(promtoolCheck(promtool.path, res.stdout));
    expect(verdict).toBeUndefined();
  });

  it('--collector.processes enables node_processes_* (off by default)', () => {
    if (!haveCli()) return;
    const off = runCli(['metrics']);
    expect(off.status, off.stderr).toBe(0);
    expect(parseExposition(off.stdout).some((s) => s.name.startsWith('node_processes_'))).toBe(false);
    const on = runCli(['metrics', '--collector.processes']);
    expect(on.status, on.stderr).toBe(0);
    const names = new Set(parseExposition(on.stdout).map((s) => s.name));
    for (const n of ['node_processes_pids', 'node_processes_threads', 'node_processes_state', 'node_processes_threads_state'])
      expect(names.has(n), n).toBe(true);
    expect([...names].some((n) => n.startsWith('namedprocess_'))).toBe(false);
  });
});
