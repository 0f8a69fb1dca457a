// The Prometheus sink's renderers, called directly on a snapshot polled from the agent's
// fixture trees (test/fixtures/agent-e2e) at a fixed clock: each area's renderer writes its
// own families and the sink's exposition is exactly their union plus the agent's own; values
// match the fixture files they come from; text and OpenMetrics carry the same samples; the
// static labels reach every sample; the gzip bytes are the text's. (The byte-exact output is
// the golden test's, test/e2e/golden.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../../../src/config/types.js';
import type { Snapshot } from '../../../../src/contract/snapshot.js';
import { renderCpu } from '../../../../src/sinks/prometheus/cpu.js';
import { renderDisk } from '../../../../src/sinks/prometheus/disk.js';
import { Exposition } from '../../../../src/sinks/prometheus/exposition.js';
import { renderHardware } from '../../../../src/sinks/prometheus/hardware.js';
import { renderHost } from '../../../../src/sinks/prometheus/host.js';
import { renderCpuKernel, renderHostKernel } from '../../../../src/sinks/prometheus/kernel.js';
import {
  buildExposition,
  RenderedSnapshot,
  renderOptions,
  renderText,
  type PromRenderOptions,
} from '../../../../src/sinks/prometheus/index.js';
import { renderMem } from '../../../../src/sinks/prometheus/mem.js';
import { renderNet } from '../../../../src/sinks/prometheus/net.js';
import { renderNic } from '../../../../src/sinks/prometheus/nic.js';
import { renderSelf } from '../../../../src/sinks/prometheus/self.js';
import { renderTextfile } from '../../../../src/sinks/prometheus/textfile.js';
import { parseExposition, parseFamilies, sampleKey } from '../../../helpers/exposition.js';
import { configFrom, startPoller } from '../../../helpers/otlp-agent.js';
import { FIXTURES } from '../../../helpers/tools.js';

const FIX = join(FIXTURES, 'agent-e2e');
const CLOCK_MS = 1_795_000_000_250;

let config: AgentConfig;
let opts: PromRenderOptions;
let snap: Snapshot;

beforeAll(async () => {
  config = await configFrom(`paths:\n  procfs: ${FIX}/proc\n  sysfs: ${FIX}/sys\n  rootfs: ${FIX}/root\n`);
  opts = renderOptions(config);
  const poller = await startPoller(config, undefined, () => CLOCK_MS);
  try {
    snap = await poller.pollOnce();
  } finally {
    await poller.stop();
  }
});

/** The family names one renderer writes into a fresh exposition. */
function familiesOf(render: (x: Exposition) => void): Set<string> {
  const x = new Exposition();
  render(x);
  return new Set(parseFamilies(x.renderText()).keys());
}

