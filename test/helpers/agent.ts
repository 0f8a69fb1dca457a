// Shared helpers of the agent and e2e tests: the built CLI, free ports, scraping, and
// parsing an exposition into samples.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { CollectContext } from '../../src/contract/collector.js';
import type { AgentConfig } from '../../src/config/types.js';
import { nullLogger } from '../../src/logger.js';
import { resolveRoots } from '../../src/roots.js';
import { IN_CI, REPO_ROOT } from './tools.js';

export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** The built CLI (npm run build). Missing: a failure in CI, a skip elsewhere. */
export function haveCli(): boolean {
  if (existsSync(CLI)) return true;
  if (IN_CI) throw new Error(`${CLI} is missing: run npm run build first`);
  console.warn(`[skip] ${CLI} is missing (npm run build)`);
  return false;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface Daemon {
  proc: ChildProcess;
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running process and collects its output. */
export function startDaemon(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Daemon {
  const proc = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    logs: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** Starts the agent CLI with flags. */
export function startAgent(args: string[], env: NodeJS.ProcessEnv = {}): Daemon {
  return startDaemon(process.execPath, [CLI, ...args], env);
}

/** Polls `fn` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The exposition reader lives in exposition.ts; re-exported for the agent tests that import it from here.
export { parseExposition, parseFamilies, sampleKey, type Family, type Sample } from './exposition.js';

/** GET a URL; resolves with status, headers and body. */
export async function httpGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const r = await fetch(url, { headers });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

/** Whether a command exists (for tools that only some tests need, found by spawnSync). */
export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * Lint warnings promtool gives for names node_exporter itself serves (kernel field names in
 * camelCase, entropy in bits): `promtool check metrics` exits 3 on them for node_exporter too.
 */
export function isKnownLintWarning(line: string): boolean {
  return (
    /^node_\S+ metric names should be written in 'snake_case' not 'camelCase'$/.test(line) ||
    /^node_entropy_\S+_bits use base unit "bytes" instead of "bits"$/.test(line) ||
    // process-exporter's own name for its per-thread-name thread counts.
    line === 'namedprocess_namegroup_thread_count non-histogram and non-summary metrics should not have "_count" suffix'
  );
}

export interface PromtoolResult {
  status: number | null;
  /** Problems other than the known name-style warnings. */
  problems: string[];
  warnings: string[];
  output: string;
}

/** `promtool check metrics` on an exposition. */
export function promtoolCheck(promtool: string, text: string): PromtoolResult {
  const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`;
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const warnings = lines.filter(isKnownLintWarning);
  return { status: r.status, problems: lines.filter((l) => !isKnownLintWarning(l)), warnings, output };
}

/** Asserts promtool's verdict: exit 0, or exit 3 with only the known warnings; never exit 1. */
export function promtoolOk(r: PromtoolResult): string | undefined {
  if (r.status === 0) return undefined;
  if (r.status === 3 && r.problems.length === 0) return undefined;
  return `promtool check metrics exited ${String(r.status)}:\n${r.output}`;
}

/** node_exporter's collectors that hostprobe replaces (the comparison runs node_exporter with only these). */
export const NODE_EXPORTER_SHARED_COLLECTORS = [
  'cpu',
  'cpufreq',
  'stat',
  'loadavg',
  'meminfo',
  'vmstat',
  'filesystem',
  'diskstats',
  'netdev',
  'netclass',
  'sockstat',
  'netstat',
  'tcpstat',
  'uname',
  'time',
  'os',
  'filefd',
  'entropy',
  'pressure',
] as const;

/** Starts node_exporter 1.12.1 (test/helpers/node-exporter.ts) on loopback with only the shared collectors. */
export function startNodeExporter(bin: string, port: number, extra: string[] = []): Daemon {
  return startDaemon(bin, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--collector.disable-defaults',
    ...NODE_EXPORTER_SHARED_COLLECTORS.map((c) => `--collector.${c}`),
    ...extra,
  ]);
}

/** Starts Prometheus on loopback with a generated config scraping `targets` every `interval`. */
export function startPrometheus(bin: string, dir: string, port: number, jobs: { job: string; target: string }[], interval = '1s'): Daemon {
  const cfg = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    '  evaluation_interval: 1s',
    'scrape_configs:',
    ...jobs.flatMap((j) => [`  - job_name: ${j.job}`, '    static_configs:', `      - targets: ['${j.target}']`]),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), cfg);
  return startDaemon(bin, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
}

export interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant PromQL query against a Prometheus on loopback. */
export async function promQuery(port: number, query: string): Promise<PromResult[]> {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(query)}`);
  const j = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: PromResult[] | [number, string] } };
  if (j.status !== 'success') throw new Error(`PromQL ${query}: ${j.error ?? j.status}`);
  const res = j.data?.result;
  if (j.data?.resultType === 'scalar' && Array.isArray(res) && typeof res[0] === 'number') {
    return [{ metric: {}, value: res as [number, string] }];
  }
  return (res as PromResult[]) ?? [];
}

/** A small valid snapshot for in-process tests of the sinks and the server. */
export function fakeSnapshot(
  seq = 1,
  overrides: Partial<import('../../src/contract/snapshot.js').Snapshot> = {},
): import('../../src/contract/snapshot.js').Snapshot {
  return {
    seq,
    timestamp: 1_795_000_000_000 + seq * 1000,
    durationSeconds: 0.01,
    collectors: { cpu: { success: true, durationSeconds: 0.002 }, mem: { success: false, durationSeconds: 0.001, error: 'boom' } },
    readings: {
      cpu: {
        perCpu: [
          {
            cpu: 0,
            times: { user: 1.5, nice: 0, system: 2, idle: 100, iowait: 0.25, irq: 0, softirq: 0.5, steal: 0, guest: 0.1, guestNice: 0 },
          },
        ],
        load: { load1: 0.5, load5: 0.25, load15: 0.125 },
      },
    },
    labels: {},
    self: {
      version: '0.0.0',
      revision: 'test',
      nodeVersion: process.version,
      startTimeSeconds: 1,
      lastSuccessfulPollSeconds: 0,
      polls: seq,
      runtime: [],
    },
    ...overrides,
  };
}

/**
 * The context of one process-collector poll over a fixture procfs at a fixed clock; each
 * failed part is pushed onto `failures` as `<part>: <describe(error)>`.
 */
export function processCollectContext(
  agent: AgentConfig,
  procfs: string,
  failures: string[],
  describe: (e: unknown) => string = String,
): CollectContext<'process'> {
  return {
    roots: resolveRoots({ procfs }),
    config: agent.collectors.process,
    agent,
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    logger: nullLogger,
    now: () => 1_795_000_100_000,
    partFailed: (part, e) => failures.push(`${part}: ${describe(e)}`),
  };
}
