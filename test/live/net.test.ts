// Live cross-checks of the net API on this machine, at the same moment, against psutil
// (net_io_counters, net_if_addrs, net_if_stats, net_connections), `ip -j addr/link` and the
// kernel files themselves. Values that move are bracketed by reads before and after, never
// timed. A second suite builds interfaces with known properties (veth, bridge, tun; names
// with dashes, dots and '@') in a private network namespace and checks them from a child
// process running there, so the host namespace other tests look at is never touched.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AF_INET, AF_INET6, AF_PACKET, AF_UNIX, AF_UNSPEC, NicDuplex, SOCK_DGRAM, SOCK_STREAM } from '../../src/enums.js';
import {
  netClass,
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
  type ConnectionKind,
  type NicAddress,
} from '../../src/net.js';
import { REPO_ROOT, haveTool, psutilJson, psutilPython, run, tool } from '../helpers/tools.js';

const ip = tool('ip', 'apt-get install iproute2');

// ---------------------------------------------------------------------------------------
// helpers

interface PsAddr {
  family: number;
  address: string | null;
  netmask: string | null;
  broadcast: string | null;
  ptp: string | null;
}
interface PsStats {
  isup: boolean;
  duplex: number;
  speed: number;
  mtu: number;
  flags: string;
}
const PS_ADDRS = `print(json.dumps({n: [dict(family=int(a.family), address=a.address, netmask=a.netmask, broadcast=a.broadcast, ptp=a.ptp) for a in l] for n, l in psutil.net_if_addrs().items()}))`;
const PS_STATS = `print(json.dumps({n: dict(isup=s.isup, duplex=int(s.duplex), speed=s.speed, mtu=s.mtu, flags=s.flags) for n, s in psutil.net_if_stats().items()}))`;

/** psutil 5.9.4 leaves out AF_UNSPEC rows and keeps the getifaddrs "broadcast" of a /32; HEAD (which we follow) does not. */
function normalisePsutilAddrs(ps: Record<string, PsAddr[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(ps)) {
    out[name] = rows
      .map((r) => {
        const broadcast = r.family === AF_INET && r.netmask === '255.255.255.255' ? null : r.broadcast;
        return JSON.stringify({ ...r, broadcast });
      })
      .sort();
  }
  return out;
}
function oursAsSets(ours: Record<string, NicAddress[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(ours)) {
    const kept = rows.filter((r) => r.family !== AF_UNSPEC);
    if (kept.length === 0) continue;
    out[name] = kept
      .map((r) => JSON.stringify({ family: r.family, address: r.address, netmask: r.netmask, broadcast: r.broadcast, ptp: r.ptp }))
      .sort();
  }
  return out;
}

function prefixToMask(family: 'inet' | 'inet6', len: number): string {
  if (family === 'inet') {
    const bits = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
  }
  const groups: string[] = [];
  for (let g = 0; g < 8; g++) {
    const n = Math.max(0, Math.min(16, len - g * 16));
    groups.push(((0xffff << (16 - n)) & 0xffff).toString(16));
  }
  // Compress like inet_ntop: the longest run of zero groups becomes '::'.
  const s = groups.join(':');
  const m = s.match(/(^|:)0(:0)+(:|$)/g);
  if (!m) return s;
  const longest = m.reduce((a, b) => (b.length > a.length ? b : a));
  return s.replace(longest, '::');
}

interface IpAddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  broadcast?: string;
  address?: string;
  scope: string;
}
interface IpLink {
  ifname: string;
  ifindex: number;
  flags: string[];
  mtu: number;
  operstate: string;
  address?: string;
  broadcast?: string;
  txqlen?: number;
  link_type: string;
  addr_info?: IpAddrInfo[];
}

/** Retries `f` until two reads of the underlying truth around it agree; then `check` must hold. */
function atStableMoment<T, U>(truth: () => T, f: () => U, check: (truth: T, ours: U) => void): void {
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = truth();
    const ours = f();
    const after = truth();
    if (JSON.stringify(before) === JSON.stringify(after)) {
      check(before, ours);
      return;
    }
  }
  throw new Error('the kernel values never held still for two reads in 50 attempts');
}

