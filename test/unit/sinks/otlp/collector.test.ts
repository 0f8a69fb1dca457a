// End to end with a real OpenTelemetry Collector (built by .ci/install.d/50-otelcol.sh,
// started here on loopback with the file exporter): the agent's poller reads this host
// once, the OTLP sink pushes that snapshot, and what the Collector received is checked —
// names, instrument types, units, attributes, resource, start times and values — against
// the /metrics exposition rendered from the SAME snapshot.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import type { AgentConfig } from '../../../../src/config/types.js';
import { OtlpSink, type ExportRecord } from '../../../../src/sinks/otlp/sink.js';
import { hostArch } from '../../../../src/sinks/otlp/resource.js';
import { renderOptions, renderText } from '../../../../src/sinks/prometheus/index.js';
import { haveTool, REPO_ROOT } from '../../../helpers/tools.js';
import { configFrom, otlpOf, startPoller } from '../../../helpers/otlp-agent.js';
import { parseExposition, Samples } from '../../../helpers/exposition.js';
import { attrSetOf, consistencyTests, metricOf, valueOf } from '../../../helpers/otlp-consistency.js';
import { attrsOf, otelcolTool, startCollector, type Collector, type OtlpJsonRequest } from '../../../helpers/otelcol.js';

const otelcol = otelcolTool();
const enabled = haveTool(otelcol);
const VERSION = (JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { version: string }).version;

// A group that certainly has a member: this test process (Node 24 names its main thread,
// and so the process's comm, "MainThread"; older Nodes leave "node").
const OWN_COMM = readFileSync('/proc/self/comm', 'utf8').trim();
const AGENT_YAML = `
collectors:
  process:
    enabled: true
    groups:
      - name: "{{.Comm}}"
        comm: [${JSON.stringify(OWN_COMM)}]
`;

let collector: Collector;
let config: AgentConfig;
let snap: Snapshot;
let prom: Samples;
let req: OtlpJsonRequest;
let exported: ExportRecord;

const metric = (name: string, r: OtlpJsonRequest = req) => metricOf(r, name);
const value = (name: string, attrs: Record<string, string | number> = {}, r: OtlpJsonRequest = req) => valueOf(r, name, attrs);
const attrSet = (name: string, key: string, r: OtlpJsonRequest = req) => attrSetOf(r, name, key);

async function exportTo(c: Collector, extra: string, s: Snapshot): Promise<ExportRecord> {
  const cfg = otlpOf(await configFrom(`otlp:\n  endpoint: ${c.endpoint}\n${extra}`));
  const sink = new OtlpSink({ config: cfg, version: VERSION, rootfs: '/', env: {} });
  try {
    sink.onSnapshot(s);
    return await sink.pending!;
  } finally {
    await sink.close();
  }
}

beforeAll(async () => {
  if (!enabled) return;
  collector = await startCollector(otelcol.path!);
  config = await configFrom(AGENT_YAML);
  const poller = await startPoller(config);
  try {
    snap = await poller.pollOnce();
  } finally {
    await poller.stop();
  }
  prom = new Samples(parseExposition(renderText(snap, renderOptions(config))));
  // Default settings: http/protobuf with gzip.
  exported = await exportTo(collector, '', snap);
  req = (await collector.waitFor(1))[0]!;
}, 120_000);

afterAll(async () => {
  await collector?.stop();
});

