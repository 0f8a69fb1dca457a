/**
 * The network area: per-NIC I/O counters, interface addresses and link state, sockets and
 * their owners, with psutil's Linux semantics (`net_io_counters`, `net_if_addrs`,
 * `net_if_stats`, `net_connections`), plus what node_exporter's netdev, netclass, sockstat,
 * netstat and tcpstat collectors report (`netClass`, `sockStat`, `netStat`,
 * `tcpConnectionStates`).
 *
 * Namespaces: every /proc/net file is per network namespace, and /proc/net points at
 * /proc/self/net. So the readers use `<procfs>/self/net/...` normally, and
 * `<procfs>/1/net/...` (the host's PID 1) when procfs is not /proc (host mode).
 * `netIfAddrs` (getifaddrs) and the ioctls of `netIfStats` always run in the caller's own
 * network namespace; see each function.
 *
 * Sync or async: the one-file readers are synchronous (microseconds). `netIfStats`,
 * `netClass` and `tcpConnectionStates` also come as `...Async` forms that run on the libuv
 * pool, because the ethtool ioctl / sysfs speed read can take the kernel's rtnl_lock and talk
 * to the NIC's PHY, and a busy host's tcp tables are megabytes. `netConnections` is only
 * async: it readlinks every fd of every process.
 */
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  type AddressFamily,
  type ConnectionStatus,
  type NicDuplex,
  type SocketType,
  TCP_STATE_LABELS,
  type TcpStateLabel,
} from './enums.js';
import { InvalidArgumentError, callNative, callNativeAsync } from './errors.js';
import { WrapNumbers } from './internal/wrap-numbers.js';
import { nativeNet, type NativeConntrackStat, type NativeNetClass, type NativeNicStats, type NativeTcpStates } from './native/net.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface NetRootsOption {
  roots?: Partial<Roots>;
}

// ---------------------------------------------------------------------------------------
// netIoCounters

/** The receive columns of /proc/net/dev (node_network_receive_*_total). */
export interface NetRxCounters {
  bytes: number;
  packets: number;
  errs: number;
  drop: number;
  fifo: number;
  frame: number;
  compressed: number;
  multicast: number;
}

/** The transmit columns of /proc/net/dev (node_network_transmit_*_total). */
export interface NetTxCounters {
  bytes: number;
  packets: number;
  errs: number;
  drop: number;
  fifo: number;
  colls: number;
  carrier: number;
  compressed: number;
}

/** psutil's `snetio`, plus every /proc/net/dev column under `rx` and `tx`. */
export interface NetIoCounters {
  /** Bytes sent (= tx.bytes). */
  bytesSent: number;
  /** Bytes received (= rx.bytes). */
  bytesRecv: number;
  /** Packets sent (= tx.packets). */
  packetsSent: number;
  /** Packets received (= rx.packets). */
  packetsRecv: number;
  /** Receive errors (= rx.errs). */
  errin: number;
  /** Transmit errors (= tx.errs). */
  errout: number;
  /** Incoming packets dropped (= rx.drop). */
  dropin: number;
  /** Outgoing packets dropped (= tx.drop). */
  dropout: number;
  rx: NetRxCounters;
  tx: NetTxCounters;
}

export interface NetIoCountersOptions extends NetRootsOption {
  /** true: a map NIC name -> counters. false (default): the sum over every NIC, or null when there is none. */
  perNic?: boolean;
  /**
   * true (default): keep counters monotonic across calls like psutil's `nowrap`: when a
   * counter goes down (a 32-bit driver counter wrapping, a NIC reset), its previous value is
   * added to it from then on. The memory is per procfs root; `clearNetIoCountersCache()`
   * forgets it.
   */
  nowrap?: boolean;
}

const NET_DEV_FIELDS = 16;

/** nowrap's memory, per procfs root (shared by the per-NIC and the total form). */
const wrapNumbers = new WrapNumbers(NET_DEV_FIELDS, NET_DEV_FIELDS);

/** Forgets the values `nowrap` remembers (psutil's `net_io_counters.cache_clear()`). */
export function clearNetIoCountersCache(): void {
  wrapNumbers.clear();
}