// ---------------------------------------------------------------------------------------
// the host namespace, read-only

describe('live: netIoCounters', () => {
  it('matches psutil net_io_counters(pernic=True), bracketed by reads before and after', () => {
    if (!haveTool(psutilPython())) return;
    const before = netIoCounters({ perNic: true, nowrap: false });
    const ps = psutilJson<Record<string, number[]>>(
      `print(json.dumps({k: list(v) for k, v in psutil.net_io_counters(pernic=True).items()}))`,
    );
    const after = netIoCounters({ perNic: true, nowrap: false });
    expect(Object.keys(ps).sort()).toEqual(Object.keys(before).sort());
    const fields = ['bytesSent', 'bytesRecv', 'packetsSent', 'packetsRecv', 'errin', 'errout', 'dropin', 'dropout'] as const;
    for (const [nic, values] of Object.entries(ps)) {
      fields.forEach((f, i) => {
        expect(values[i], `${nic}.${f}`).toBeGreaterThanOrEqual(before[nic]![f]);
        expect(values[i], `${nic}.${f}`).toBeLessThanOrEqual(after[nic]![f]);
      });
    }
  });

  it('matches every /proc/net/dev column, and the total is the sum', () => {
    const parse = () => {
      const out: Record<string, number[]> = {};
      for (const line of readFileSync('/proc/self/net/dev', 'utf8').split('\n').slice(2)) {
        const i = line.lastIndexOf(':');
        if (i < 0) continue;
        out[line.slice(0, i).trim()] = line
          .slice(i + 1)
          .trim()
          .split(/\s+/)
          .map(Number);
      }
      return out;
    };
    atStableMoment(
      parse,
      () => netIoCounters({ perNic: true, nowrap: false }),
      (file, ours) => {
        expect(Object.keys(ours)).toEqual(Object.keys(file));
        for (const [nic, v] of Object.entries(file)) {
          const o = ours[nic]!;
          expect([...Object.values(o.rx), ...Object.values(o.tx)], nic).toEqual(v);
        }
      },
    );
    atStableMoment(
      parse,
      () => netIoCounters({ nowrap: false }),
      (file, total) => {
        const rows = Object.values(file);
        expect(total!.rx.bytes).toBe(rows.reduce((a, r) => a + r[0]!, 0));
        expect(total!.tx.packets).toBe(rows.reduce((a, r) => a + r[9]!, 0));
      },
    );
  });
});

describe('live: netIfAddrs', () => {
  it('matches psutil net_if_addrs()', () => {
    if (!haveTool(psutilPython())) return;
    const ps = psutilJson<Record<string, PsAddr[]>>(PS_ADDRS);
    expect(oursAsSets(netIfAddrs())).toEqual(normalisePsutilAddrs(ps));
  });

  it('matches ip -j addr (addresses, netmasks, broadcasts, MACs)', () => {
    if (!haveTool(ip)) return;
    const links = JSON.parse(run(ip.path, ['-j', 'addr'])) as IpLink[];
    const ours = netIfAddrs();
    for (const link of links) {
      const rows = ours[link.ifname] ?? [];
      for (const a of link.addr_info ?? []) {
        const family = a.family === 'inet' ? AF_INET : AF_INET6;
        const want = a.scope === 'link' && a.family === 'inet6' ? `${a.local}%${link.ifname}` : a.local;
        const row = rows.find((r) => r.family === family && r.address === want);
        expect(row, `${link.ifname} ${want}`).toBeDefined();
        expect(row!.netmask).toBe(prefixToMask(a.family, a.prefixlen));
        if (a.family === 'inet' && a.broadcast) expect(row!.broadcast).toBe(a.broadcast);
      }
      if (link.address && link.link_type !== 'none') {
        const mac = rows.find((r) => r.family === AF_PACKET);
        expect(mac?.address, link.ifname).toBe(link.address);
      }
    }
  });
});

