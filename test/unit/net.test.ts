// The net API through the real addon, over the fixture trees in test/fixtures/net-*.
// Every fixture procfs is not /proc, so these run in host mode: the namespaced files are
// read from <procfs>/1/net/..., never <procfs>/self/net/....
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AF_LINK,
  AF_PACKET,
  AF_UNIX,
  AddressFamily,
  CONN_LISTEN,
  ConnectionStatus,
  NIC_DUPLEX_FULL,
  NicDuplex,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  SocketType,
  TCP_STATE_LABELS,
  TCP_STATUSES,
  addressFamilyName,
} from '../../src/enums.js';
import { InvalidArgumentError, NoSuchProcess, NotFoundError, ParseError } from '../../src/errors.js';
import {
  clearNetIoCountersCache,
  netClass,
  netClassAsync,
  netConnections,
  netIfAddrs,
  netIfStats,
  netIfStatsAsync,
  netIoCounters,
  netStat,
  sockStat,
  tcpConnectionStates,
  tcpConnectionStatesAsync,
  type Connection,
  type InetConnection,
} from '../../src/net.js';
import { getRoots, setRoots } from '../../src/roots.js';
import { FIXTURES } from '../helpers/tools.js';

const fixture = (name: string) => ({
  procfs: join(FIXTURES, name, 'proc'),
  sysfs: join(FIXTURES, name, 'sys'),
  rootfs: join(FIXTURES, name),
});
const basic = fixture('net-basic');
const old = fixture('net-oldkernel');
const malformed = fixture('net-malformed');

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

const HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

/** A procfs with only 1/net/dev, rewritten by the returned function. */
function devTree(): { roots: { procfs: string }; write: (lines: string[]) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hp-net-unit-'));
  tmpDirs.push(dir);
  mkdirSync(join(dir, 'proc', '1', 'net'), { recursive: true });
  const write = (lines: string[]) => writeFileSync(join(dir, 'proc', '1', 'net', 'dev'), HEADER + lines.join('\n') + '\n');
  return { roots: { procfs: join(dir, 'proc') }, write };
}

describe('enums', () => {
  it('carry the kernel numbers and psutil strings, and serialize as plain values', () => {
    expect(AddressFamily).toMatchObject({ AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_PACKET: 17 });
    expect(AF_LINK).toBe(AF_PACKET);
    expect(addressFamilyName(17)).toBe('AF_LINK');
    expect(addressFamilyName(99)).toBe('99');
    expect(NicDuplex).toEqual({ UNKNOWN: 0, HALF: 1, FULL: 2 });
    expect(SocketType).toEqual({ SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_SEQPACKET: 5 });
    expect(TCP_STATUSES['0A']).toBe(CONN_LISTEN);
    expect(TCP_STATUSES['01']).toBe(ConnectionStatus.ESTABLISHED);
    expect(Object.keys(TCP_STATUSES)).toHaveLength(11);
    expect(TCP_STATE_LABELS).toHaveLength(11);
    expect(JSON.parse(JSON.stringify({ f: AF_INET6, s: CONN_LISTEN }))).toEqual({ f: 10, s: 'LISTEN' });
    expect(Object.isFrozen(AddressFamily)).toBe(true);
  });
});

