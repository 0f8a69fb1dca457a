// The container image: `npm run image` (scripts/image/build.sh) builds deploy/docker/Dockerfile
// with buildah into the local storage (reused when nothing changed), and podman runs it the
// way the DaemonSet (deploy/kubernetes/30-daemonset.yaml) does: host /proc, /sys and / read-only
// under /host, host PID and network namespaces, uid 65532, read-only root file system, every
// capability dropped, no privilege escalation, the chart's ConfigMap as the config. Its
// /metrics must describe this host, not the container.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freePort, httpGet, parseFamilies, waitFor } from '../helpers/agent.js';
import { REPO_ROOT, haveTool, tool } from '../helpers/tools.js';
import { PLAIN_DIR } from '../helpers/deploy-tools.js';

const INSTALL = 'apt-get install -y buildah podman runc mmdebstrap';
/** A cold build (base root file systems, apt-get and npm ci inside, vfs layer copies) takes minutes. */
const BUILD_TIMEOUT_MS = 20 * 60_000;
const PKG = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
const IMAGE = `localhost/hostprobe:${PKG.version}`;
const NAME = `hostprobe-image-test-${process.pid}`;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Limits at or below this machine's hard limits (scripts/image/env.sh: hostprobe_ulimits). */
function ulimits(): string[] {
  const r = spawnSync('bash', ['-c', `source ${join(REPO_ROOT, 'scripts', 'image', 'env.sh')} && hostprobe_ulimits`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`hostprobe_ulimits failed: ${r.stderr}`);
  return r.stdout.trim().split(/\s+/);
}

/** podman with the storage and runtime scripts/image/env.sh uses. */
function podman(args: string[], timeout = 120_000): Ran {
  const r = spawnSync('podman', ['--storage-driver', 'vfs', '--runtime', 'runc', ...args], {
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** MemTotal of /proc/meminfo, in bytes. */
function memTotal(): number {
  const m = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!m) throw new Error('no MemTotal in /proc/meminfo');
  return Number(m[1]) * 1024;
}

/** The hostprobe.yaml of the rendered ConfigMap (deploy/kubernetes/20-configmap.yaml). */
function chartConfig(): string {
  const cm = parseYaml(readFileSync(join(PLAIN_DIR, '20-configmap.yaml'), 'utf8')) as { data?: Record<string, string> };
  const text = cm.data?.['hostprobe.yaml'];
  if (!text) throw new Error('deploy/kubernetes/20-configmap.yaml has no data.hostprobe.yaml');
  return text;
}

let built = false;
let port = 0;
let pid = 0;
let configDir = '';
let metrics = '';

beforeAll(async () => {
  const have = haveTool(tool('buildah', INSTALL)) && haveTool(tool('podman', INSTALL)) && haveTool(tool('runc', INSTALL));
  if (!have) return;
  const b = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'image', 'build.sh')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS - 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (b.status !== 0) {
    throw new Error(
      `scripts/image/build.sh failed (status ${b.status}, ${b.error?.message ?? 'no spawn error'}):\n${b.stderr.slice(-8000)}`,
    );
  }
  expect(b.stdout.trim()).toBe(IMAGE);
  built = true;

  configDir = mkdtempSync(join(tmpdir(), 'hostprobe-image-test-'));
  chmodSync(configDir, 0o755);
  writeFileSync(join(configDir, 'hostprobe.yaml'), chartConfig(), { mode: 0o644 });
  port = await freePort();
  podman(['rm', '--force', '--time', '0', NAME]);
  const run = podman([
    'run',
    '--detach',
    '--name',
    NAME,
    '--pid',
    'host',
    '--network',
    'host',
    '--read-only',
    '--cap-drop',
    'all',
    '--user',
    '65532:65532',
    '--security-opt',
    'no-new-privileges',
    '--volume',
    `${configDir}:/etc/hostprobe:ro`,
    '--volume',
    '/proc:/host/proc:ro',
    '--volume',
    '/sys:/host/sys:ro',
    '--volume',
    '/:/host/root:ro,rslave',
    ...ulimits(),
    // The chart's command and args (deploy/kubernetes/30-daemonset.yaml), on a free loopback port.
    '--entrypoint',
    '["/nodejs/bin/node","--max-old-space-size=144","/app/dist/cli/main.js"]',
    IMAGE,
    '--config.file=/etc/hostprobe/hostprobe.yaml',
    '--path.procfs=/host/proc',
    '--path.sysfs=/host/sys',
    '--path.rootfs=/host/root',
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.telemetry-path=/metrics',
    '--log.level=info',
    '--log.format=logfmt',
  ]);
  if (run.status !== 0) throw new Error(`podman run failed (status ${run.status}):\n${run.stderr}`);
  const inspect = podman(['inspect', '--format', '{{.State.Pid}}', NAME]);
  pid = Number(inspect.stdout.trim());
  if (!(pid > 0)) throw new Error(`no pid for container ${NAME}: ${inspect.stdout}${inspect.stderr}`);
  metrics = await waitFor(
    async () => {
      const state = podman(['inspect', '--format', '{{.State.Status}}', NAME]).stdout.trim();
      if (state !== 'running') throw new Error(`container ${NAME} is ${state}:\n${podman(['logs', NAME]).stderr}`);
      const r = await httpGet(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      return r?.status === 200 ? r.body : undefined;
    },
    60_000,
    `/metrics of container ${NAME} on 127.0.0.1:${port}`,
  );
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (built) {
    const rm = podman(['rm', '--force', '--time', '0', NAME]);
    if (rm.status !== 0 && !/no such container/i.test(rm.stderr)) throw new Error(`podman rm ${NAME}: ${rm.stderr}`);
  }
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe(`the image ${IMAGE} run as the DaemonSet runs it`, () => {
  it('serves this host’s memory and node name, every collector succeeding', () => {
    if (!built) return;
    const fams = parseFamilies(metrics);
    expect(fams.get('node_memory_MemTotal_bytes')?.samples[0]?.value).toBe(memTotal());
    const uname = fams.get('node_uname_info')?.samples[0]?.labels;
    expect(uname?.nodename).toBe(hostname());
    expect(uname?.release).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
    const success = fams.get('node_scrape_collector_success')?.samples ?? [];
    expect(success.length).toBeGreaterThan(5);
    for (const s of success) expect(s.value, s.labels.collector).toBe(1);
    // Host PID namespace: the process count is the host's, far more than the container's one.
    const procs = fams.get('node_procs_running')?.samples[0]?.value;
    expect(procs).toBeGreaterThan(0);
  });

  it('reports the host’s mount points, not the /host/root paths it reads them through', () => {
    if (!built) return;
    const mounts = new Set((parseFamilies(metrics).get('node_filesystem_size_bytes')?.samples ?? []).map((s) => s.labels.mountpoint));
    expect(mounts.has('/')).toBe(true);
    for (const m of mounts) expect(m, String(m)).not.toMatch(/^\/host(\/|$)/);
  });

  it('runs as uid and gid 65532 with no capabilities and no new privileges (seen from the host)', () => {
    if (!built) return;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(/^Gid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(['65532', '65532', '65532', '65532']);
    expect(/^CapEff:\s+(\S+)$/m.exec(status)?.[1]).toBe('0000000000000000');
    expect(/^CapPrm:\s+(\S+)$/m.exec(status)?.[1]).toBe('0000000000000000');
    expect(/^NoNewPrivs:\s+(\d)$/m.exec(status)?.[1]).toBe('1');
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3)).toEqual([
      '/nodejs/bin/node',
      '--max-old-space-size=144',
      '/app/dist/cli/main.js',
    ]);
  });

  it('has a read-only root file system', () => {
    if (!built) return;
    const r = podman(['inspect', '--format', '{{.HostConfig.ReadonlyRootfs}}', NAME]);
    expect(r.stdout.trim()).toBe('true');
    const root = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .find((f) => f[4] === '/');
    expect(root?.[5]?.split(',')).toContain('ro');
  });

  it('carries no shell: /bin/sh cannot be started in it', () => {
    if (!built) return;
    for (const sh of ['/bin/sh', '/bin/bash', '/usr/bin/sh']) {
      const r = podman(['run', '--rm', ...ulimits(), '--entrypoint', sh, IMAGE, '-c', 'echo shell-ran']);
      expect(r.status, sh).not.toBe(0);
      expect(r.stdout, sh).not.toContain('shell-ran');
      expect(r.stderr, sh).toMatch(/no such file or directory/i);
    }
  });

  it('is labelled with the package version and runs as 65532 by default', () => {
    if (!built) return;
    const r = podman(['image', 'inspect', '--format', '{{.Config.User}} {{index .Labels "org.opencontainers.image.version"}}', IMAGE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`65532:65532 ${PKG.version}`);
  });
});