function countersOf(v: Float64Array | number[], o = 0): NetIoCounters {
  const rx: NetRxCounters = {
    bytes: v[o]!,
    packets: v[o + 1]!,
    errs: v[o + 2]!,
    drop: v[o + 3]!,
    fifo: v[o + 4]!,
    frame: v[o + 5]!,
    compressed: v[o + 6]!,
    multicast: v[o + 7]!,
  };
  const tx: NetTxCounters = {
    bytes: v[o + 8]!,
    packets: v[o + 9]!,
    errs: v[o + 10]!,
    drop: v[o + 11]!,
    fifo: v[o + 12]!,
    colls: v[o + 13]!,
    carrier: v[o + 14]!,
    compressed: v[o + 15]!,
  };
  return {
    bytesSent: tx.bytes,
    bytesRecv: rx.bytes,
    packetsSent: tx.packets,
    packetsRecv: rx.packets,
    errin: rx.errs,
    errout: tx.errs,
    dropin: rx.drop,
    dropout: tx.drop,
    rx,
    tx,
  };
}

/**
 * Network I/O counters, like psutil's `net_io_counters(pernic, nowrap)`, from
 * `<procfs>/self/net/dev` (host mode: `<procfs>/1/net/dev`, the host's namespace). Each line
 * is split at its last ':' (names can hold ':'). Counters are cumulative since the NIC
 * appeared, in bytes and packets.
 *
 * @throws ParseError naming the file and line on a malformed line; NotFoundError when the file is missing.
 */
export function netIoCounters(options: NetIoCountersOptions & { perNic: true }): Record<string, NetIoCounters>;
export function netIoCounters(options?: NetIoCountersOptions & { perNic?: false }): NetIoCounters | null;
export function netIoCounters(options?: NetIoCountersOptions): Record<string, NetIoCounters> | NetIoCounters | null;
export function netIoCounters(options: NetIoCountersOptions = {}): Record<string, NetIoCounters> | NetIoCounters | null {
  const roots = resolveRoots(options.roots);
  const raw = callNative(() => nativeNet.netIoCounters(roots));
  const n = raw.names.length;
  const values = options.nowrap === false ? raw.values : wrapNumbers.run(roots.procfs, raw.names, raw.values);
  if (options.perNic === true) {
    const out: Record<string, NetIoCounters> = {};
    for (let i = 0; i < n; i++) out[raw.names[i]!] = countersOf(values, i * NET_DEV_FIELDS);
    return out;
  }
  return n === 0 ? null : countersOf(sumRows(values, n));
}

function sumRows(values: Float64Array, n: number): Float64Array {
  const total = new Float64Array(NET_DEV_FIELDS);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < NET_DEV_FIELDS; i++) total[i] = total[i]! + values[r * NET_DEV_FIELDS + i]!;
  }
  return total;
}

// ---------------------------------------------------------------------------------------
// netIfAddrs

/** One address of a NIC (psutil's `snicaddr`). */
export interface NicAddress {
  /** AF_INET, AF_INET6, AF_LINK (= AF_PACKET, a MAC address) or AF_UNSPEC (a NIC without a usable address, e.g. a tun device). */
  family: AddressFamily;
  /** "192.0.2.2", "fe80::1%eth0" (link-local carries its scope), "02:fc:00:00:00:01" (MAC, padded to 6 bytes); null for AF_UNSPEC. */
  address: string | null;
  /** "255.255.255.0", "ffff:ffff:ffff:ffff::"; null for MAC rows. */
  netmask: string | null;
  /** Broadcast address when the NIC has IFF_BROADCAST (null for an IPv4 /32, as psutil HEAD). */
  broadcast: string | null;
  /** Point-to-point destination when the NIC has IFF_POINTOPOINT. */
  ptp: string | null;
}

/**
 * The addresses of each NIC, like psutil's `net_if_addrs()`: getifaddrs(3) (one netlink
 * dump), rows sorted by family within each NIC.
 *
 * getifaddrs answers for the CALLER's network namespace: `roots` do not apply (a container
 * reading a host /proc still sees its own interfaces, as with psutil); use `netClass()` for
 * the host's interfaces through a host /sys.
 */