describe('netIoCounters', () => {
  beforeEach(() => clearNetIoCountersCache());

  it('reads <procfs>/1/net/dev in host mode, splitting names at the last colon', () => {
    const per = netIoCounters({ perNic: true, roots: basic });
    expect(Object.keys(per)).toEqual(['lo', 'eth0', 'br-1.lan', 'weird:name', 'eth1', 'we@ird', 'wlän0']);
    // proc/self/net/dev says lo received 7 bytes: that is the reader's namespace, not the host's.
    expect(per.lo!.bytesRecv).toBe(3245);
    const eth0 = per.eth0!;
    expect(eth0).toEqual({
      bytesSent: 566797,
      bytesRecv: 315070614,
      packetsSent: 5296,
      packetsRecv: 8962,
      errin: 1,
      errout: 7,
      dropin: 2,
      dropout: 8,
      rx: { bytes: 315070614, packets: 8962, errs: 1, drop: 2, fifo: 3, frame: 4, compressed: 5, multicast: 6 },
      tx: { bytes: 566797, packets: 5296, errs: 7, drop: 8, fifo: 9, colls: 10, carrier: 11, compressed: 12 },
    });
    expect(per['weird:name']!.tx.compressed).toBe(16);
    expect(per.eth1!.bytesRecv).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('sums every NIC for the total', () => {
    const per = netIoCounters({ perNic: true, roots: basic, nowrap: false });
    const total = netIoCounters({ roots: basic, nowrap: false });
    expect(total).not.toBeNull();
    const sum = (f: (c: (typeof per)[string]) => number) => Object.values(per).reduce((a, c) => a + f(c), 0);
    expect(total!.bytesSent).toBe(sum((c) => c.bytesSent));
    expect(total!.packetsRecv).toBe(sum((c) => c.packetsRecv));
    expect(total!.rx.multicast).toBe(6 + 8 + 3);
    expect(total!.tx.colls).toBe(10 + 14);
  });

  it('follows the module-level roots', () => {
    const saved = getRoots();
    try {
      setRoots(old);
      expect(Object.keys(netIoCounters({ perNic: true }))).toEqual(['lo', 'eth0']);
    } finally {
      setRoots(saved);
    }
  });

  it('nowrap keeps counters monotonic when a counter wraps, per NIC and field', () => {
    const t = devTree();
    t.write(['  eth0: 4294967000 10 0 0 0 0 0 0 500 5 0 0 0 0 0 0', '    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0']);
    expect(netIoCounters({ perNic: true, roots: t.roots }).eth0!.bytesRecv).toBe(4294967000);
    // The 32-bit rx byte counter wrapped to 200.
    t.write(['  eth0: 200 12 0 0 0 0 0 0 600 6 0 0 0 0 0 0', '    lo: 150 2 0 0 0 0 0 0 150 2 0 0 0 0 0 0']);
    const second = netIoCounters({ perNic: true, roots: t.roots });
    expect(second.eth0!.bytesRecv).toBe(4294967000 + 200);
    expect(second.eth0!.rx.bytes).toBe(4294967000 + 200);
    expect(second.eth0!.packetsRecv).toBe(12);
    expect(second.eth0!.bytesSent).toBe(600);
    expect(second.lo!.bytesRecv).toBe(150);
    // The remainder sticks for later calls.
    t.write(['  eth0: 300 13 0 0 0 0 0 0 700 7 0 0 0 0 0 0', '    lo: 160 3 0 0 0 0 0 0 160 3 0 0 0 0 0 0']);
    expect(netIoCounters({ roots: t.roots })!.bytesRecv).toBe(4294967000 + 300 + 160);
    // nowrap: false gives the raw file values.
    expect(netIoCounters({ perNic: true, roots: t.roots, nowrap: false }).eth0!.bytesRecv).toBe(300);
    // A NIC that disappears loses its remainder.
    t.write(['    lo: 170 3 0 0 0 0 0 0 170 3 0 0 0 0 0 0']);
    netIoCounters({ roots: t.roots });
    t.write(['  eth0: 50 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0', '    lo: 180 3 0 0 0 0 0 0 180 3 0 0 0 0 0 0']);
    expect(netIoCounters({ perNic: true, roots: t.roots }).eth0!.bytesRecv).toBe(50);
    // cache clear forgets everything.
    t.write(['  eth0: 10 1 0 0 0 0 0 0 10 1 0 0 0 0 0 0']);
    clearNetIoCountersCache();
    expect(netIoCounters({ perNic: true, roots: t.roots }).eth0!.bytesRecv).toBe(10);
  });

  it('returns null (total) or {} (per NIC) when there is no NIC', () => {
    const t = devTree();
    t.write([]);
    expect(netIoCounters({ roots: t.roots })).toBeNull();
    expect(netIoCounters({ roots: t.roots, nowrap: false })).toBeNull();
    expect(netIoCounters({ perNic: true, roots: t.roots })).toEqual({});
  });

  it('throws a ParseError naming the file and line on a malformed line', () => {
    let err: unknown;
    try {
      netIoCounters({ roots: malformed });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).path).toBe(join(malformed.procfs, '1', 'net', 'dev'));
    expect((err as Error).message).toMatch(/line 4 \(eth0\): expected 16 counters, got 4/);
  });

  it('throws NotFoundError when net/dev is missing', () => {
    expect(() => netIoCounters({ roots: { procfs: join(FIXTURES, 'net-nonexistent', 'proc') } })).toThrow(NotFoundError);
  });
});

describe('netIfStats (host mode: from sysfs)', () => {
  const expected = {
    lo: { isUp: true, duplex: NicDuplex.UNKNOWN, speed: 0, mtu: 65536, flags: 'up,loopback,running' },
    eth0: { isUp: true, duplex: NIC_DUPLEX_FULL, speed: 10000, mtu: 1400, flags: 'up,broadcast,running,multicast' },
    'br-1.lan': { isUp: false, duplex: NicDuplex.UNKNOWN, speed: 0, mtu: 1500, flags: 'broadcast,multicast' },
    'we@ird': { isUp: true, duplex: NicDuplex.HALF, speed: 100, mtu: 9000, flags: 'up,broadcast,running,promisc,multicast' },
    wlän0: { isUp: false, duplex: NicDuplex.UNKNOWN, speed: 0, mtu: 1500, flags: 'up,broadcast,multicast' },
  };

  it('answers for the host NICs named in <procfs>/1/net/dev, skipping those without sysfs', async () => {
    // The fixture has no proc/1/ns/net, so the caller cannot be in the host's netns:
    // ioctls would describe the wrong interfaces and sysfs is used.
    expect(netIfStats({ roots: basic })).toEqual(expected);
    expect(await netIfStatsAsync({ roots: basic })).toEqual(expected);
  });
});

describe('netClass', () => {
  it('reads every interface directory, odd names included, each attribute null when missing', async () => {
    const c = netClass({ roots: basic });
    expect(Object.keys(c)).toEqual(['br-1.lan', 'eth0', 'lo', 'we@ird', 'wlän0']);
    expect(c.eth0).toEqual({
      address: '02:fc:00:00:00:01',
      broadcast: 'ff:ff:ff:ff:ff:ff',
      duplex: 'full',
      operstate: 'up',
      adminState: 'up',
      ifalias: 'uplink to core',
      mtu: 1400,
      speed: 10000,
      carrier: 1,
      carrierChanges: 2,
      carrierUpCount: 1,
      carrierDownCount: 1,
      dormant: 0,
      flags: 0x1003,
      iflink: 4,
      ifindex: 4,
      linkMode: 0,
      type: 1,
      addrAssignType: 0,
      nameAssignType: 4,
      netdevGroup: 0,
      devId: 0,
      txQueueLen: 1000,
    });
    expect(c['br-1.lan']!.speed).toBe(-1);
    expect(c['br-1.lan']!.carrier).toBeNull();
    expect(c['br-1.lan']!.adminState).toBe('down');
    expect(c.lo!.speed).toBeNull();
    expect(c.lo!.duplex).toBeNull();
    expect(c['we@ird']!.devId).toBe(2);
    expect(c['wlän0']!.operstate).toBe('dormant');
    expect(c['wlän0']!.carrierChanges).toBeNull();
    expect(await netClassAsync({ roots: basic })).toEqual(c);
  });

  it('throws NotFoundError without <sysfs>/class/net', () => {
    expect(() => netClass({ roots: old })).toThrow(NotFoundError);
  });
});

describe('sockStat and netStat', () => {
  it('parse sockstat + sockstat6 into protocol -> field -> number', () => {
    expect(sockStat({ roots: basic })).toEqual({
      sockets: { used: 16 },
      TCP: { inuse: 2, orphan: 0, tw: 6, alloc: 2, mem: 38 },
      UDP: { inuse: 0, mem: 0 },
      UDPLITE: { inuse: 0 },
      RAW: { inuse: 0 },
      FRAG: { inuse: 0, memory: 0 },
      TCP6: { inuse: 1 },
      UDP6: { inuse: 3 },
      UDPLITE6: { inuse: 0 },
      RAW6: { inuse: 0 },
      FRAG6: { inuse: 0, memory: 0 },
    });
    expect(sockStat({ roots: old })).toEqual({
      sockets: { used: 127 },
      TCP: { inuse: 9, orphan: 0, tw: 0, alloc: 11, mem: 1 },
      UDP: { inuse: 4 },
      RAW: { inuse: 0 },
      FRAG: { inuse: 0, memory: 0 },
    });
  });

  it('parse netstat, snmp and snmp6', () => {
    const s = netStat({ roots: basic });
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining(['TcpExt', 'IpExt', 'Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite', 'Ip6', 'Icmp6', 'Udp6']),
    );
    expect(s.Tcp!.MaxConn).toBe(-1);
    expect(s.Tcp!.RtoMax).toBe(120000);
    expect(s.Ip!.Forwarding).toBe(2);
    expect(s.Ip6!.InOctets).toBe(1234567);
    expect(s.Icmp6!.InType133).toBe(2);
    expect(s.UdpLite6!.InDatagrams).toBe(0);
    const o = netStat({ roots: old });
    expect(o.TcpExt!.ListenOverflows).toBe(3);
    expect(o.IpExt!.InOctets).toBe(987654321);
    expect(Object.keys(o.Udp!)).toEqual(['InDatagrams', 'NoPorts', 'InErrors', 'OutDatagrams', 'RcvbufErrors', 'SndbufErrors']);
    expect(o.Ip6).toBeUndefined();
  });

  it('raise ParseError naming the file', () => {
    expect(() => sockStat({ roots: malformed })).toThrow(ParseError);
    expect(() => sockStat({ roots: malformed })).toThrow(/net-malformed\/proc\/1\/net\/sockstat: line 2/);
    expect(() => netStat({ roots: malformed })).toThrow(/snmp: line 2 \(Ip\): 3 names but 2 values/);
  });
});

