// The chart's own container, run as the kubelet would run it, in a pod emulated with Linux
// namespaces (test/helpers/pod.ts): the DaemonSet's command and args from
// `helm template` (with $(VAR) expanded from its env), the ConfigMap as the config file, the
// host's /proc, /sys and / bind-mounted read-only where the chart mounts them. The probes the
// chart declares must answer, /metrics must show the host (not the pod's network namespace),
// and SIGTERM must stop the agent cleanly.
import { readFileSync } from 'node:fs';
import { NODE_EXPORTER_FS_TYPES_EXCLUDE } from '../../src/config/schema.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '../../src/config/schema.js';
import { haveTool, tool } from '../helpers/tools.js';
import { find, helmTool, objects, render, type K8sObject } from '../helpers/deploy-tools.js';
import { CLI, Pod, fileStatus, mountTool, namespacesStatus, parseNetDev, unshareTool } from '../helpers/pod.js';
import { samplesByName } from '../helpers/exposition.js';

const helm = helmTool();
const ip = tool('ip', 'apt-get install iproute2');
const READY =
  haveTool(helm) &&
  haveTool(unshareTool()) &&
  haveTool(mountTool()) &&
  haveTool(ip) &&
  haveTool(fileStatus(CLI, 'npm run build')) &&
  haveTool(namespacesStatus());

interface Probe {
  httpGet: { path: string; port: string | number; scheme: string };
}
interface Container {
  command: string[];
  args: string[];
  env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  ports: { name: string; containerPort: number }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
}

// Runs inside the pod: starts the agent, probes it like the kubelet, scrapes it, stops it.
const DRIVER = `
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const [specFile, outFile] = process.argv.slice(2);
const spec = JSON.parse((await import('node:fs')).readFileSync(specFile, 'utf8'));
const out = { probes: {}, readyAfterTries: -1, ms: {} };
const t0 = Date.now();
const mark = (k) => (out.ms[k] = Date.now() - t0);
const agent = spawn(spec.argv[0], spec.argv.slice(1), { env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
agent.stderr.on('data', (d) => (stderr += d));
agent.stdout.on('data', (d) => (stderr += d));
const exited = new Promise((resolve) => agent.on('exit', (code, signal) => resolve({ code, signal })));
const get = async (path) => {
  try {
    const r = await fetch('http://127.0.0.1:' + spec.port + path, { signal: AbortSignal.timeout(5000) });
    return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
  } catch (e) {
    return { status: 0, error: String(e) };
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Like the startup probe: /healthz until it answers (bounded), then readiness until ready.
for (let i = 0; i < 240; i++) {
  out.probes.startup = await get(spec.startupPath);
  if (out.probes.startup.status === 200) break;
  await sleep(250);
}
for (let i = 0; i < 240; i++) {
  out.probes.readiness = await get(spec.readinessPath);
  if (out.probes.readiness.status === 200) { out.readyAfterTries = i; break; }
  await sleep(250);
}
mark('ready');
out.probes.liveness = await get(spec.livenessPath);
out.metrics = await get(spec.metricsPath);
out.landing = await get('/');
mark('scraped');
agent.kill('SIGTERM');
let timer;
const deadline = new Promise((r) => (timer = setTimeout(() => r('no exit within 60 s of SIGTERM'), 60000)));
out.exit = await Promise.race([exited, deadline]);
clearTimeout(timer);
mark('exited');
if (typeof out.exit === 'string') agent.kill('SIGKILL');
out.stderr = stderr;
writeFileSync(outFile, JSON.stringify(out));
`;

