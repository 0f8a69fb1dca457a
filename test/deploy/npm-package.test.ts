// The npm package as a user gets it: `npm pack` in the checkout (with the prebuilt addons
// prepack builds, prebuilds/linux-{x64,arm64}/hostprobe.node, and the checkout's dist/),
// then the tarball installed into fresh projects by npm run with a PATH that holds only
// `node` and `sh` — no cmake, g++, make or cc. A library-only install with --ignore-scripts is read against /proc; the agent's
// install (scripts on, the agent packages added) uses the prebuilt and says so in one line;
// the install hook's from-source path says why before it starts and fails loudly without
// its tools. The linux-arm64 prebuilt (cross-compiled by the prepack) is loaded by an arm64
// Node under qemu-user and read against /proc (.ci/install.d/70-npm-arm64.sh installs both).
// The registry is touched only for the agent packages (--prefer-offline).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_PACKAGES } from '../../src/cli/agent-deps.js';
import { REPO_ROOT, haveTool, tool, type ToolStatus } from '../helpers/tools.js';

const PACK_TIMEOUT_MS = 600_000;
const INSTALL_TIMEOUT_MS = 300_000;
const TAG = `${process.platform}-${process.arch}`;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
};

const npmStatus = tool('npm', 'it comes with Node: the npm registry package `npm`');
const objdumpStatus = tool('objdump', 'apt-get install binutils');
const crossStatus = tool('aarch64-linux-gnu-g++', 'apt-get install g++-aarch64-linux-gnu (.ci/install.d/70-npm-arm64.sh)');
const qemuStatus = tool('qemu-aarch64', 'apt-get install qemu-user (.ci/install.d/70-npm-arm64.sh)');
const ARM64_NODE = join(process.env.HOME ?? '/root', '.node-arm64', 'package', 'bin', 'node');
const arm64NodeStatus: ToolStatus = existsSync(ARM64_NODE)
  ? { path: ARM64_NODE, reason: '' }
  : { path: null, reason: `no arm64 node at ${ARM64_NODE} (bash .ci/install.d/70-npm-arm64.sh)` };
/** Whether this machine can build and run the linux-arm64 prebuilt. */
const ARM64_READY = !!(crossStatus.path && qemuStatus.path && arm64NodeStatus.path);
let npmCli = '';
let work = '';
let tarball = '';
/** A directory holding only `node` and `sh`: the PATH of a host with no compiler. */
let bareBin = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command with exactly the bare PATH (and HOME, for npm's cache). */
function bare(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: bareBin, HOME: process.env.HOME ?? '/root', ...env },
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** npm with the bare PATH, in `cwd`. */
function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  return bare(process.execPath, [npmCli, ...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd, env);
}

/** A fresh project directory with a package.json. */
function project(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `probe-${name}`, version: '1.0.0', private: true }));
  return dir;
}

/** MemTotal of /proc/meminfo, in bytes. */
function memTotal(): number {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!m) throw new Error('no MemTotal in /proc/meminfo');
  return Number(m[1]) * 1024;
}

/** The packages under a project's node_modules (scoped ones counted one by one). */
function installedPackages(dir: string): string[] {
  const nm = join(dir, 'node_modules');
  const out: string[] = [];
  for (const e of readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    if (e.startsWith('@')) for (const s of readdirSync(join(nm, e))) out.push(`${e}/${s}`);
    else out.push(e);
  }
  return out.sort();
}

