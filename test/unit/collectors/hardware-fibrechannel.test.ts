// The hardware collector's fibrechannel part over <sysfs>/class/fc_host copied from
// node_exporter 1.12.1's sys.ttar (host0 with every attribute, dumped_frames 2^64-1 left out;
// host1 with speed and statistics only), and its failure corpus: no class/fc_host is no data
// (optional, as node_exporter), a counter that is not an unsigned integer fails the collector
// naming the file, a missing counter file or a FIFO in statistics/ is left out (node_exporter
// skips entries that are not regular files).
import { cpSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Poller } from '../../../src/agent/poller.js';
import { COLLECTORS } from '../../../src/collectors/index.js';
import { checkConfigText } from '../../../src/config/load.js';
import type { AgentConfig } from '../../../src/config/types.js';
import type { Snapshot } from '../../../src/contract/snapshot.js';
import { createLogger } from '../../../src/logger.js';
import { buildExposition, renderOptions } from '../../../src/sinks/prometheus/index.js';
import { FIXTURES } from '../../helpers/tools.js';

const tree = mkdtempSync(join(tmpdir(), 'hp-fc-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));
const fc = join(tree, 'sys/class/fc_host');

let config: AgentConfig;
beforeAll(async () => {
  cpSync(join(FIXTURES, 'fibrechannel'), tree, { recursive: true });
  const off = ['cpu', 'mem', 'disk', 'net', 'nic', 'host', 'process', 'textfile'].map((c) => `  ${c}: {enabled: false}\n`).join('');
  const hw = ['hwmon', 'thermal_zone', 'powersupplyclass', 'rapl', 'dmi', 'edac', 'watchdog']
    .map((p) => `    ${p}: {enabled: false}\n`)
    .join('');
  const yaml = `paths:\n  procfs: ${tree}/proc\n  sysfs: ${tree}/sys\n  rootfs: ${tree}\ncollectors:\n${off}  hardware:\n${hw}`;
  const r = await checkConfigText(yaml, 'fc.yaml');
  if (!r.config) throw new Error(JSON.stringify(r.issues));
  config = r.config;
});

async function poll(): Promise<{ snap: Snapshot; text: string }> {
  const logger = createLogger({ level: 'error', write: () => undefined });
  const poller = new Poller({ config, logger, table: COLLECTORS, skipRuntime: true, faults: {} });
  await poller.init();
  const snap = await poller.pollOnce();
  await poller.stop();
  return { snap, text: buildExposition(snap, renderOptions(config)).renderText() };
}

const fcLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('node_fibrechannel_'));

/** Replaces `rel` (under class/fc_host) for one poll; returns the undo. */
function replace(rel: string, how: string): () => void {
  const p = join(fc, rel);
  const saved = `${p}.saved`;
  renameSync(p, saved);
  if (how === 'fifo') {
    if (spawnSync('mkfifo', [p]).status !== 0) throw new Error(`mkfifo ${p}`);
  } else if (how !== 'missing') writeFileSync(p, how);
  return () => {
    rmSync(p, { recursive: true, force: true });
    renameSync(saved, p);
  };
}

describe('hardware fibrechannel part (node_exporter fibrechannel) over its fixture', () => {
  it("serves node_exporter's e2e-output.txt samples", async () => {
    const { snap, text } = await poll();
    expect(snap.collectors.hardware?.success, snap.collectors.hardware?.error).toBe(true);
    const lines = fcLines(text);
    expect(lines).toHaveLength(28);
    expect(lines).toContain(
      'node_fibrechannel_info{dev_loss_tmo="30",fabric_name="0",fc_host="host0",port_id="000002",port_name="1000e0071bce95f2",port_state="Online",port_type="Point-To-Point (direct nport connection)",speed="16 Gbit",supported_classes="Class 3",supported_speeds="4 Gbit, 8 Gbit, 16 Gbit",symbolic_name="Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. OS:Linux"} 1',
    );
    expect(lines).toContain(
      'node_fibrechannel_info{dev_loss_tmo="",fabric_name="",fc_host="host1",port_id="",port_name="",port_state="",port_type="",speed="8 Gbit",supported_classes="",supported_speeds="",symbolic_name=""} 1',
    );
    // host0's dumped_frames is 0xffffffffffffffff: left out, as node_exporter.
    expect(lines.filter((l) => l.startsWith('node_fibrechannel_dumped_frames_total'))).toEqual([
      'node_fibrechannel_dumped_frames_total{fc_host="host1"} 0',
    ]);
    expect(lines).toContain('node_fibrechannel_nos_total{fc_host="host1"} 288');
  });

  it('without class/fc_host: no node_fibrechannel_* and the collector succeeds', async () => {
    const undo = replace('', 'missing');
    try {
      const { snap, text } = await poll();
      expect(snap.collectors.hardware?.success, snap.collectors.hardware?.error).toBe(true);
      expect(fcLines(text)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('a statistics entry that is not a regular file (a FIFO) is skipped, as node_exporter skips it', async () => {
    const undo = replace('host1/statistics/rx_frames', 'fifo');
    try {
      const { snap, text } = await poll();
      expect(snap.collectors.hardware?.success, snap.collectors.hardware?.error).toBe(true);
      expect(fcLines(text).filter((l) => l.startsWith('node_fibrechannel_rx_frames_total'))).toEqual([
        'node_fibrechannel_rx_frames_total{fc_host="host0"} 3',
      ]);
    } finally {
      undo();
    }
  });

  it('a missing statistics file is left out', async () => {
    const undo = replace('host1/statistics/nos_count', 'missing');
    try {
      const { snap, text } = await poll();
      expect(snap.collectors.hardware?.success, snap.collectors.hardware?.error).toBe(true);
      expect(fcLines(text).filter((l) => l.startsWith('node_fibrechannel_nos_total'))).toEqual([
        'node_fibrechannel_nos_total{fc_host="host0"} 18',
      ]);
    } finally {
      undo();
    }
  });

  const failures: readonly (readonly [rel: string, how: string, reason: string])[] = [
    ['host1/statistics/rx_frames', 'many\n', 'not an unsigned integer: "many"'],
    ['host1/statistics/rx_frames', '-1\n', 'not an unsigned integer: "-1"'],
    ['host1/statistics/rx_frames', '0x10000000000000000\n', 'not an unsigned integer'],
  ];
  for (const [rel, how, reason] of failures) {
    it(`${rel} ${JSON.stringify(how)}: the hardware collector fails naming the file`, async () => {
      const undo = replace(rel, how);
      try {
        const { snap, text } = await poll();
        expect(snap.collectors.hardware?.success).toBe(false);
        expect(snap.collectors.hardware?.error).toContain(join(fc, rel));
        expect(snap.collectors.hardware?.error).toContain(reason);
        expect(text).toContain('node_scrape_collector_success{collector="hardware"} 0');
      } finally {
        undo();
      }
    });
  }
});
