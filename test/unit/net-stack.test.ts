// conntrack, softnetStat, arpEntries and udpQueues through the real addon, over
// test/fixtures/net-stack (node_exporter 1.12.1's own fixture files: a 4-CPU softnet_stat of
// 11 columns, a 17-column nf_conntrack) and test/fixtures/net-stack-6x (a 5.14+ softnet_stat
// with the backlog and CPU-index columns, udp6, no conntrack module), and netRxNohandler over
// sysfs trees. Fixture procfs trees are not /proc, so the namespaced files come from
// <procfs>/1/net/, and rx_nohandler from <sysfs>/class/net/<if>/statistics/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NotFoundError, ParseError } from '../../src/errors.js';
import { arpEntries, conntrack, netRxNohandler, softnetStat, udpQueues } from '../../src/net.js';
import { FIXTURES } from '../helpers/tools.js';

const roots = (name: string) => ({
  procfs: join(FIXTURES, name, 'proc'),
  sysfs: join(FIXTURES, name, 'sys'),
  rootfs: join(FIXTURES, name),
});
const ne = { roots: roots('net-stack') };
const k6 = { roots: roots('net-stack-6x') };

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});
/** A procfs tree holding `files` (paths relative to procfs). */
function tree(files: Record<string, string>): { roots: { procfs: string; sysfs: string; rootfs: string } } {
  const d = mkdtempSync(join(tmpdir(), 'hp-netstack-'));
  tmp.push(d);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(d, 'proc', rel)), { recursive: true });
    writeFileSync(join(d, 'proc', rel), text);
  }
  return { roots: { procfs: join(d, 'proc'), sysfs: join(d, 'sys'), rootfs: d } };
}

describe('conntrack', () => {
  it("reads count, max and the per-CPU statistics summed, as node_exporter's fixture expects", () => {
    expect(conntrack(ne)).toEqual({
      entries: 123,
      limit: 65536,
      stat: { found: 0, invalid: 53, ignore: 89738, insert: 0, insertFailed: 0, drop: 0, earlyDrop: 0, searchRestart: 7 },
    });
  });

  it('is all null without the nf_conntrack module', () => {
    expect(conntrack(k6)).toEqual({ entries: null, limit: null, stat: null });
  });

  it('leaves search_restart 0 on 16-column kernels (before 2.6.35)', () => {
    const hdr =
      'entries searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error expect_new expect_create expect_delete\n';
    const line =
      '00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a 0000000b 0000000c 0000000d 0000000e 0000000f 00000010\n';
    const t = tree({ '1/net/stat/nf_conntrack': hdr + line + line });
    expect(conntrack(t).stat).toEqual({
      found: 6,
      invalid: 10,
      ignore: 12,
      insert: 18,
      insertFailed: 20,
      drop: 22,
      earlyDrop: 24,
      searchRestart: 0,
    });
  });

  it('fails loudly on a malformed file, naming it', () => {
    const bad = tree({ '1/net/stat/nf_conntrack': 'entries searched\n00000001 zz\n' });
    expect(() => conntrack(bad)).toThrow(ParseError);
    expect(() => conntrack(bad)).toThrow(/nf_conntrack.*line 2/);
    const badCount = tree({ 'sys/net/netfilter/nf_conntrack_count': 'many\n' });
    expect(() => conntrack(badCount)).toThrow(/nf_conntrack_count.*unsigned integer/);
  });
});

describe('softnetStat', () => {
  it('numbers CPUs by line on kernels before 5.14, with 0 for the columns they lack', () => {
    const s = softnetStat(ne);
    expect(s.map((r) => r.cpu)).toEqual([0, 1, 2, 3]);
    expect(s.map((r) => r.processed)).toEqual([299641, 916354, 5577791, 3113785]);
    expect(s.map((r) => r.dropped)).toEqual([0, 41, 0, 0]);
    expect(s.map((r) => r.timeSqueezed)).toEqual([1, 10, 85, 50]);
    expect(s.every((r) => r.backlogLen === 0 && r.receivedRps === 0 && r.flowLimitCount === 0 && r.cpuCollision === 0)).toBe(true);
  });

  it('takes the CPU index and backlog from the 5.14+ columns', () => {
    expect(softnetStat(k6)).toEqual([
      { cpu: 0, processed: 0xd6205, dropped: 0, timeSqueezed: 0, cpuCollision: 0, receivedRps: 0, flowLimitCount: 0, backlogLen: 0 },
      // The second line belongs to CPU 2 (CPU 1 offline): the index column, not the line order.
      { cpu: 2, processed: 0xa0958, dropped: 3, timeSqueezed: 4, cpuCollision: 2, receivedRps: 5, flowLimitCount: 6, backlogLen: 7 },
    ]);
  });

  it('fails loudly on short lines, bad numbers, duplicate CPUs and a missing file', () => {
    expect(() => softnetStat(tree({ '1/net/softnet_stat': '00000001 00000002\n' }))).toThrow(/softnet_stat.*line 1.*at least 9 columns/);
    expect(() => softnetStat(tree({ '1/net/softnet_stat': '0000000g 0 0 0 0 0 0 0 0\n' }))).toThrow(ParseError);
    expect(() => softnetStat(tree({ '1/net/softnet_stat': '100000000 0 0 0 0 0 0 0 0\n' }))).toThrow(/above 32 bits/);
    const dup = '1 0 0 0 0 0 0 0 0 0 0 0 3\n';
    expect(() => softnetStat(tree({ '1/net/softnet_stat': dup + dup }))).toThrow(/duplicate cpu 3/);
    expect(() => softnetStat(tree({ '1/net/softnet_stat': '' }))).toThrow(/empty file/);
    expect(() => softnetStat(tree({ '1/net/arp': '' }))).toThrow(NotFoundError);
  });
});