describe('tcpConnectionStates', () => {
  it('counts tcp + tcp6 sockets per node_exporter state label', async () => {
    const want = {
      states: {
        established: 3,
        syn_sent: 0,
        syn_recv: 0,
        fin_wait1: 0,
        fin_wait2: 0,
        time_wait: 1,
        close: 0,
        close_wait: 1,
        last_ack: 0,
        listen: 3,
        closing: 0,
      },
      unknown: 0,
      rxQueuedBytes: 39,
      txQueuedBytes: 17,
    };
    expect(tcpConnectionStates({ roots: basic })).toEqual(want);
    expect(await tcpConnectionStatesAsync({ roots: basic })).toEqual(want);
    expect(tcpConnectionStates({ roots: old }).states.listen).toBe(1);
  });

  it('rejects a cut table line', async () => {
    expect(() => tcpConnectionStates({ roots: malformed })).toThrow(ParseError);
    await expect(tcpConnectionStatesAsync({ roots: malformed })).rejects.toBeInstanceOf(ParseError);
  });
});

describe('netConnections', () => {
  const find = (rows: Connection[], pred: (c: Connection) => boolean) => rows.filter(pred);

  it('decodes the inet tables and maps inodes to owners like psutil', async () => {
    const tcp4 = (await netConnections({ kind: 'tcp4', roots: basic })) as InetConnection[];
    expect(tcp4).toHaveLength(4);
    expect(tcp4).toContainEqual({
      fd: 3,
      family: AF_INET,
      type: SOCK_STREAM,
      laddr: { ip: '0.0.0.0', port: 8080 },
      raddr: null,
      status: 'LISTEN',
      pid: 5000, // shared with pid 1: the last pid scanned wins
    });
    expect(tcp4).toContainEqual({
      fd: 5,
      family: AF_INET,
      type: SOCK_STREAM,
      laddr: { ip: '127.0.0.1', port: 8080 },
      raddr: { ip: '127.0.0.1', port: 50000 },
      status: 'ESTABLISHED',
      pid: 4242,
    });
    expect(tcp4).toContainEqual({
      fd: -1,
      family: AF_INET,
      type: SOCK_STREAM,
      laddr: { ip: '192.0.2.2', port: 46418 },
      raddr: { ip: '203.0.113.80', port: 443 },
      status: 'TIME_WAIT',
      pid: null,
    });
    const tcp6 = (await netConnections({ kind: 'tcp6', roots: basic })) as InetConnection[];
    expect(tcp6.map((c) => c.laddr?.ip)).toEqual(['::', '::ffff:127.0.0.1', 'fe80::1', '2001:db8::1']);
    expect(tcp6.every((c) => c.family === AF_INET6)).toBe(true);
    expect(tcp6.find((c) => c.status === 'CLOSE_WAIT')?.raddr).toEqual({ ip: 'fe80::2', port: 0xe000 });
  });

  it('selects tables by kind; udp is NONE; default kind is inet', async () => {
    const count = async (kind: Parameters<typeof netConnections>[0]) => (await netConnections({ roots: basic, ...kind })).length;
    expect(await count({ kind: 'tcp' })).toBe(8);
    expect(await count({ kind: 'udp4' })).toBe(2);
    expect(await count({ kind: 'udp6' })).toBe(1);
    expect(await count({ kind: 'inet4' })).toBe(6);
    expect(await count({ kind: 'inet6' })).toBe(5);
    expect(await count({})).toBe(11);
    expect(await count({ kind: 'all' })).toBe(17);
    const udp = await netConnections({ kind: 'udp', roots: basic });
    expect(udp.every((c) => c.status === 'NONE' && c.type === SOCK_DGRAM)).toBe(true);
    expect(udp).toContainEqual({
      fd: 8,
      family: AF_INET,
      type: SOCK_DGRAM,
      laddr: { ip: '0.0.0.0', port: 68 },
      raddr: null,
      status: 'NONE',
      pid: 4242,
    });
  });

  it('reports unix sockets with their path (spaces, abstract @, newline) as laddr', async () => {
    const unix = await netConnections({ kind: 'unix', roots: basic });
    expect(unix.every((c) => c.family === AF_UNIX && c.raddr === null && c.status === 'NONE')).toBe(true);
    expect(find(unix, (c) => c.laddr === '/run/my app/sock et')).toEqual([
      { fd: 6, family: AF_UNIX, type: SOCK_STREAM, laddr: '/run/my app/sock et', raddr: null, status: 'NONE', pid: 4242 },
      { fd: 7, family: AF_UNIX, type: SOCK_STREAM, laddr: '/run/my app/sock et', raddr: null, status: 'NONE', pid: 4242 },
    ]);
    expect(find(unix, (c) => c.laddr === '@abstract@name')).toEqual([
      { fd: -1, family: AF_UNIX, type: SOCK_DGRAM, laddr: '@abstract@name', raddr: null, status: 'NONE', pid: null },
    ]);
    expect(find(unix, (c) => c.laddr === '/tmp/with\nnewline')[0]?.type).toBe(SOCK_SEQPACKET);
  });

  it('with pid, returns only that process sockets', async () => {
    const mine = await netConnections({ kind: 'all', pid: 4242, roots: basic });
    expect(mine).toHaveLength(5);
    expect(mine.every((c) => c.pid === 4242)).toBe(true);
    const p1 = await netConnections({ kind: 'tcp', pid: 1, roots: basic });
    expect(p1).toEqual([
      { fd: 3, family: AF_INET, type: SOCK_STREAM, laddr: { ip: '0.0.0.0', port: 8080 }, raddr: null, status: 'LISTEN', pid: 1 },
    ]);
    const gone = netConnections({ kind: 'all', pid: 31337, roots: basic });
    await expect(gone).rejects.toBeInstanceOf(NoSuchProcess);
    await expect(gone).rejects.toMatchObject({ pid: 31337 });
  });

  it('rejects a bad kind or pid, and a malformed table with a ParseError', async () => {
    await expect(netConnections({ kind: 'bogus' as 'all', roots: basic })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(netConnections({ pid: -3, roots: basic })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(netConnections({ kind: 'unix', roots: malformed })).rejects.toThrow(
      /net-malformed\/proc\/1\/net\/unix: line 2: not a socket line/,
    );
    await expect(netConnections({ kind: 'unix', roots: malformed })).rejects.toBeInstanceOf(ParseError);
    // No tcp6 means no IPv6; no udp table is an error.
    expect(await netConnections({ kind: 'tcp', roots: old })).toHaveLength(1);
    await expect(netConnections({ kind: 'udp', roots: old })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('netIfAddrs', () => {
  it('groups getifaddrs rows by NIC (caller namespace; roots do not apply)', () => {
    const a = netIfAddrs({ roots: basic });
    // The fixture has no effect: this is the live loopback.
    const lo = a.lo;
    expect(lo).toBeDefined();
    expect(lo).toContainEqual({ family: AF_INET, address: '127.0.0.1', netmask: '255.0.0.0', broadcast: null, ptp: null });
    const fams = lo!.map((r) => r.family);
    expect([...fams].sort((x, y) => x - y)).toEqual(fams);
  });
});