describe('Prometheus renderers on a fixture snapshot', () => {
  it('polled every system area of the fixture', () => {
    for (const area of ['cpu', 'mem', 'disk', 'net', 'nic', 'host', 'textfile'] as const) {
      expect(snap.readings[area], area).toBeDefined();
      expect(snap.collectors[area]?.success, area).toBe(true);
    }
  });

  it('each area renders its own families, and the exposition is their union with the agent self-metrics', () => {
    const r = snap.readings;
    const parts: Record<string, Set<string>> = {
      cpu: familiesOf((x) => {
        renderCpu(r.cpu!, x, opts);
        renderCpuKernel(r.cpu!, x);
      }),
      mem: familiesOf((x) => renderMem(r.mem!, x, opts)),
      disk: familiesOf((x) => renderDisk(r.disk!, x)),
      net: familiesOf((x) => renderNet(r.net!, x, opts)),
      nic: familiesOf((x) => renderNic(r.nic!, x, opts)),
      host: familiesOf((x) => {
        renderHost(r.host!, x);
        renderHostKernel(r.host!, x);
      }),
      // The agent-e2e tree has no sensors: hardware renders nothing here (test/e2e/hardware.test.ts
      // renders it over node_exporter's tree).
      hardware: familiesOf((x) => (r.hardware ? renderHardware(r.hardware, x, opts) : undefined)),
      self: familiesOf((x) => renderSelf(snap, x)),
      textfile: familiesOf((x) => renderTextfile(r.textfile!, x)),
    };
    const seen = new Map<string, string>();
    for (const [area, names] of Object.entries(parts)) {
      if (area !== 'hardware') expect(names.size, `${area} renders something`).toBeGreaterThan(0);
      for (const n of names) {
        // No family is written by two areas.
        expect(seen.get(n), `${n} from ${area}`).toBeUndefined();
        seen.set(n, area);
      }
    }
    expect(parts.cpu).toContain('node_cpu_seconds_total');
    expect(parts.mem).toContain('node_memory_MemTotal_bytes');
    expect(parts.self).toContain('node_scrape_collector_success');
    const all = new Set(parseFamilies(buildExposition(snap, opts).renderText()).keys());
    expect(all).toEqual(new Set(seen.keys()));
  });

  it('node_filesystem_purgeable_bytes is 0 for exactly the filesystems with a size, as node_exporter 1.12 on Linux', () => {
    const samples = parseExposition(renderText(snap, opts));
    const keys = (name: string): string[] =>
      samples
        .filter((s) => s.name === name)
        .map((s) => sampleKey({ ...s, name: 'x' }))
        .sort();
    const purgeable = samples.filter((s) => s.name === 'node_filesystem_purgeable_bytes');
    expect(purgeable.length).toBeGreaterThan(0);
    for (const s of purgeable) expect(s.value, s.labels.mountpoint).toBe(0);
    expect(keys('node_filesystem_purgeable_bytes')).toEqual(keys('node_filesystem_size_bytes'));
  });

  it('every family has HELP and TYPE, and every sample a family', () => {
    const text = renderText(snap, opts);
    const fams = parseFamilies(text);
    for (const f of fams.values()) {
      expect(f.help, f.name).toBeTruthy();
      expect(f.type, f.name).toMatch(/^(counter|gauge|untyped|histogram|summary)$/);
      expect(f.samples.length, f.name).toBeGreaterThan(0);
    }
    const inFamilies = [...fams.values()].reduce((n, f) => n + f.samples.length, 0);
    expect(inFamilies).toBe(parseExposition(text).length);
  });

  it('values come from the fixture files', () => {
    const samples = parseExposition(renderText(snap, opts));
    const one = (name: string, labels: Record<string, string> = {}): number => {
      const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      expect(hits, name).toHaveLength(1);
      return hits[0]!.value;
    };
    const [l1, l5, l15] = readFileSync(join(FIX, 'proc', 'loadavg'), 'utf8')
      .split(' ')
      .map(Number);
    expect(one('node_load1')).toBe(l1);
    expect(one('node_load5')).toBe(l5);
    expect(one('node_load15')).toBe(l15);
    const memTotalKb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readFileSync(join(FIX, 'proc', 'meminfo'), 'utf8'))![1]);
    expect(one('node_memory_MemTotal_bytes')).toBe(memTotalKb * 1024);
    // The fixture's disks and interfaces are the ones in its /proc files.
    const diskstats = readFileSync(join(FIX, 'proc', 'diskstats'), 'utf8');
    const reads = samples.filter((x) => x.name === 'node_disk_reads_completed_total');
    expect(reads.length).toBeGreaterThan(0);
    for (const s of reads) {
      expect(diskstats).toMatch(new RegExp(`\\s${s.labels.device}\\s`));
    }
    // The agent reads the network files of pid 1's namespace (<procfs>/1/net).
    const netdev = readFileSync(join(FIX, 'proc', '1', 'net', 'dev'), 'utf8');
    const received = samples.filter((x) => x.name === 'node_network_receive_bytes_total');
    expect(received.length).toBeGreaterThan(0);
    for (const s of received) {
      expect(netdev).toContain(`${s.labels.device}:`);
    }
  });

  it('OpenMetrics carries the same samples as the text format and ends with # EOF', () => {
    const x = buildExposition(snap, opts);
    const om = x.renderOpenMetrics();
    expect(om.endsWith('# EOF\n')).toBe(true);
    const omValues = new Map(parseExposition(om).map((s) => [sampleKey(s), s.value]));
    const text = parseExposition(x.renderText());
    expect(text.length).toBeGreaterThan(0);
    for (const s of text) {
      const k = sampleKey(s);
      expect(omValues.has(k), k).toBe(true);
      expect(omValues.get(k), k).toBe(s.value);
    }
  });

  it('the snapshot labels reach every sample', () => {
    const labelled = { ...snap, labels: { site: 'lab "1"' } };
    const samples = parseExposition(renderText(labelled, opts));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.labels.site !== 'lab "1"')).toEqual([]);
  });

  it('process families appear only with a process reading', () => {
    expect(snap.readings.process).toBeUndefined();
    const without = parseFamilies(renderText(snap, opts));
    expect([...without.keys()].filter((n) => n.startsWith('namedprocess_'))).toEqual([]);
  });

  it('RenderedSnapshot: gzip bytes are the text, OpenMetrics made once', () => {
    const r = new RenderedSnapshot(snap.seq, buildExposition(snap, opts));
    expect(r.text.toString('utf8')).toBe(renderText(snap, opts));
    expect(gunzipSync(r.gzipText()).equals(r.text)).toBe(true);
    expect(r.openMetrics()).toBe(r.openMetrics());
    expect(gunzipSync(r.gzipOpenMetrics()).equals(r.openMetrics())).toBe(true);
  });
});