describe('live: netIfStats', () => {
  it('matches psutil net_if_stats(), sync and async', async () => {
    if (!haveTool(psutilPython())) return;
    const ps = psutilJson<Record<string, PsStats>>(PS_STATS);
    const want = Object.fromEntries(
      Object.entries(ps).map(([n, s]) => [n, { isUp: s.isup, duplex: s.duplex, speed: s.speed, mtu: s.mtu, flags: s.flags }]),
    );
    expect(netIfStats()).toEqual(want);
    expect(await netIfStatsAsync()).toEqual(want);
  });

  it('matches ip -j link: mtu, UP, and RUNNING = UP with operstate up/unknown', () => {
    if (!haveTool(ip)) return;
    const links = JSON.parse(run(ip.path, ['-j', 'link'])) as IpLink[];
    const ours = netIfStats();
    for (const l of links) {
      const s = ours[l.ifname];
      expect(s, l.ifname).toBeDefined();
      expect(s!.mtu).toBe(l.mtu);
      const flags = s!.flags.split(',');
      expect(flags.includes('up'), l.ifname).toBe(l.flags.includes('UP'));
      expect(flags.includes('broadcast'), l.ifname).toBe(l.flags.includes('BROADCAST'));
      expect(flags.includes('loopback'), l.ifname).toBe(l.flags.includes('LOOPBACK'));
      expect(s!.isUp, l.ifname).toBe(l.flags.includes('UP') && ['UP', 'UNKNOWN'].includes(l.operstate));
    }
  });
});

describe('live: netClass', () => {
  it('matches /sys/class/net read directly', () => {
    const base = '/sys/class/net';
    const names = readdirSync(base)
      .filter((n) => statSync(join(base, n)).isDirectory())
      .sort();
    const ours = netClass();
    expect(Object.keys(ours)).toEqual(names);
    const attr = (n: string, f: string): string | null => {
      try {
        return readFileSync(join(base, n, f), 'utf8').replace(/\n$/, '');
      } catch {
        return null;
      }
    };
    const int = (s: string | null) => (s === null ? null : Number.parseInt(s, s.startsWith('0x') ? 16 : 10));
    for (const n of names) {
      const c = ours[n]!;
      expect(c.address).toBe(attr(n, 'address'));
      expect(c.broadcast).toBe(attr(n, 'broadcast'));
      expect(c.duplex).toBe(attr(n, 'duplex'));
      expect(c.operstate).toBe(attr(n, 'operstate'));
      expect(c.ifalias).toBe(attr(n, 'ifalias'));
      expect(c.mtu).toBe(int(attr(n, 'mtu')));
      expect(c.speed).toBe(int(attr(n, 'speed')));
      expect(c.flags).toBe(int(attr(n, 'flags')));
      expect(c.ifindex).toBe(int(attr(n, 'ifindex')));
      expect(c.iflink).toBe(int(attr(n, 'iflink')));
      expect(c.type).toBe(int(attr(n, 'type')));
      expect(c.txQueueLen).toBe(int(attr(n, 'tx_queue_len')));
      expect(c.devId).toBe(int(attr(n, 'dev_id')));
      expect(c.addrAssignType).toBe(int(attr(n, 'addr_assign_type')));
      expect(c.netdevGroup).toBe(int(attr(n, 'netdev_group')));
      expect(c.adminState).toBe(((c.flags ?? 0) & 1) === 1 ? 'up' : 'down');
    }
  });
});