describe.skipIf(!enabled)('a real OpenTelemetry Collector receives the snapshot', () => {
  it('accepted the protobuf+gzip export', () => {
    expect(exported.result).toBe('success');
    expect(exported.transport!.attempts).toBe(1);
    expect(req.resourceMetrics).toHaveLength(1);
    expect(req.resourceMetrics[0]!.scopeMetrics[0]!.scope).toEqual({ name: 'hostprobe', version: VERSION });
  });

  it('describes the host in the Resource', () => {
    const r = attrsOf(req.resourceMetrics[0]!.resource.attributes);
    const uname = prom.all('node_uname_info')[0]?.labels;
    expect(r['service.name']).toBe('hostprobe');
    expect(r['service.version']).toBe(VERSION);
    expect(r['os.type']).toBe('linux');
    expect(r['host.id']).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    if (uname) {
      expect(r['host.name']).toBe(uname.nodename);
      expect(r['host.arch']).toBe(hostArch(uname.machine!));
      expect(String(r['os.description'])).toContain(uname.release);
    }
    expect(r['service.instance.id']).toBe(r['host.name']);
    expect(r['k8s.node.name']).toBeUndefined();
  });

  consistencyTests(() => ({ req, prom, snap }), { processes: true });

  it('uptime agrees with /metrics', (ctx) => {
    if (!prom.has('node_time_seconds')) ctx.skip('no time collector output on /metrics');
    const up = prom.get('node_time_seconds') - prom.get('node_boot_time_seconds');
    // btime is whole seconds; /proc/uptime is not.
    expect(Math.abs(value('system.uptime') - up)).toBeLessThan(2);
  });

  it('takes http/json too, with the same points', async () => {
    const before = collector.received().length;
    const r = await exportTo(collector, '  protocol: http/json\n  compression: none\n', snap);
    expect(r.result).toBe('success');
    const got = (await collector.waitFor(before + 1))[before]!;
    const count = (x: OtlpJsonRequest) =>
      x.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).reduce(
        (n, m) => n + (m.sum?.dataPoints ?? m.gauge?.dataPoints ?? []).length,
        0,
      );
    expect(count(got)).toBe(count(req));
    expect(count(got)).toBe(exported.points);
  });

  it('sends the hostmetrics receiver names with names: hostmetrics', async () => {
    const before = collector.received().length;
    const r = await exportTo(collector, '  names: hostmetrics\n', snap);
    expect(r.result).toBe('success');
    const hm = (await collector.waitFor(before + 1))[before]!;
    const names = new Set(hm.resourceMetrics[0]!.scopeMetrics.flatMap((s) => s.metrics).map((m) => m.name));
    for (const n of [
      'system.network.packets',
      'system.network.dropped',
      'system.network.connections',
      'system.processes.created',
      'system.linux.memory.available',
      'system.disk.weighted_io_time',
      'system.disk.pending_operations',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    for (const n of ['system.network.packet.count', 'system.process.created', 'system.memory.linux.available', 'system.filesystem.limit']) {
      expect(names.has(n), n).toBe(false);
    }
    expect(metric('system.network.packets', hm)!.unit).toBe('{packets}');
    const cpu0 = prom.all('node_cpu_seconds_total')[0]!.labels.cpu!;
    const hv = (mode: string) => value('system.cpu.time', { state: mode, cpu: `cpu${cpu0}` }, hm);
    expect(hv('wait')).toBeCloseTo(prom.get('node_cpu_seconds_total', { cpu: cpu0, mode: 'iowait' }), 6);
    expect(hv('softirq')).toBeCloseTo(prom.get('node_cpu_seconds_total', { cpu: cpu0, mode: 'softirq' }), 6);
    expect(hv('interrupt')).toBeCloseTo(prom.get('node_cpu_seconds_total', { cpu: cpu0, mode: 'irq' }), 6);
    const dev = [...attrSet('system.network.io', 'network.interface.name')][0] as string;
    expect(value('system.network.io', { device: dev, direction: 'receive' }, hm)).toBe(
      prom.get('node_network_receive_bytes_total', { device: dev }),
    );
    const used = value('system.memory.usage', { state: 'used' }, hm);
    const mi = (f: string) => prom.get(`node_memory_${f}_bytes`);
    const gopsutilUsed = mi('MemTotal') - mi('MemFree') - mi('Buffers') - mi('Cached') - mi('SReclaimable');
    expect(used).toBe(gopsutilUsed >= 0 ? gopsutilUsed : mi('MemTotal') - mi('MemFree'));
    expect(value('system.memory.usage', { state: 'slab_unreclaimable' }, hm)).toBe(mi('SUnreclaim'));
  });
});
