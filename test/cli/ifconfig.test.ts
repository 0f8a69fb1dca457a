// `hostprobe ifconfig` on this machine: its text and JSON agree with each other, with the
// library, and with iproute2's `ip -j addr` / `ip -j -s link` read around it.
import { describe, expect, it } from 'vitest';
import * as ifconfig from '../../src/cli/commands/ifconfig.js';
import { AF_INET, AF_INET6, AF_LINK, netIfAddrs, netIfStats } from '../../src/index.js';
import { haveTool, run, tool } from '../helpers/tools.js';
import { runCli } from '../helpers/cli.js';

interface IpAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
  address?: string;
}
interface IpLink {
  ifname: string;
  flags: string[];
  mtu: number;
  link_type: string;
  address?: string;
  addr_info?: IpAddrInfo[];
  stats64?: { rx: { bytes: number; packets: number }; tx: { bytes: number; packets: number } };
}
interface NicJson {
  addrs: { family: number; address: string | null; netmask: string | null; broadcast: string | null; ptp: string | null }[];
  stats: { isUp: boolean; duplex: number; speed: number; mtu: number; flags: string } | null;
  io: { bytesRecv: number; bytesSent: number; packetsRecv: number; packetsSent: number } | null;
}

const ip = tool('ip', 'apt-get install iproute2');

/** Prefix length of a dotted IPv4 or colon IPv6 netmask. */
function prefixOf(mask: string): number {
  if (mask.includes('.')) return mask.split('.').reduce((n, o) => n + popcount(Number(o)), 0);
  const [head = '', tail = ''] = mask.split('::');
  const groups = [...head.split(':'), ...tail.split(':')].filter((g) => g !== '');
  return groups.reduce((n, g) => n + popcount(parseInt(g, 16)), 0);
}
function popcount(n: number): number {
  let c = 0;
  for (let x = n; x; x >>>= 1) c += x & 1;
  return c;
}

/** Parses the text output into { nic: { lineLabel: [values...] } }. */
function parseText(out: string): Map<string, string[]> {
  const nics = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith(' ')) {
      cur = [];
      nics.set(line.replace(/:$/, ''), cur);
    } else cur?.push(line.trim());
  }
  return nics;
}