describe('live: sockStat, netStat, tcpConnectionStates', () => {
  it('sockStat equals /proc/net/sockstat + sockstat6 at a stable moment', () => {
    const parse = () => {
      const out: Record<string, Record<string, number>> = {};
      for (const f of ['/proc/self/net/sockstat', '/proc/self/net/sockstat6']) {
        if (!existsSync(f)) continue;
        for (const line of readFileSync(f, 'utf8').trim().split('\n')) {
          const [proto, rest] = line.split(':') as [string, string];
          const t = rest.trim().split(/\s+/);
          const g: Record<string, number> = {};
          for (let i = 0; i < t.length; i += 2) g[t[i]!] = Number(t[i + 1]);
          out[proto] = g;
        }
      }
      return out;
    };
    atStableMoment(
      parse,
      () => sockStat(),
      (file, ours) => expect(ours).toEqual(file),
    );
  });

  it('netStat has every protocol and field of netstat/snmp/snmp6, with the static values', () => {
    const ours = netStat();
    const names = new Map<string, string[]>();
    for (const f of ['netstat', 'snmp']) {
      const lines = readFileSync(`/proc/self/net/${f}`, 'utf8').trim().split('\n');
      for (let i = 0; i < lines.length; i += 2) {
        const [proto, rest] = lines[i]!.split(':') as [string, string];
        names.set(proto, rest.trim().split(/\s+/));
      }
    }
    for (const line of readFileSync('/proc/self/net/snmp6', 'utf8').trim().split('\n')) {
      const key = line.split(/\s+/)[0]!;
      const six = key.indexOf('6');
      if (six < 0) continue;
      const proto = key.slice(0, six + 1);
      names.set(proto, [...(names.get(proto) ?? []), key.slice(six + 1)]);
    }
    expect(Object.keys(ours).sort()).toEqual([...names.keys()].sort());
    for (const [proto, fields] of names) expect(Object.keys(ours[proto]!), proto).toEqual(fields);
    const snmp = readFileSync('/proc/self/net/snmp', 'utf8').split('\n');
    const tcpHdr = snmp
      .find((l) => l.startsWith('Tcp: R'))!
      .split(/\s+/)
      .slice(1);
    const tcpVal = snmp
      .find((l) => /^Tcp: \d/.test(l))!
      .split(/\s+/)
      .slice(1)
      .map(Number);
    for (const f of ['RtoAlgorithm', 'RtoMin', 'RtoMax', 'MaxConn']) expect(ours.Tcp![f], f).toBe(tcpVal[tcpHdr.indexOf(f)]);
  });

  it('tcpConnectionStates counts /proc/net/tcp + tcp6 by state at a stable moment', async () => {
    const labels = [
      '',
      'established',
      'syn_sent',
      'syn_recv',
      'fin_wait1',
      'fin_wait2',
      'time_wait',
      'close',
      'close_wait',
      'last_ack',
      'listen',
      'closing',
    ];
    const count = () => {
      const c: Record<string, number> = Object.fromEntries(labels.slice(1).map((l) => [l, 0]));
      for (const f of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
        if (!existsSync(f)) continue;
        for (const line of readFileSync(f, 'utf8').trim().split('\n').slice(1)) {
          const st = Number.parseInt(line.trim().split(/\s+/)[3]!, 16);
          c[labels[st]!]! += 1;
        }
      }
      return c;
    };
    atStableMoment(
      count,
      () => tcpConnectionStates().states,
      (file, ours) => expect(ours).toEqual(file),
    );
    const a = await tcpConnectionStatesAsync();
    expect(Object.keys(a.states)).toEqual(labels.slice(1));
  });
});