beforeAll(() => {
  if (!haveTool(npmStatus)) return;
  npmCli = realpathSync(npmStatus.path);
  work = mkdtempSync(join(tmpdir(), 'hostprobe-npm-package-'));
  bareBin = join(work, 'bin');
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, 'node'));
  symlinkSync('/bin/sh', join(bareBin, 'sh'));
  // What prepack does, less its tsc: the prebuilt addons (scripts/prebuild.mjs), then the
  // pack with --ignore-scripts. dist/ is the checkout's (`npm run build`, as for every test
  // that runs the CLI): rewriting it here would race with the suites running it in parallel.
  // Without the cross tools (outside CI) only linux-x64; the arm64 test then skips (fails in CI).
  const opts = {
    cwd: REPO_ROOT,
    env: ARM64_READY ? process.env : { ...process.env, HOSTPROBE_PREBUILD_ARCHES: 'x64' },
    encoding: 'utf8' as const,
    timeout: PACK_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  };
  const pre = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'prebuild.mjs')], opts);
  if (pre.status !== 0) throw new Error(`scripts/prebuild.mjs failed (${pre.status ?? pre.signal}): ${pre.stderr}`);
  const r = spawnSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--pack-destination', work], opts);
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status ?? r.signal}): ${r.stderr}`);
  tarball = join(work, `hostprobe-${pkg.version}.tgz`);
  if (!existsSync(tarball)) throw new Error(`npm pack wrote no ${tarball}: ${r.stdout}`);
}, PACK_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the npm package (npm pack → npm install, no compiler on PATH)', () => {
  it('the bare PATH really has no compiler or build tool', () => {
    if (!tarball) return;
    for (const t of ['cmake', 'g++', 'gcc', 'cc', 'make', 'ninja', 'c++']) {
      expect(bare('sh', ['-c', `command -v ${t}`], work).status, t).not.toBe(0);
    }
  });

  it('the tarball ships dist/ and the prebuilt addon, and no sources of the TypeScript', () => {
    if (!tarball) return;
    const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    const files = list.stdout.split('\n');
    expect(files).toContain(`package/prebuilds/${TAG}/hostprobe.node`);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files).toContain('package/scripts/build.mjs');
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toEqual([]);
  });

  it('the prebuilt addon needs no glibc newer than 2.36 (Debian 12)', () => {
    if (!tarball || !haveTool(objdumpStatus)) return;
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked, { recursive: true });
    const x = spawnSync('tar', ['xzf', tarball, '-C', unpacked, `package/prebuilds/${TAG}/hostprobe.node`], { encoding: 'utf8' });
    expect(x.status, x.stderr).toBe(0);
    const addon = join(unpacked, 'package', 'prebuilds', TAG, 'hostprobe.node');
    const dump = spawnSync(objdumpStatus.path, ['-T', addon], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(dump.status, dump.stderr).toBe(0);
    const versions = [...dump.stdout.matchAll(/\(GLIBC_(\d+)\.(\d+)(?:\.\d+)?\)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(versions.length).toBeGreaterThan(0);
    for (const [major, minor] of versions) expect(major * 1000 + minor, `GLIBC_${major}.${minor}`).toBeLessThanOrEqual(2036);
  });

  it('library only, --ignore-scripts: one package, and it reads this host', () => {
    if (!tarball) return;
    const dir = project('library');
    const r = npm(['install', '--ignore-scripts', tarball], dir);
    expect(r.status, r.stderr).toBe(0);
    // No agent packages, no build tools: hostprobe alone.
    expect(installedPackages(dir)).toEqual(['hostprobe']);
    const script = [
      "import { cpuTimes, cpuCount, virtualMemory, bootTime } from 'hostprobe';",
      'const t = cpuTimes();',
      'console.log(JSON.stringify({ user: t.user, idle: t.idle, cpus: cpuCount(), total: virtualMemory().total, boot: bootTime() }));',
    ].join('\n');
    const out = bare('node', ['--input-type=module', '-e', script], dir);
    expect(out.status, out.stderr).toBe(0);
    const got = JSON.parse(out.stdout) as { user: number; idle: number; cpus: number; total: number; boot: number };
    expect(got.total).toBe(memTotal());
    const stat = readFileSync('/proc/stat', 'utf8');
    expect(got.cpus).toBe(stat.split('\n').filter((l) => /^cpu\d+ /.test(l)).length);
    expect(got.boot).toBe(Number(/^btime (\d+)$/m.exec(stat)?.[1]));
    expect(got.user).toBeGreaterThan(0);
  });

  it('library only: the utilities run; the agent commands name the packages they need and the command', () => {
    if (!tarball) return;
    const dir = join(work, 'library');
    const bin = join(dir, 'node_modules', '.bin', 'hostprobe');
    const free = bare('node', [bin, 'free'], dir);
    expect(free.status, free.stderr).toBe(0);
    expect(free.stdout).toMatch(/^Mem:\s+\d+/m);
    for (const cmd of [['metrics'], ['check-config', 'x.yaml'], []]) {
      const r = bare('node', [bin, ...cmd], dir);
      expect(r.status, cmd.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`'${cmd[0] ?? 'agent'}' needs the agent's packages`);
      for (const p of AGENT_PACKAGES) expect(r.stderr).toContain(`'${p}@${pkg.peerDependencies[p]}'`);
    }
  });

  it('the agent: install with scripts uses the prebuilt (one line) and `hostprobe metrics` reads this host', () => {
    if (!tarball) return;
    const dir = project('agent');
    const agentPkgs = AGENT_PACKAGES.map((p) => `${p}@${pkg.peerDependencies[p]}`);
    const r = npm(['install', '--foreground-scripts', tarball, ...agentPkgs], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`hostprobe: using the prebuilt addon prebuilds/${TAG}/hostprobe.node (no compiler needed)`);
    expect(r.stdout).not.toContain('building from source');
    // What the agent adds: its packages and what they depend on, no build tools.
    const installed = installedPackages(dir);
    for (const p of AGENT_PACKAGES) expect(installed).toContain(p);
    for (const p of ['cmake-js', 'node-addon-api', 'node-api-headers', 'typescript']) expect(installed).not.toContain(p);
    const m = bare('node', [join(dir, 'node_modules', '.bin', 'hostprobe'), 'metrics'], dir);
    expect(m.status, m.stderr).toBe(0);
    const line = /^node_memory_MemTotal_bytes (\S+)$/m.exec(m.stdout);
    expect(Number(line?.[1])).toBe(memTotal());
  });

  it('hostprobe/prom-client and hostprobe/otel: the exports resolve in the installed package and read this host', () => {
    if (!tarball) return;
    // The agent's project has yaml and the OpenTelemetry packages; prom-client is the one peer it lacks.
    const dir = join(work, 'agent');
    const r = npm(['install', `prom-client@${pkg.peerDependencies['prom-client']}`], dir);
    expect(r.status, r.stderr).toBe(0);
    const script = [
      "import { Registry } from 'prom-client';",
      "import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';",
      "import { registerHostMetrics as promHost } from 'hostprobe/prom-client';",
      "import { registerHostMetrics as otelHost } from 'hostprobe/otel';",
      'const registry = new Registry();',
      'const p = await promHost(registry);',
      'const text = await registry.metrics();',
      'class Reader extends MetricReader { async onForceFlush() {} async onShutdown() {} }',
      'const reader = new Reader();',
      'const provider = new MeterProvider({ readers: [reader] });',
      'const o = await otelHost({ meterProvider: provider });',
      'const { resourceMetrics } = await reader.collect();',
      "const limit = resourceMetrics.scopeMetrics.find((s) => s.scope.name === 'hostprobe').metrics.find((m) => m.descriptor.name === 'system.memory.limit');",
      'console.log(JSON.stringify({ prom: Number(/^node_memory_MemTotal_bytes (\\S+)$/m.exec(text)?.[1]), otel: limit.dataPoints[0].value }));',
      'await p.close(); await o.close(); await provider.shutdown();',
    ].join('\n');
    const out = bare('node', ['--input-type=module', '-e', script], dir);
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ prom: memTotal(), otel: memTotal() });
  });

  it("linux-arm64: the tarball's prebuilt loads in an arm64 Node (qemu-user) and reads this host", () => {
    if (!tarball || !haveTool(crossStatus) || !haveTool(qemuStatus) || !haveTool(arm64NodeStatus)) return;
    const dir = join(work, 'library');
    expect(existsSync(join(dir, 'node_modules', 'hostprobe', 'prebuilds', 'linux-arm64', 'hostprobe.node'))).toBe(true);
    const script = [
      "import { cpuCount, virtualMemory } from 'hostprobe';",
      'console.log(JSON.stringify({ arch: process.arch, cpus: cpuCount(), total: virtualMemory().total }));',
    ].join('\n');
    const r = bare(qemuStatus.path, ['-L', '/usr/aarch64-linux-gnu', arm64NodeStatus.path, '--input-type=module', '-e', script], dir);
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { arch: string; cpus: number; total: number };
    expect(got.arch).toBe('arm64');
    expect(got.total).toBe(memTotal());
    expect(got.cpus).toBe(
      readFileSync('/proc/stat', 'utf8')
        .split('\n')
        .filter((l) => /^cpu\d+ /.test(l)).length,
    );
  });

  describe('the install hook building from source', () => {
    /** A copy of the installed package, altered by `change`, its hook run with the bare PATH. */
    function hook(name: string, change: (pkgDir: string) => void, env: NodeJS.ProcessEnv = {}): Run {
      const installed = join(work, 'library', 'node_modules', 'hostprobe');
      const dir = join(work, `hook-${name}`, 'node_modules', 'hostprobe');
      cpSync(installed, dir, { recursive: true });
      change(dir);
      return bare('node', [join(dir, 'scripts', 'build.mjs')], dir, env);
    }

    it('no prebuilt for this platform: says so first, then fails naming the missing peers', () => {
      if (!tarball) return;
      const r = hook('none', (d) => rmSync(join(d, 'prebuilds'), { recursive: true }));
      expect(r.stdout).toBe(`hostprobe: no prebuilt addon for ${TAG}; building from source with cmake-js (needs cmake, g++) ...\n`);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('needs cmake-js, node-addon-api, node-api-headers');
      expect(r.stderr).toContain('npm install cmake-js node-addon-api node-api-headers && npm rebuild hostprobe');
    });

    it('a prebuilt that does not load: says why, then builds from source', () => {
      if (!tarball) return;
      const r = hook('broken', (d) => writeFileSync(join(d, 'prebuilds', TAG, 'hostprobe.node'), 'not an ELF file\n'));
      expect(r.stdout).toMatch(
        new RegExp(
          `^hostprobe: the prebuilt addon prebuilds/${TAG}/hostprobe\\.node does not load here \\(.+\\); building from source with cmake-js \\(needs cmake, g\\+\\+\\) \\.\\.\\.\\n$`,
        ),
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('needs cmake-js');
    });

    it('HOSTPROBE_BUILD_FROM_SOURCE=1 skips the prebuilt', () => {
      if (!tarball) return;
      const r = hook('forced', () => {}, { HOSTPROBE_BUILD_FROM_SOURCE: '1' });
      expect(r.stdout).toContain('HOSTPROBE_BUILD_FROM_SOURCE=1; building from source');
      expect(r.status).toBe(1);
    });
  });
});
