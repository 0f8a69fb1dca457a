// Live cross-checks of conntrack, softnet, arp, udp_queues and netdev's rx_nohandler on this
// machine:
// - node_exporter 1.12.1 with its defaults for these collectors (arp over netlink) is scraped
//   (A), `hostprobe metrics` polls once, node_exporter is scraped again (B): the same families
//   with the same HELP, TYPE and label sets, and every value within [A, B] (counters
//   exactly; gauges that move widened by a stated tolerance);
// - the library's netlink ARP count equals /proc/net/arp read before and after it, and its
//   RTM_GETLINK rx_nohandler lies between sysfs reads before and after it;
// - a UDP socket holding unread datagrams shows in udpQueues' rx bytes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arpEntries, conntrack, netRxNohandler, softnetStat, udpQueues } from '../../src/net.js';
import { haveTool, tool } from '../helpers/tools.js';
import {
  freePort,
  haveCli,
  httpGet,
  parseFamilies,
  runCli,
  sampleKey,
  startDaemon,
  waitFor,
  type Daemon,
  type Family,
  type Sample,
} from '../helpers/agent.js';

const COLLECTORS = ['conntrack', 'softnet', 'arp', 'udp_queues', 'netdev'];

/** Binds a UDP socket on loopback, sends it 3 datagrams of 4 KiB, prints its port, waits for stdin to close. */
const HOLDER = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  "s.bind(('127.0.0.1', 0))",
  "for _ in range(3): s.sendto(b'x' * 4096, s.getsockname())",
  'print(s.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');
const FAMILIES = /^node_(nf_conntrack_|softnet_|arp_entries|udp_queues|network_receive_nohandler_total)/;

/** Tolerance for gauges that move both ways: absolute. */
function tolerance(name: string): number {
  if (name === 'node_nf_conntrack_entries') return 256; // flows come and go
  if (name === 'node_udp_queues') return 4 * 1024 * 1024; // datagrams arrive and are read
  if (name === 'node_softnet_backlog_len') return 1000;
  if (name === 'node_arp_entries') return 2;
  return 0; // the limit and the monotonic statistics
}

describe('conntrack, softnet, arp, udp_queues and rx_nohandler agree with node_exporter 1.12.1 at the same moment', () => {
  let ne: Daemon | undefined;
  let A = new Map<string, Family>();
  let B = new Map<string, Family>();
  let H = new Map<string, Family>();

  beforeAll(async () => {
    const bin = tool('node_exporter', 'go install github.com/prometheus/node_exporter@v1.12.1', [
      join(homedir(), 'go', 'bin', 'node_exporter'),
    ]);
    if (!haveCli() || !haveTool(bin)) return;
    const port = await freePort();
    ne = startDaemon(bin.path, [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...COLLECTORS.map((c) => `--collector.${c}`),
    ]);
    const scrape = async () => {
      const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
      return r.status === 200 ? r.body : undefined;
    };
    const a = await waitFor(scrape, 30_000, 'node_exporter');
    const h = runCli(['metrics', '--collector.disable-defaults', ...COLLECTORS.map((c) => `--collector.${c}`)]);
    expect(h.status, h.stderr).toBe(0);
    const b = await waitFor(scrape, 30_000, 'node_exporter');
    A = parseFamilies(a);
    B = parseFamilies(b);
    H = parseFamilies(h.stdout);
  });

  afterAll(async () => {
    await ne?.stop();
  });

  it('serves the same families with the same HELP, TYPE and series', () => {
    if (!ne) return;
    for (const c of COLLECTORS)
      expect(B.get('node_scrape_collector_success')?.samples.find((s) => s.labels.collector === c)?.value, c).toBe(1);
    const shape = (fams: Map<string, Family>) =>
      Object.fromEntries(
        [...fams.values()]
          .filter((f) => FAMILIES.test(f.name))
          .map((f) => [f.name, { help: f.help, type: f.type, series: f.samples.map((s) => sampleKey(s)).sort() }]),
      );
    const expected = shape(B);
    // This host has softnet_stat and UDP tables; conntrack and ARP entries where present.
    expect(Object.keys(expected)).toEqual(
      expect.arrayContaining(['node_softnet_processed_total', 'node_udp_queues', 'node_network_receive_nohandler_total']),
    );
    expect(shape(H)).toEqual(expected);
  });

  it('agrees series by series within [A, B]', () => {
    if (!ne) return;
    const index = (fams: Map<string, Family>) => {
      const m = new Map<string, Sample>();
      for (const f of fams.values()) if (FAMILIES.test(f.name)) for (const s of f.samples) m.set(sampleKey(s), s);
      return m;
    };
    const a = index(A);
    const b = index(B);
    const problems: string[] = [];
    let n = 0;
    for (const [key, sh] of index(H)) {
      const sa = a.get(key);
      const sb = b.get(key);
      if (!sa || !sb) {
        problems.push(`${key}: not served by node_exporter`);
        continue;
      }
      n++;
      const tol = tolerance(sh.name);
      const lo = Math.min(sa.value, sb.value) - tol;
      const hi = Math.max(sa.value, sb.value) + tol;
      if (sh.value < lo || sh.value > hi) problems.push(`${key}: node_exporter ${sa.value} .. ${sb.value}, hostprobe ${sh.value}`);
    }
    expect(problems).toEqual([]);
    expect(n).toBeGreaterThan(4);
  });
});