describe('live: netConnections finds this process sockets', () => {
  let server: Server;
  let client: Socket;
  let accepted: Socket;
  let udp: UdpSocket;
  let unixServer: Server;
  let unixClient: Socket;
  let unixDir: string;
  let unixPath: string;
  let plainServer: Server;
  let plainClient: Socket;
  const plainUnixPath = join(tmpdir(), `hp-net-live-${process.pid}.sock`);
  let port = 0;
  let clientPort = 0;
  let udpPort = 0;

  beforeAll(async () => {
    server = createServer((s) => {
      accepted = s;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
    client = createConnection({ host: '127.0.0.1', port });
    await new Promise<void>((r) => client.once('connect', () => r()));
    clientPort = client.localPort!;
    while (!accepted) await new Promise((r) => setImmediate(r));
    udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    udpPort = udp.address().port;
    unixDir = mkdtempSync(join(tmpdir(), 'hp net live '));
    unixPath = join(unixDir, 'my sock');
    unixServer = createServer(() => {});
    await new Promise<void>((r) => unixServer.listen(unixPath, r));
    unixClient = createConnection(unixPath);
    await new Promise<void>((r) => unixClient.once('connect', () => r()));
    plainServer = createServer(() => {});
    await new Promise<void>((r) => plainServer.listen(plainUnixPath, r));
    plainClient = createConnection(plainUnixPath);
    await new Promise<void>((r) => plainClient.once('connect', () => r()));
  });

  afterAll(async () => {
    client?.destroy();
    accepted?.destroy();
    unixClient?.destroy();
    plainClient?.destroy();
    udp?.close();
    await new Promise((r) => plainServer?.close(r));
    await new Promise((r) => server?.close(r));
    await new Promise((r) => unixServer?.close(r));
    rmSync(unixDir, { recursive: true, force: true });
  });

  const mine = (rows: Connection[]) => rows.filter((c) => c.pid === process.pid);

  it('with the right status, type and pid', async () => {
    const all = mine(await netConnections({ kind: 'all' }));
    const portOf = (a: Connection['laddr'] | Connection['raddr']) => (a !== null && typeof a === 'object' ? a.port : -1);
    const inet = (p: number, side: 'laddr' | 'raddr') =>
      all.filter((c) => c.family === AF_INET && portOf(side === 'laddr' ? c.laddr : c.raddr) === p);
    const listen = inet(port, 'laddr').filter((c) => c.status === 'LISTEN');
    expect(listen).toHaveLength(1);
    expect(listen[0]).toMatchObject({ type: SOCK_STREAM, raddr: null, laddr: { ip: '127.0.0.1', port } });
    expect(listen[0]!.fd).toBeGreaterThan(2);
    expect(inet(clientPort, 'laddr')).toEqual([
      expect.objectContaining({ status: 'ESTABLISHED', raddr: { ip: '127.0.0.1', port }, pid: process.pid }),
    ]);
    expect(inet(clientPort, 'raddr')).toEqual([
      expect.objectContaining({ status: 'ESTABLISHED', laddr: { ip: '127.0.0.1', port }, pid: process.pid }),
    ]);
    expect(inet(udpPort, 'laddr')).toEqual([expect.objectContaining({ type: SOCK_DGRAM, status: 'NONE', raddr: null, pid: process.pid })]);
    const unix = all.filter((c) => c.family === AF_UNIX && c.laddr === unixPath);
    // The listening socket and the accepted end carry the path.
    expect(unix.length).toBeGreaterThanOrEqual(1);
    for (const u of unix) expect(u).toMatchObject({ type: SOCK_STREAM, status: 'NONE', raddr: null, pid: process.pid });
    // The pid-only scan sees the same sockets.
    const own = await netConnections({ kind: 'all', pid: process.pid });
    const key = (c: Connection) => JSON.stringify(c);
    expect(own.map(key).sort()).toEqual(all.map(key).sort());
    // Kinds filter.
    expect(mine(await netConnections({ kind: 'udp' })).every((c) => c.type === SOCK_DGRAM)).toBe(true);
    expect(mine(await netConnections({ kind: 'tcp6' }))).toEqual([]);
    expect(mine(await netConnections({ kind: 'unix' })).every((c) => c.family === AF_UNIX)).toBe(true);
  });

  it.each<ConnectionKind>(['tcp', 'tcp4', 'udp', 'unix', 'inet', 'all'])(
    'equals psutil net_connections(%s) for this process',
    async (kind) => {
      if (!haveTool(psutilPython())) return;
      const ps = psutilJson<Connection[]>(
        `import socket
rows = []
for c in psutil.net_connections(kind=${JSON.stringify(kind)}):
    if c.pid != ${process.pid}: continue
    fam = int(c.family)
    if fam == socket.AF_UNIX:
        la, ra = c.laddr, None
    else:
        la = dict(ip=c.laddr.ip, port=c.laddr.port) if c.laddr else None
        ra = dict(ip=c.raddr.ip, port=c.raddr.port) if c.raddr else None
    rows.append(dict(fd=c.fd, family=fam, type=int(c.type), laddr=la, raddr=ra, status=c.status, pid=c.pid))
print(json.dumps(rows))`,
      );
      const ours = mine(await netConnections({ kind }));
      // Unnamed UNIX sockets of this process come and go with every child it spawns (libuv
      // gives a child its stdio through socketpairs, and psutil runs in such a child), so
      // only bound UNIX sockets are compared.
      // psutil 5.9.4 takes a UNIX path only when the line has exactly 8 tokens, so a path
      // with spaces comes out as '' there (we keep it): drop those too.
      const stable = (c: Connection) => c.family !== AF_UNIX || (c.laddr !== '' && !/\s/.test(c.laddr));
      const key = (c: Connection) => JSON.stringify(c);
      expect(ours.filter(stable).map(key).sort()).toEqual(ps.filter(stable).map(key).sort());
      if (kind === 'unix' || kind === 'all') expect(ours.filter((c) => c.laddr === plainUnixPath)).toHaveLength(2);
      expect(ours.length).toBeGreaterThan(0);
    },
  );
});

// ---------------------------------------------------------------------------------------
// known interfaces in a private network namespace

const NS = `hp-net-${process.pid}`;
const canMakeNetns = process.getuid?.() === 0;
if (!canMakeNetns) console.warn('[skip] live netns interface tests need root (ip netns add)');

describe.skipIf(!canMakeNetns)('live: known interfaces in a private netns', () => {
  let ready = false;
  const sh = (args: string[]) => execFileSync(ip.path!, args, { encoding: 'utf8' });

  beforeAll(() => {
    if (!haveTool(ip)) return;
    sh(['netns', 'add', NS]);
    const n = (...a: string[]) => sh(['-n', NS, ...a]);
    n('link', 'add', 'hp-v0.a', 'type', 'veth', 'peer', 'name', 'hp-v0.b');
    n('link', 'set', 'hp-v0.a', 'address', '02:00:00:00:99:01', 'mtu', '1450', 'up');
    n('link', 'set', 'hp-v0.b', 'up');
    n('addr', 'add', '10.99.0.1/24', 'brd', '+', 'dev', 'hp-v0.a');
    n('addr', 'add', '10.99.1.1/32', 'dev', 'hp-v0.a');
    n('addr', 'add', 'fd99::1/64', 'dev', 'hp-v0.a', 'nodad');
    n('link', 'add', 'hp-dn.0', 'type', 'veth', 'peer', 'name', 'hp-dn.1');
    n('link', 'set', 'hp-dn.0', 'up'); // peer stays down: no carrier
    n('link', 'add', 'name', 'hp-br@x', 'type', 'bridge');
    n('tuntap', 'add', 'hp-tun.0', 'mode', 'tun');
    n('link', 'set', 'hp-tun.0', 'up');
    n('addr', 'add', '10.99.2.1', 'peer', '10.99.2.2', 'dev', 'hp-tun.0');
    ready = true;
  });

  afterAll(() => {
    try {
      sh(['netns', 'del', NS]);
    } catch {
      // not created
    }
  });

  /** Runs the built library (dist/) inside the namespace and returns its JSON. */
  function inNs<T>(expr: string): T {
    const dist = join(REPO_ROOT, 'dist', 'net.js');
    if (!existsSync(dist)) throw new Error(`${dist} missing: run "npm run build" first`);
    const code = `const h = await import(${JSON.stringify(`file://${dist}`)}); console.log(JSON.stringify(await (${expr})));`;
    return JSON.parse(sh(['netns', 'exec', NS, process.execPath, '--input-type=module', '-e', code])) as T;
  }
  function psInNs<T>(script: string): T {
    return JSON.parse(sh(['netns', 'exec', NS, psutilPython().path!, '-c', `import json, psutil\n${script}`])) as T;
  }

  it('netIfAddrs: padded MAC, /24 broadcast, /32 without broadcast, ptp on tun, AF_UNSPEC tun row, scoped link-local', () => {
    if (!ready) return;
    const a = inNs<Record<string, NicAddress[]>>('h.netIfAddrs()');
    const v = a['hp-v0.a']!;
    expect(v).toContainEqual({ family: AF_INET, address: '10.99.0.1', netmask: '255.255.255.0', broadcast: '10.99.0.255', ptp: null });
    expect(v).toContainEqual({ family: AF_INET, address: '10.99.1.1', netmask: '255.255.255.255', broadcast: null, ptp: null });
    expect(v).toContainEqual({ family: AF_INET6, address: 'fd99::1', netmask: 'ffff:ffff:ffff:ffff::', broadcast: null, ptp: null });
    expect(v.some((r) => r.family === AF_INET6 && /^fe80::.*%hp-v0\.a$/.test(r.address ?? ''))).toBe(true);
    expect(v).toContainEqual({ family: AF_PACKET, address: '02:00:00:00:99:01', netmask: null, broadcast: 'ff:ff:ff:ff:ff:ff', ptp: null });
    expect(v.map((r) => r.family)).toEqual([...v.map((r) => r.family)].sort((x, y) => x - y));
    expect(a['hp-tun.0']).toEqual([
      { family: AF_UNSPEC, address: null, netmask: null, broadcast: null, ptp: null },
      { family: AF_INET, address: '10.99.2.1', netmask: '255.255.255.255', broadcast: null, ptp: '10.99.2.2' },
    ]);
    expect(a['hp-br@x']![0]!.family).toBe(AF_PACKET);
    if (!haveTool(psutilPython())) return;
    expect(oursAsSets(a)).toEqual(normalisePsutilAddrs(psInNs(PS_ADDRS)));
  });

  it('netIfStats: veth speed/duplex via ethtool, RUNNING needs carrier, tun is ptp; equal to psutil', () => {
    if (!ready) return;
    const s = inNs<Record<string, { isUp: boolean; duplex: number; speed: number; mtu: number; flags: string }>>('h.netIfStatsAsync()');
    expect(s['hp-v0.a']).toEqual({ isUp: true, duplex: NicDuplex.FULL, speed: 10000, mtu: 1450, flags: 'up,broadcast,running,multicast' });
    expect(s['hp-dn.0']).toMatchObject({ isUp: false, flags: 'up,broadcast,multicast' });
    expect(s['hp-br@x']).toEqual({ isUp: false, duplex: NicDuplex.UNKNOWN, speed: 0, mtu: 1500, flags: 'broadcast,multicast' });
    expect(s['hp-tun.0']).toMatchObject({ isUp: false, flags: 'up,pointopoint,noarp,multicast' });
    expect(s.lo).toEqual({ isUp: false, duplex: NicDuplex.UNKNOWN, speed: 0, mtu: 65536, flags: 'loopback' });
    expect(inNs('h.netIfStats()')).toEqual(s);
    if (!haveTool(psutilPython())) return;
    const ps = psInNs<Record<string, PsStats>>(PS_STATS);
    expect(s).toEqual(
      Object.fromEntries(
        Object.entries(ps).map(([n, p]) => [n, { isUp: p.isup, duplex: p.duplex, speed: p.speed, mtu: p.mtu, flags: p.flags }]),
      ),
    );
  });

  it('netClass and netIoCounters see the namespace interfaces, odd names included', () => {
    if (!ready) return;
    const c =
      inNs<
        Record<string, { address: string | null; mtu: number; operstate: string; adminState: string; speed: number | null; type: number }>
      >('h.netClass()');
    expect(Object.keys(c)).toEqual(['hp-br@x', 'hp-dn.0', 'hp-dn.1', 'hp-tun.0', 'hp-v0.a', 'hp-v0.b', 'lo']);
    expect(c['hp-v0.a']).toMatchObject({
      address: '02:00:00:00:99:01',
      mtu: 1450,
      operstate: 'up',
      adminState: 'up',
      speed: 10000,
      type: 1,
    });
    expect(c['hp-dn.1']).toMatchObject({ operstate: 'down', adminState: 'down' });
    expect(c['hp-tun.0']!.type).toBe(65534);
    const links = JSON.parse(sh(['-n', NS, '-j', 'link'])) as IpLink[];
    for (const l of links) {
      expect(c[l.ifname]!.mtu, l.ifname).toBe(l.mtu);
      expect(c[l.ifname]!.adminState, l.ifname).toBe(l.flags.includes('UP') ? 'up' : 'down');
    }
    const io = inNs<Record<string, unknown>>('h.netIoCounters({ perNic: true })');
    expect(Object.keys(io).sort()).toEqual(links.map((l) => l.ifname).sort());
  });
  it('host mode from inside another netns: names, counters and sockets of PID 1, link state from the host sysfs', async () => {
    if (!ready || !haveTool(tool('unshare', 'apt-get install util-linux'))) return;
    // A listener in this (the host's) namespace, which the child's own namespace does not have.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    // The host's /sys bind-mounted inside a private mount namespace (the host mount table is
    // untouched), as a container would mount it at /host/sys.
    const hostSys = mkdtempSync(join(tmpdir(), 'hp-net-hostsys-'));
    const dist = join(REPO_ROOT, 'dist', 'net.js');
    const code = `const h = await import(${JSON.stringify(`file://${dist}`)});
const roots = { procfs: '/proc/.', sysfs: ${JSON.stringify(hostSys)} };
console.log(JSON.stringify({
  stats: h.netIfStats({ roots }),
  statsAsync: await h.netIfStatsAsync({ roots }),
  io: Object.keys(h.netIoCounters({ perNic: true, roots })),
  own: Object.keys(h.netIfAddrs()).sort(),
  conns: await h.netConnections({ kind: 'tcp', roots }),
  ownConns: await h.netConnections({ kind: 'tcp' }),
  tcp: h.tcpConnectionStates({ roots }),
}));`;
    try {
      const script = 'mount --bind /sys "$1" && exec ip netns exec "$2" "$3" --input-type=module -e "$4"';
      const out = JSON.parse(
        execFileSync('unshare', ['-m', 'sh', '-c', script, 'sh', hostSys, NS, process.execPath, code], { encoding: 'utf8' }),
      ) as {
        stats: Record<string, unknown>;
        statsAsync: Record<string, unknown>;
        io: string[];
        own: string[];
        conns: Connection[];
        ownConns: Connection[];
        tcp: { states: Record<string, number> };
      };
      // The child's own view is the private namespace...
      expect(out.own).toEqual(['hp-br@x', 'hp-dn.0', 'hp-dn.1', 'hp-tun.0', 'hp-v0.a', 'hp-v0.b', 'lo'].sort());
      expect(out.ownConns.some((c) => c.laddr !== null && typeof c.laddr === 'object' && c.laddr.port === port)).toBe(false);
      // ...while host mode reports the host's NICs and sockets.
      expect(out.io.sort()).toEqual(Object.keys(netIoCounters({ perNic: true })).sort());
      expect(out.conns).toContainEqual({
        fd: expect.any(Number),
        family: AF_INET,
        type: SOCK_STREAM,
        laddr: { ip: '127.0.0.1', port },
        raddr: null,
        status: 'LISTEN',
        pid: process.pid,
      });
      expect(out.tcp.states.listen).toBeGreaterThanOrEqual(1);
      // Link state from the host sysfs equals what the ioctls say in the host namespace.
      expect(out.stats).toEqual(netIfStats());
      expect(out.statsAsync).toEqual(out.stats);
    } finally {
      await new Promise((r) => server.close(r));
      rmSync(hostSys, { recursive: true, force: true });
    }
  });
});