describe('arpEntries', () => {
  it('counts the entries of /proc/net/arp per device', () => {
    expect(arpEntries(ne)).toEqual({ eth0: 3, eth1: 3, nope: 1 });
    expect(arpEntries(k6)).toEqual({});
  });

  it('reads the file of a fixture tree even with netlink asked: the tree is not this namespace', () => {
    expect(arpEntries({ ...ne, netlink: true })).toEqual({ eth0: 3, eth1: 3, nope: 1 });
  });

  it('fails loudly on a malformed line or a missing file', () => {
    const hdr = 'IP address       HW type     Flags       HW address            Mask     Device\n';
    expect(() => arpEntries(tree({ '1/net/arp': hdr + '10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff *\n' }))).toThrow(/arp.*line 2.*6 columns/);
    expect(() => arpEntries(tree({ '1/net/arp': hdr + '10.0.0.1 0x1 0xzz aa:bb:cc:dd:ee:ff * eth0\n' }))).toThrow(/bad flags/);
    expect(() => arpEntries(tree({ '1/net/arp': hdr + '10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee * eth0\n' }))).toThrow(/bad HW address/);
    expect(() => arpEntries(tree({ '1/net/softnet_stat': '' }))).toThrow(NotFoundError);
  });
});

describe('udpQueues', () => {
  it('sums tx_queue and rx_queue per family; a missing table is null', () => {
    expect(udpQueues(ne)).toEqual({ v4: { tx: 21, rx: 0 }, v6: null });
    expect(udpQueues(k6)).toEqual({ v4: { tx: 0, rx: 0 }, v6: { tx: 0x10, rx: 0xa00 + 0x100 } });
  });

  it('fails loudly on a malformed line', () => {
    const hdr = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
    expect(() =>
      udpQueues(tree({ '1/net/udp': hdr + '   0: 00000000:0016 00000000:0000 07 0000001500000000 00:00000000 00000000 0 0 1 2 0 0\n' })),
    ).toThrow(/udp.*line 2.*tx_queue:rx_queue/);
    expect(() => udpQueues(tree({ '1/net/udp6': hdr + '   0: 00000000:0016\n' }))).toThrow(/udp6.*line 2.*at least 10 columns/);
  });
});

describe('netRxNohandler', () => {
  /** A tree with a sysfs holding `files` (paths relative to sysfs). */
  function sysTree(files: Record<string, string>) {
    const t = tree({ stat: 'cpu 0 0 0 0\n' });
    const sysfs = join(t.roots.rootfs, 'sys');
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(sysfs, rel)), { recursive: true });
      writeFileSync(join(sysfs, rel), text);
    }
    return t;
  }

  it('reads statistics/rx_nohandler of each interface that has it when procfs is another namespace', () => {
    const t = sysTree({
      'class/net/eth0/statistics/rx_nohandler': '17\n',
      'class/net/eth1/statistics/rx_nohandler': '0\n',
      'class/net/old0/mtu': '1500\n', // a kernel before 4.6: no rx_nohandler
      'class/net/bonding_masters': 'bond0\n',
    });
    expect(netRxNohandler(t)).toEqual({ eth0: 17, eth1: 0 });
    expect(netRxNohandler({ roots: roots('agent-e2e') })).toEqual({ eth0: 5, lo: 0 });
  });

  it('fails loudly on a bad value or a sysfs without class/net', () => {
    expect(() => netRxNohandler(sysTree({ 'class/net/eth0/statistics/rx_nohandler': 'lots\n' }))).toThrow(
      /eth0\/statistics\/rx_nohandler.*unsigned integer/,
    );
    expect(() => netRxNohandler(sysTree({ 'block/sda/size': '1\n' }))).toThrow(NotFoundError);
  });
});