describe.skipIf(!READY)("e2e: the chart's container in a pod-like namespace", () => {
  const pod = new Pod();
  const H = pod.dir;
  let ctr: Container;
  let argv: string[];
  let port: number;
  let result: {
    probes: Record<'startup' | 'readiness' | 'liveness', { status: number; body?: string; error?: string }>;
    readyAfterTries: number;
    ms: Record<string, number>;
    metrics: { status: number; type: string; body: string };
    landing: { status: number; type: string };
    exit: { code: number | null; signal: string | null } | string;
    stderr: string;
  };
  let run: { status: number | null; stderr: string };
  let hostNetdev: Map<string, { rx: number; tx: number }>;

  beforeAll(() => {
    // The chart's defaults, plus one extra flag: FUSE left out, because a FUSE file system
    // whose daemon hangs (the stuck-mount tests make one, and they may run meanwhile) keeps
    // the agent from exiting until its statfs returns; hung mounts are tested elsewhere.
    const values = pod.file(
      'values.yaml',
      `extraArgs:\n  - ${JSON.stringify(`--collector.filesystem.fs-types-exclude=${NODE_EXPORTER_FS_TYPES_EXCLUDE}|^fuse(\\..*)?$`)}\n`,
    );
    const objs = objects(render(helm.path as string, { namespace: 'hostprobe', values: [values] }));
    const ds = find(objs, 'DaemonSet')[0] as K8sObject;
    const spec = (ds.spec as { template: { spec: { containers: Container[]; volumes: { name: string; hostPath?: { path: string } }[] } } })
      .template.spec;
    ctr = spec.containers[0] as Container;
    const cm = find(objs, 'ConfigMap')[0] as K8sObject;

    // Where the chart's mounts are in this emulation.
    const where = new Map<string, string>(); // chart mountPath -> local path
    const hostBind: Record<string, string> = { '/proc': 'host/proc', '/sys': 'host/sys', '/': 'host/root' };
    for (const m of ctr.volumeMounts) {
      const v = spec.volumes.find((x) => x.name === m.name);
      if (v?.hostPath) where.set(m.mountPath, join(H, hostBind[v.hostPath.path] as string));
      else if (m.name === 'config') where.set(m.mountPath, H);
    }
    const configFile = (cm.data as Record<string, string>)['hostprobe.yaml'] as string;
    pod.file('hostprobe.yaml', configFile);
    const relocate = (arg: string): string => {
      for (const [from, to] of where) {
        const m = new RegExp(`^(--[\\w.-]+=)${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/.*)?$`).exec(arg);
        if (m) return `${m[1]}${to}${m[2] ?? ''}`;
      }
      return arg;
    };
    // The kubelet's $(VAR) expansion, from the container's env (downward API fields faked).
    const fake: Record<string, string> = { 'spec.nodeName': 'node-1', 'metadata.name': 'hostprobe-abcde', 'status.hostIP': '127.0.0.1' };
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const e of ctr.env) env[e.name] = e.value ?? fake[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '';
    const expand = (s: string): string => s.replace(/\$\(([A-Za-z_]\w*)\)/g, (all, n: string) => env[n] ?? all);
    // The image's node and entry point are this machine's node and the built CLI.
    const command = ctr.command.map((c, i) => (i === 0 ? process.execPath : c === '/app/dist/cli/main.js' ? CLI : c));
    argv = [...command, ...ctr.args.map(expand).map(relocate)];
    port = ctr.ports[0]?.containerPort as number;
    const named = (p: Probe): string => {
      expect(p.httpGet.port).toBe(ctr.ports[0]?.name);
      return p.httpGet.path;
    };
    const specFile = pod.file(
      'spec.json',
      JSON.stringify({
        argv,
        env,
        port,
        startupPath: named(ctr.startupProbe),
        readinessPath: named(ctr.readinessProbe),
        livenessPath: named(ctr.livenessProbe),
        metricsPath: '/metrics',
      }),
    );
    const driver = pod.file('driver.mjs', DRIVER);
    const outFile = pod.file('result.json');
    const inner = pod.file(
      'inner.sh',
      `set -euo pipefail\nip link set lo up\nexec "${process.execPath}" "${driver}" "${specFile}" "${outFile}"\n`,
    );
    const r = pod.run(['bash', inner], 200_000);
    hostNetdev = parseNetDev(readFileSync('/proc/1/net/dev', 'utf8'));
    run = { status: r.status, stderr: r.stderr };
    if (r.status === 0) {
      result = JSON.parse(readFileSync(outFile, 'utf8')) as typeof result;
      console.log(`[chart-pod] milliseconds since the agent started: ${JSON.stringify(result.ms)}`);
    }
  }, 240_000);

  afterAll(() => pod.cleanup());

  it('runs the rendered command: every path points into the emulated mounts, nothing is left unexpanded', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(argv.filter((a) => a.includes('$(') || /=\/(host|etc\/hostprobe)\//.test(a))).toEqual([]);
    expect(argv).toContain(`--path.procfs=${join(H, 'host/proc')}`);
    expect(argv).toContain(`--config.file=${join(H, 'hostprobe.yaml')}`);
    expect(argv).toContain(`--web.listen-address=[0.0.0.0]:${DEFAULT_PORT}`);
    expect(port).toBe(DEFAULT_PORT);
  });

  it('answers the probes the chart declares: startup and liveness on /healthz, readiness on /readyz once a poll is done', () => {
    expect(result.probes.startup).toMatchObject({ status: 200 });
    expect(result.probes.readiness).toMatchObject({ status: 200 });
    expect(result.readyAfterTries).toBeGreaterThanOrEqual(0);
    expect(result.probes.liveness).toMatchObject({ status: 200 });
    expect(result.landing.status).toBe(200);
  });

  it("serves the host's metrics in the Prometheus text format", () => {
    expect(result.metrics.status).toBe(200);
    expect(result.metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = samplesByName(result.metrics.body);
    // The chart's default config leaves out veth interfaces; the host has no others to drop here.
    const devices = (m.get('node_network_receive_bytes_total') ?? []).map((s) => s.labels.device).sort();
    expect(devices).toEqual([...hostNetdev.keys()].filter((d) => !/^veth/.test(d)).sort());
    expect(devices.length).toBeGreaterThan(1); // not just the pod's lo
    expect((m.get('node_filesystem_size_bytes') ?? []).map((s) => s.labels.mountpoint)).toContain('/');
    for (const s of m.get('node_scrape_collector_success') ?? []) {
      if (s.labels.collector !== 'process') expect(s.value, s.labels.collector).toBe(1);
    }
  });

  it('stops on SIGTERM with status 0', () => {
    expect(result.exit, result.stderr.slice(-2000)).toEqual({ code: 0, signal: null });
  });
});