describe('the library on this host', () => {
  it('counts the bytes a UDP socket holds unread', async () => {
    // A socket in another process that sends itself 3 datagrams and never reads them.
    const py = tool('python3', 'apt-get install python3');
    if (!haveTool(py)) return;
    const holder = spawn(py.path, ['-c', HOLDER], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        holder.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
        holder.once('exit', (code) => reject(new Error(`the UDP holder exited with ${code}`)));
      });
      expect(port).toBeGreaterThan(0);
      const q = udpQueues();
      expect(q.v4).not.toBeNull();
      expect(q.v4!.rx).toBeGreaterThanOrEqual(3 * 4096);
    } finally {
      holder.stdin.end();
      holder.kill();
    }
  });

  it('gives the same ARP counts by netlink as /proc/net/arp read before and after', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = arpEntries({ netlink: false });
      const viaNetlink = arpEntries({ netlink: true });
      const after = arpEntries({ netlink: false });
      if (JSON.stringify(before) !== JSON.stringify(after)) continue; // the table changed meanwhile
      expect(viaNetlink).toEqual(before);
      return;
    }
    throw new Error('the ARP table changed during each of 20 attempts');
  });

  it('reads rx_nohandler by netlink between two sysfs reads', () => {
    const sysfs = () => {
      const out: Record<string, number> = {};
      for (const d of readdirSync('/sys/class/net')) {
        const f = join('/sys/class/net', d, 'statistics', 'rx_nohandler');
        if (existsSync(f)) out[d] = Number(readFileSync(f, 'utf8').trim());
      }
      return out;
    };
    const before = sysfs();
    const viaNetlink = netRxNohandler();
    const after = sysfs();
    const both = Object.keys(before).filter((d) => d in after);
    expect(both.length).toBeGreaterThan(0);
    for (const d of both) {
      expect(viaNetlink[d], d).toBeGreaterThanOrEqual(before[d]!);
      expect(viaNetlink[d], d).toBeLessThanOrEqual(after[d]!);
    }
  });

  it('reads softnet_stat with one entry per online CPU line and conntrack where loaded', () => {
    const s = softnetStat();
    expect(s.length).toBeGreaterThan(0);
    expect(new Set(s.map((r) => r.cpu)).size).toBe(s.length);
    const c = conntrack();
    const loaded = existsSync('/proc/sys/net/netfilter/nf_conntrack_count');
    expect(c.entries !== null).toBe(loaded);
    if (loaded) expect(c.limit).toBeGreaterThan(0);
  });
});