describe('hostprobe ifconfig', () => {
  it('shows what ip -j addr shows: every NIC, its MTU, state, MAC and addresses', async () => {
    if (!haveTool(ip)) return;
    const links = JSON.parse(run(ip.path, ['-j', 'addr'])) as IpLink[];
    const json = await runCli(ifconfig, ['--json']);
    const text = await runCli(ifconfig, []);
    expect(json.code).toBe(0);
    expect(text.code).toBe(0);
    const data = JSON.parse(json.out) as Record<string, NicJson>;
    const parsed = parseText(text.out);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const nic = data[link.ifname];
      expect(nic, link.ifname).toBeDefined();
      if (!nic) continue;
      const lines = parsed.get(link.ifname);
      expect(lines, `${link.ifname} in the text output`).toBeDefined();
      // Link state: MTU and IFF_UP as the kernel reports them to ip.
      expect(nic.stats?.mtu).toBe(link.mtu);
      expect(nic.stats?.flags.split(',').includes('up')).toBe(link.flags.includes('UP'));
      expect(lines).toContain(
        `stats          : speed=${nic.stats?.speed}MB, duplex=${nic.stats?.duplex === 2 ? 'full' : nic.stats?.duplex === 1 ? 'half' : '?'}, mtu=${link.mtu}, up=${nic.stats?.isUp ? 'yes' : 'no'}`,
      );
      // MAC address.
      if (link.address && link.link_type !== 'none') {
        const mac = nic.addrs.find((a) => a.family === AF_LINK);
        expect(mac?.address).toBe(link.address);
        expect(lines).toContain(`MAC  address   : ${link.address}`);
      }
      // IPv4 and IPv6 addresses with the same prefix (and broadcast for IPv4).
      for (const a of link.addr_info ?? []) {
        const fam = a.family === 'inet' ? AF_INET : a.family === 'inet6' ? AF_INET6 : null;
        if (fam === null) continue;
        const ours = nic.addrs.find((x) => x.family === fam && x.address?.split('%')[0] === a.local);
        expect(ours, `${link.ifname} ${a.local}`).toBeDefined();
        expect(prefixOf(ours!.netmask!)).toBe(a.prefixlen);
        if (fam === AF_INET && a.broadcast) expect(ours!.broadcast).toBe(a.broadcast);
        expect(lines).toContain(`${fam === AF_INET ? 'IPv4' : 'IPv6'} address   : ${ours!.address}`);
        expect(lines).toContain(`netmask   : ${ours!.netmask}`);
      }
      const ipAddrs = (link.addr_info ?? []).filter((a) => a.family === 'inet' || a.family === 'inet6').length;
      const ourAddrs = nic.addrs.filter((a) => a.family === AF_INET || a.family === AF_INET6).length;
      expect(ourAddrs).toBe(ipAddrs);
    }
  });

  it('reports traffic counters between two ip -s link readings', async () => {
    if (!haveTool(ip)) return;
    const before = JSON.parse(run(ip.path, ['-j', '-s', 'link'])) as IpLink[];
    const res = await runCli(ifconfig, ['--bytes']);
    const after = JSON.parse(run(ip.path, ['-j', '-s', 'link'])) as IpLink[];
    expect(res.code).toBe(0);
    const parsed = parseText(res.out);
    for (const b of before) {
      const a = after.find((x) => x.ifname === b.ifname);
      const lines = parsed.get(b.ifname);
      if (!a || !b.stats64 || !a.stats64 || !lines) continue;
      const inc = lines.find((l) => l.startsWith('incoming'));
      const outg = lines.find((l) => l.startsWith('outgoing'));
      const m1 = /bytes=(\d+), pkts=(\d+)/.exec(inc ?? '');
      const m2 = /bytes=(\d+), pkts=(\d+)/.exec(outg ?? '');
      expect(m1, `${b.ifname} incoming line`).not.toBeNull();
      expect(m2, `${b.ifname} outgoing line`).not.toBeNull();
      const [rxBytes, rxPkts, txBytes, txPkts] = [m1![1], m1![2], m2![1], m2![2]].map(Number);
      expect(rxBytes).toBeGreaterThanOrEqual(b.stats64.rx.bytes);
      expect(rxBytes).toBeLessThanOrEqual(a.stats64.rx.bytes);
      expect(rxPkts).toBeGreaterThanOrEqual(b.stats64.rx.packets);
      expect(rxPkts).toBeLessThanOrEqual(a.stats64.rx.packets);
      expect(txBytes).toBeGreaterThanOrEqual(b.stats64.tx.bytes);
      expect(txBytes).toBeLessThanOrEqual(a.stats64.tx.bytes);
      expect(txPkts).toBeGreaterThanOrEqual(b.stats64.tx.packets);
      expect(txPkts).toBeLessThanOrEqual(a.stats64.tx.packets);
    }
  });

  it('prints the library data as JSON, filtered to the NICs named', async () => {
    const res = await runCli(ifconfig, ['--json', 'lo']);
    expect(res.code).toBe(0);
    const data = JSON.parse(res.out) as Record<string, NicJson>;
    expect(Object.keys(data)).toEqual(['lo']);
    expect(data.lo!.addrs).toEqual(netIfAddrs().lo);
    const st = netIfStats().lo!;
    expect(data.lo!.stats).toEqual(st);
    expect(data.lo!.io!.bytesRecv).toBeGreaterThan(0);
  });

  it('fails on an unknown interface, --help exits 0, a bad flag exits 2', async () => {
    const missing = await runCli(ifconfig, ['no-such-nic0']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no-such-nic0: no such interface');
    const help = await runCli(ifconfig, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: hostprobe ifconfig/);
    const bad = await runCli(ifconfig, ['--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--frobnicate'");
    expect(bad.out).toBe('');
  });
});