export function netIfAddrs(options: NetRootsOption = {}): Record<string, NicAddress[]> {
  const rows = callNative(() => nativeNet.netIfAddrs(resolveRoots(options.roots)));
  const out: Record<string, NicAddress[]> = {};
  for (let i = 0; i + 5 < rows.length; i += 6) {
    const list = (out[rows[i] as string] ??= []);
    list.push({
      family: rows[i + 1] as AddressFamily,
      address: rows[i + 2] as string | null,
      netmask: rows[i + 3] as string | null,
      broadcast: rows[i + 4] as string | null,
      ptp: rows[i + 5] as string | null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// netIfStats

/** Link state of a NIC (psutil's `snicstats`). */
export interface NicStats {
  /** IFF_RUNNING (psutil's definition: up AND operationally running), not just administratively up. */
  isUp: boolean;
  /** NicDuplex.FULL / HALF / UNKNOWN. */
  duplex: NicDuplex;
  /** Link speed in Mb/s; 0 when unknown (no carrier, virtual NIC, no ethtool support). */
  speed: number;
  /** MTU in bytes. */
  mtu: number;
  /** Comma-joined IFF_* names as psutil: "up,broadcast,running,multicast". */
  flags: string;
}

function statsMap(rows: NativeNicStats[]): Record<string, NicStats> {
  const out: Record<string, NicStats> = {};
  for (const r of rows) {
    out[r.name] = { isUp: r.isUp, duplex: r.duplex as NicDuplex, speed: r.speed, mtu: r.mtu, flags: r.flags };
  }
  return out;
}

/**
 * Link state of every NIC named in net/dev, like psutil's `net_if_stats()`: one socket for
 * all NICs, SIOCGIFMTU + SIOCGIFFLAGS + SIOCETHTOOL (ETHTOOL_GLINKSETTINGS, falling back to
 * ETHTOOL_GSET). A NIC that vanishes meanwhile (ENODEV) is left out; EOPNOTSUPP, EINVAL,
 * EBUSY (and ENETDOWN, EAGAIN) from ethtool give duplex UNKNOWN and speed 0.
 *
 * This synchronous form blocks the event loop for the ethtool call, which can wait for the
 * kernel's rtnl_lock and the NIC driver: prefer `netIfStatsAsync` in a server.
 *
 * Host mode: the names come from `<procfs>/1/net/dev`. When the caller is not in PID 1's
 * network namespace (or that cannot be checked), the ioctls would describe the caller's
 * interfaces, so the values come from `<sysfs>/class/net/<nic>/{flags,operstate,mtu,speed,
 * duplex}` instead (IFF_RUNNING = up and operstate up/unknown, as the kernel computes it),
 * and NICs missing there are left out.
 */
export function netIfStats(options: NetRootsOption = {}): Record<string, NicStats> {
  const roots = resolveRoots(options.roots);
  return statsMap(callNative(() => nativeNet.netIfStats(roots)));
}

/** `netIfStats` run on the libuv thread pool: the ethtool ioctls do not block the event loop. */
export async function netIfStatsAsync(options: NetRootsOption = {}): Promise<Record<string, NicStats>> {
  const roots = resolveRoots(options.roots);
  return statsMap(await callNativeAsync(() => nativeNet.netIfStatsAsync(roots)));
}

// ---------------------------------------------------------------------------------------
// netClass

/**
 * `/sys/class/net/<nic>/*` attributes (node_exporter's netclass collector). Each is null when
 * its file is missing or unreadable (speed, duplex and carrier give EINVAL while the link is
 * down; lo has no speed).
 */
export interface NetClass {
  address: string | null;
  broadcast: string | null;
  /** "full", "half", "unknown". */
  duplex: string | null;
  /** RFC 2863 operstate: "up", "down", "unknown", "dormant", "lowerlayerdown", ... */
  operstate: string | null;
  /** "up" when the `flags` attribute has IFF_UP, "down" without it, "unknown" when flags is null (node_exporter's adminstate label). */
  adminState: 'up' | 'down' | 'unknown';
  ifalias: string | null;
  mtu: number | null;
  /** Raw Mb/s; -1 (unknown) is kept, as node_exporter without --collector.netclass.ignore-invalid-speed. */
  speed: number | null;
  carrier: number | null;
  carrierChanges: number | null;
  carrierUpCount: number | null;
  carrierDownCount: number | null;
  dormant: number | null;
  /** The IFF_* bits of dev->flags (sysfs prints hex; this is the number). */
  flags: number | null;
  iflink: number | null;
  ifindex: number | null;
  linkMode: number | null;
  /** ARPHRD_* type: 1 ether, 772 loopback, 65534 none... */
  type: number | null;
  addrAssignType: number | null;
  nameAssignType: number | null;
  netdevGroup: number | null;
  devId: number | null;
  txQueueLen: number | null;
}

function classMap(rows: NativeNetClass[]): Record<string, NetClass> {
  const out: Record<string, NetClass> = {};
  for (const r of rows) {
    out[r.name] = {
      address: r.address,
      broadcast: r.broadcast,
      duplex: r.duplex,
      operstate: r.operstate,
      adminState: r.flags === null ? 'unknown' : (r.flags & 1) !== 0 ? 'up' : 'down',
      ifalias: r.ifalias,
      mtu: r.mtu,
      speed: r.speed,
      carrier: r.carrier,
      carrierChanges: r.carrierChanges,
      carrierUpCount: r.carrierUpCount,
      carrierDownCount: r.carrierDownCount,
      dormant: r.dormant,
      flags: r.flags,
      iflink: r.iflink,
      ifindex: r.ifindex,
      linkMode: r.linkMode,
      type: r.type,
      addrAssignType: r.addrAssignType,
      nameAssignType: r.nameAssignType,
      netdevGroup: r.netdevGroup,
      devId: r.devId,
      txQueueLen: r.txQueueLen,
    };
  }
  return out;
}

/**
 * Every interface under `<sysfs>/class/net` (sorted by name; regular files such as
 * bonding_masters are skipped) with its sysfs attributes. A sysfs mounted from the host
 * shows the host's interfaces, so this is the host-mode source of NIC facts.
 *
 * Reading `speed`/`duplex` calls the driver under rtnl_lock: prefer `netClassAsync` in a server.
 *
 * @throws NotFoundError when `<sysfs>/class/net` does not exist.
 */
export function netClass(options: NetRootsOption = {}): Record<string, NetClass> {
  const roots = resolveRoots(options.roots);
  return classMap(callNative(() => nativeNet.netClass(roots)));
}

/** `netClass` run on the libuv thread pool. */
export async function netClassAsync(options: NetRootsOption = {}): Promise<Record<string, NetClass>> {
  const roots = resolveRoots(options.roots);
  return classMap(await callNativeAsync(() => nativeNet.netClassAsync(roots)));
}

/** One Linux bonding master: its configured slaves and those whose MII status is up. */
export interface BondingMaster {
  readonly master: string;
  readonly slaves: number;
  readonly active: number;
}

/**
 * The bonding masters of `<sysfs>/class/net/bonding_masters` (in its order), each with its
 * slaves (`<master>/bonding/slaves`) counted, and those whose
 * `lower_<slave>/bonding_slave/mii_status` (or `slave_<slave>/...`) is `up`; read on the
 * libuv pool, as node_exporter's bonding collector.
 *
 * @throws NotFoundError naming bonding_masters when it does not exist (no bonding driver);
 *   an error naming the file when a master's slaves or a slave's mii_status is missing or unreadable.
 */
export async function bondingAsync(options: NetRootsOption = {}): Promise<BondingMaster[]> {
  const roots = resolveRoots(options.roots);
  return await callNativeAsync(() => nativeNet.netBondingAsync(roots));
}

// ---------------------------------------------------------------------------------------
// sockStat / netStat

/** protocol -> field -> value, in file order. */
export type ProtocolStats = Record<string, Record<string, number>>;

/**
 * Socket usage from `<procfs>/self/net/sockstat` and `sockstat6` (host mode: `<procfs>/1/net/`):
 * `{ sockets: { used }, TCP: { inuse, orphan, tw, alloc, mem }, UDP: { inuse, mem },
 * UDPLITE: { inuse }, RAW: { inuse }, FRAG: { inuse, memory }, TCP6: { inuse }, ... }`.
 * Only the fields the kernel prints are present. `mem` is in pages, `memory` in bytes.
 * sockstat6 is skipped when missing (no IPv6).
 *
 * @throws NotFoundError when sockstat is missing; ParseError on a malformed line.
 */
export function sockStat(options: NetRootsOption = {}): ProtocolStats {
  const roots = resolveRoots(options.roots);
  return JSON.parse(callNative(() => nativeNet.netSockStat(roots))) as ProtocolStats;
}

/**
 * Protocol counters from `<procfs>/self/net/netstat` and `snmp` (header/value line pairs)
 * and `snmp6` ("Ip6InReceives 1" lines, split after the first '6' of the name as
 * node_exporter does), host mode through `<procfs>/1/net/`:
 * `{ TcpExt: {...}, IpExt: {...}, Ip: {...}, Icmp: {...}, IcmpMsg: {...}, Tcp: {...},
 * Udp: {...}, UdpLite: {...}, Ip6: {...}, Icmp6: {...}, Udp6: {...}, UdpLite6: {...} }`.
 * Values can be negative (Tcp.MaxConn is -1). netstat and snmp6 are skipped when missing.
 *
 * @throws NotFoundError when snmp is missing; ParseError on a malformed file.
 */
export function netStat(options: NetRootsOption = {}): ProtocolStats {
  const roots = resolveRoots(options.roots);
  return JSON.parse(callNative(() => nativeNet.netNetStat(roots))) as ProtocolStats;
}

// ---------------------------------------------------------------------------------------
// tcpConnectionStates

/** TCP sockets per state (node_tcp_connection_states). */
export interface TcpConnectionStates {
  /** Sockets per state label, over tcp + tcp6; every label is present (0 when none). */
  states: Record<TcpStateLabel, number>;
  /** Sockets whose state number is not one of the 11 known ones. */
  unknown: number;
  /** Sum of rx_queue over the sockets (node_exporter's `rx_queued_bytes` state). */
  rxQueuedBytes: number;
  /** Sum of tx_queue over the sockets (node_exporter's `tx_queued_bytes` state). */
  txQueuedBytes: number;
}

function tcpStatesOf(r: NativeTcpStates): TcpConnectionStates {
  const states = {} as Record<TcpStateLabel, number>;
  for (const label of TCP_STATE_LABELS) states[label] = r.states[label] ?? 0;
  return { states, unknown: r.unknown, rxQueuedBytes: r.rxQueuedBytes, txQueuedBytes: r.txQueuedBytes };
}

/**
 * Counts TCP sockets by state over `<procfs>/self/net/tcp` and `tcp6` (host mode:
 * `<procfs>/1/net/`; tcp6 skipped when missing), as node_exporter's tcpstat collector. Note
 * that node_exporter only emits the states that have sockets.
 */
export function tcpConnectionStates(options: NetRootsOption = {}): TcpConnectionStates {
  const roots = resolveRoots(options.roots);
  return tcpStatesOf(callNative(() => nativeNet.netTcpStates(roots)));
}

/** `tcpConnectionStates` run on the libuv thread pool (large tables do not block the event loop). */
export async function tcpConnectionStatesAsync(options: NetRootsOption = {}): Promise<TcpConnectionStates> {
  const roots = resolveRoots(options.roots);
  return tcpStatesOf(await callNativeAsync(() => nativeNet.netTcpStatesAsync(roots)));
}

// ---------------------------------------------------------------------------------------
// netConnections

/** The socket kinds of psutil's `net_connections(kind)`. */
export type ConnectionKind = 'inet' | 'inet4' | 'inet6' | 'tcp' | 'tcp4' | 'tcp6' | 'udp' | 'udp4' | 'udp6' | 'unix' | 'all';

/** Every valid `kind` of `netConnections`, in psutil's order. */
export const CONNECTION_KINDS: readonly ConnectionKind[] = Object.freeze([
  'inet',
  'inet4',
  'inet6',
  'tcp',
  'tcp4',
  'tcp6',
  'udp',
  'udp4',
  'udp6',
  'unix',
  'all',
]);

/** An IP endpoint (psutil's `addr`). */
export interface InetAddress {
  ip: string;
  port: number;
}

/** A TCP or UDP socket. */
export interface InetConnection {
  /** The fd in the owning process; -1 when the owner is unknown. */
  fd: number;
  family: typeof AF_INET | typeof AF_INET6;
  type: SocketType;
  /** Local endpoint; null when its port is 0 (psutil: `()`). */
  laddr: InetAddress | null;
  /** Remote endpoint; null when not connected (port 0). */
  raddr: InetAddress | null;
  /** TCP state; NONE for UDP. */
  status: ConnectionStatus;
  /** The owning process; null when no readable `/proc/<pid>/fd` holds the socket. */
  pid: number | null;
}

/** A UNIX-domain socket. */
export interface UnixConnection {
  fd: number;
  family: typeof AF_UNIX;
  type: SocketType;
  /** The bound path; abstract names start with '@'; '' when unnamed. */
  laddr: string;
  /** Always null: Linux does not say what a UNIX socket is connected to (psutil gives ''). */
  raddr: null;
  status: 'NONE';
  pid: number | null;
}

/** A row of `netConnections` (psutil's `sconn`). */
export type Connection = InetConnection | UnixConnection;

export interface NetConnectionsOptions extends NetRootsOption {
  /** Which sockets (psutil's `kind`); default 'inet'. */
  kind?: ConnectionKind;
  /**
   * Only the sockets of this process (what `Process.connections()` uses): only its fds are
   * scanned, and the tables come from `<procfs>/<pid>/net/`, i.e. its own network namespace.
   * @throws NoSuchProcess when the process is gone, AccessDenied when its fds cannot be listed.
   */
  pid?: number;
}

/**
 * The system's sockets, like psutil's `net_connections(kind)`: the tables
 * `<procfs>/self/net/{tcp,tcp6,udp,udp6,unix}` (host mode: `<procfs>/1/net/`; a missing
 * tcp6/udp6 means no IPv6), and the owner of each socket from the `socket:[inode]` links
 * under every `<procfs>/<pid>/fd/`. Processes that vanish or deny access are skipped, so
 * their sockets have pid null and fd -1 (the usual result for an unprivileged caller).
 *
 * As psutil: an inet socket shared by several processes is reported once, for the highest
 * pid and its lowest fd; a UNIX socket once per fd of that process; identical rows are
 * reported once. Row order is table order (tcp, tcp6, udp, udp6, unix).
 *
 * Async (libuv pool): the fd walk readlinks every fd of every process.
 *
 * @throws InvalidArgumentError for an unknown kind; ParseError naming the file and line on a malformed table.
 */
export async function netConnections(options: NetConnectionsOptions = {}): Promise<Connection[]> {
  const kind = options.kind ?? 'inet';
  if (!CONNECTION_KINDS.includes(kind)) {
    throw new InvalidArgumentError(`invalid kind '${String(kind)}'; choose between ${CONNECTION_KINDS.join(', ')}`);
  }
  const pid = options.pid;
  if (pid !== undefined && (!Number.isInteger(pid) || pid <= 0)) {
    throw new InvalidArgumentError(`pid must be a positive integer, got ${String(pid)}`);
  }
  const roots = resolveRoots(options.roots);
  const rows = await callNativeAsync(() =>
    pid === undefined ? nativeNet.netConnections(roots, kind) : nativeNet.netConnections(roots, kind, pid),
  );
  const out: Connection[] = [];
  for (let i = 0; i + 8 < rows.length; i += 9) {
    const family = rows[i + 1] as number;
    const fd = rows[i] as number;
    const type = rows[i + 2] as SocketType;
    const pidOf = rows[i + 8] as number | null;
    if (family === AF_UNIX) {
      out.push({ fd, family: AF_UNIX, type, laddr: rows[i + 3] as string, raddr: null, status: 'NONE', pid: pidOf });
      continue;
    }
    const lip = rows[i + 3] as string | null;
    const rip = rows[i + 5] as string | null;
    out.push({
      fd,
      family: family as typeof AF_INET | typeof AF_INET6,
      type,
      laddr: lip === null ? null : { ip: lip, port: rows[i + 4] as number },
      raddr: rip === null ? null : { ip: rip, port: rows[i + 6] as number },
      status: STATUS_BY_STATE[rows[i + 7] as number] ?? 'NONE',
      pid: pidOf,
    });
  }
  return out;
}

/** ConnectionStatus by kernel TCP state number (index 0: NONE). */
const STATUS_BY_STATE: readonly ConnectionStatus[] = [
  'NONE',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
];

// ---------------------------------------------------------------------------------------
// conntrack, softnet, arp, udp_queues (node_exporter's collectors of those names)

/** net/stat/nf_conntrack summed over CPUs (node_nf_conntrack_stat_*). */
export type ConntrackStat = NativeConntrackStat;

/** Connection tracking: each part null when its file is missing (nf_conntrack not loaded). */
export interface Conntrack {
  /** `<procfs>/sys/net/netfilter/nf_conntrack_count`. */
  entries: number | null;
  /** `<procfs>/sys/net/netfilter/nf_conntrack_max`. */
  limit: number | null;
  /** `<procfs>/self/net/stat/nf_conntrack` (host mode `<procfs>/1/net/...`). */
  stat: ConntrackStat | null;
}

/**
 * Connection tracking table size, limit and statistics, as node_exporter's conntrack
 * collector reads them. The sysctl files describe the caller's network namespace.
 *
 * @throws ParseError on a malformed file.
 */
export function conntrack(options: NetRootsOption = {}): Conntrack {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeNet.netConntrack(roots));
}

/** One CPU's line of /proc/net/softnet_stat (counters wrap at 2^32, as the kernel's). */
export interface SoftnetStat {
  /** The CPU number (the 13th column, 5.14+; the line order before). */
  cpu: number;
  processed: number;
  dropped: number;
  timeSqueezed: number;
  cpuCollision: number;
  /** 0 before 2.6.39. */
  receivedRps: number;
  /** 0 before 4.18. */
  flowLimitCount: number;
  /** 0 before 5.14. */
  backlogLen: number;
}

/**
 * Per-CPU packet processing statistics from `<procfs>/self/net/softnet_stat` (host mode
 * `<procfs>/1/net/`), as node_exporter's softnet collector.
 *
 * @throws NotFoundError when the file is missing; ParseError on a malformed line.
 */
export function softnetStat(options: NetRootsOption = {}): SoftnetStat[] {
  const roots = resolveRoots(options.roots);
  const v = callNative(() => nativeNet.netSoftnet(roots));
  const out: SoftnetStat[] = [];
  for (let i = 0; i + 8 <= v.length; i += 8) {
    out.push({
      cpu: v[i] as number,
      processed: v[i + 1] as number,
      dropped: v[i + 2] as number,
      timeSqueezed: v[i + 3] as number,
      cpuCollision: v[i + 4] as number,
      receivedRps: v[i + 5] as number,
      flowLimitCount: v[i + 6] as number,
      backlogLen: v[i + 7] as number,
    });
  }
  return out;
}

export interface ArpOptions extends NetRootsOption {
  /**
   * Read the neighbour table by one netlink RTM_GETNEIGH dump (the caller's network
   * namespace; entries in state NOARP left out, as /proc/net/arp does) instead of
   * `<procfs>/self/net/arp`. Taken only when procfs describes the caller's namespace (it is
   * /proc, or `<procfs>/1/ns/net` is the caller's); otherwise, and when the kernel refuses the
   * dump, the file is read. Default false.
   */
  netlink?: boolean;
}

/**
 * IPv4 neighbour (ARP) entries per device, as node_exporter's arp collector counts them.
 *
 * @throws NotFoundError when net/arp is read and missing; ParseError on a malformed line.
 */
export function arpEntries(options: ArpOptions = {}): Record<string, number> {
  const roots = resolveRoots(options.roots);
  const rows = callNative(() => nativeNet.netArp(roots, options.netlink === true));
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < rows.length; i += 2) out[rows[i] as string] = rows[i + 1] as number;
  return out;
}

/** Bytes queued in UDP sockets' send (tx) and receive (rx) buffers, summed over the table. */
export interface UdpQueueBytes {
  tx: number;
  rx: number;
}

/**
 * The UDP socket queues of `<procfs>/self/net/udp` and `udp6` (host mode `<procfs>/1/net/`),
 * as node_exporter's udp_queues collector sums them; a family is null when its table is
 * missing (no IPv4 or no IPv6).
 *
 * @throws ParseError on a malformed line.
 */
export function udpQueues(options: NetRootsOption = {}): { v4: UdpQueueBytes | null; v6: UdpQueueBytes | null } {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeNet.netUdpQueues(roots));
}

/**
 * Packets each interface dropped for want of a protocol handler (`rx_nohandler`, Linux 4.6+;
 * not in /proc/net/dev), as node_exporter's netdev collector reads it in netlink mode: one
 * RTM_GETLINK dump when `<procfs>` describes the caller's network namespace, else (and when
 * the kernel refuses the dump) `<sysfs>/class/net/<if>/statistics/rx_nohandler` of every
 * interface that has the file.
 *
 * @throws NotFoundError when `<sysfs>/class/net` is missing (file path); ParseError on a bad value.
 */
export function netRxNohandler(options: NetRootsOption = {}): Record<string, number> {
  const roots = resolveRoots(options.roots);
  const rows = callNative(() => nativeNet.netRxNohandler(roots));
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < rows.length; i += 2) out[rows[i] as string] = rows[i + 1] as number;
  return out;
}
