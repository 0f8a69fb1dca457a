// The nic collector's bonding part over a fixture tree copied from node_exporter 1.12.1's
// sys.ttar (bond0 without slaves, dmz with two up, int with one of two up), and its failure
// corpus: no bonding_masters is no data (optional, as node_exporter), a master's missing,
// oversized or FIFO slaves file and a slave's missing mii_status fail the collector naming
// the file. Each case runs the in-process Poller on a temp copy of the tree.
import { cpSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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

const tree = mkdtempSync(join(tmpdir(), 'hp-bonding-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));
const net = join(tree, 'sys/class/net');

let config: AgentConfig;
beforeAll(async () => {
  cpSync(join(FIXTURES, 'bonding'), tree, { recursive: true });
  const off = ['cpu', 'mem', 'disk', 'net', 'host', 'hardware', 'process', 'textfile'].map((c) => `  ${c}: {enabled: false}\n`).join('');
  const yaml = `paths:\n  procfs: ${tree}/proc\n  sysfs: ${tree}/sys\n  rootfs: ${tree}\ncollectors:\n${off}`;
  const r = await checkConfigText(yaml, 'bonding.yaml');
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

function bondingLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('node_bonding_') || l.startsWith('# HELP node_bonding_') || l.startsWith('# TYPE node_bonding_'));
}

/** Replaces `rel` (under sys/class/net) for one poll; returns the undo. */
function replace(rel: string, how: 'missing' | 'oversized' | 'fifo' | string): () => void {
  const p = join(net, rel);
  const saved = `${p}.saved`;
  renameSync(p, saved);
  if (how === 'oversized') {
    writeFileSync(p, '');
    truncateSync(p, 16 * 1024 * 1024 + 4096);
  } else if (how === 'fifo') {
    if (spawnSync('mkfifo', [p]).status !== 0) throw new Error(`mkfifo ${p}`);
  } else if (how !== 'missing') writeFileSync(p, how);
  return () => {
    rmSync(p, { force: true });
    renameSync(saved, p);
  };
}

describe('nic bonding part (node_exporter bonding) over its fixture', () => {
  it("serves node_exporter's e2e-output.txt bonding families exactly", async () => {
    const { snap, text } = await poll();
    expect(snap.collectors.nic?.success, snap.collectors.nic?.error).toBe(true);
    expect(snap.readings.nic?.bonding).toEqual([
      { master: 'bond0', slaves: 0, active: 0 },
      { master: 'dmz', slaves: 2, active: 2 },
      { master: 'int', slaves: 2, active: 1 },
    ]);
    expect(bondingLines(text)).toEqual([
      '# HELP node_bonding_active Number of active slaves per bonding interface.',
      '# TYPE node_bonding_active gauge',
      'node_bonding_active{master="bond0"} 0',
      'node_bonding_active{master="dmz"} 2',
      'node_bonding_active{master="int"} 1',
      '# HELP node_bonding_slaves Number of configured slaves per bonding interface.',
      '# TYPE node_bonding_slaves gauge',
      'node_bonding_slaves{master="bond0"} 0',
      'node_bonding_slaves{master="dmz"} 2',
      'node_bonding_slaves{master="int"} 2',
    ]);
  });

  it('without bonding_masters (no bonding driver): no node_bonding_* and the collector succeeds', async () => {
    const undo = replace('bonding_masters', 'missing');
    try {
      const { snap, text } = await poll();
      expect(snap.collectors.nic?.success, snap.collectors.nic?.error).toBe(true);
      expect(snap.readings.nic?.bonding).toBeUndefined();
      expect(bondingLines(text)).toEqual([]);
    } finally {
      undo();
    }
  });

  it('with the part switched off: no node_bonding_*', async () => {
    const saved = config;
    const r = await checkConfigText(
      `paths:\n  sysfs: ${tree}/sys\n  procfs: ${tree}/proc\n  rootfs: ${tree}\ncollectors:\n  cpu: {enabled: false}\n  mem: {enabled: false}\n  disk: {enabled: false}\n  net: {enabled: false}\n  host: {enabled: false}\n  hardware: {enabled: false}\n  textfile: {enabled: false}\n  nic:\n    bonding: {enabled: false}\n`,
      'off.yaml',
    );
    if (!r.config) throw new Error(JSON.stringify(r.issues));
    config = r.config;
    try {
      const { snap, text } = await poll();
      expect(snap.collectors.nic?.success, snap.collectors.nic?.error).toBe(true);
      expect(bondingLines(text)).toEqual([]);
    } finally {
      config = saved;
    }
  });

  const failures: readonly (readonly [rel: string, how: string, reason: string])[] = [
    ['dmz/bonding/slaves', 'missing', 'No such file or directory'],
    ['dmz/bonding/slaves', 'oversized', 'larger than the read limit of 16 MiB'],
    ['dmz/bonding/slaves', 'fifo', 'not a regular file (a FIFO)'],
    ['int/slave_eth1/bonding_slave/mii_status', 'missing', 'No such file or directory'],
    ['int/slave_eth1/bonding_slave/mii_status', 'fifo', 'not a regular file (a FIFO)'],
  ];
  for (const [rel, how, reason] of failures) {
    it(`${rel} ${how}: the nic collector fails naming the file`, async () => {
      const undo = replace(rel, how);
      try {
        const { snap, text } = await poll();
        expect(snap.collectors.nic?.success).toBe(false);
        expect(snap.collectors.nic?.error).toContain(`${join(net, rel)}: ${reason}`);
        expect(text).toContain('node_scrape_collector_success{collector="nic"} 0');
      } finally {
        undo();
      }
    });
  }
});
