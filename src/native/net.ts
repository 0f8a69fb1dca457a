// The net area's slice of the native addon (native/binding/net.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** /proc/net/dev: NIC names and 16 counters per NIC, in file column order. */
export interface NativeNetDev {
  names: string[];
  values: Float64Array;
}

/** As native/core/net_if.h NicStats: one NIC's name, flags and link (duplex as the kernel's number). */
export interface NativeNicStats {
  name: string;
  isUp: boolean;
  duplex: number;
  /** Mb/s, 0 when unknown. */
  speed: number;
  mtu: number;
  /** Comma-joined IFF_* names. */
  flags: string;
}

/** As native/core/net_bonding.h BondingMaster: one bonding master and its slave counts. */
export interface NativeBondingMaster {
  master: string;
  slaves: number;
  active: number;
}

/** As native/core/net.h NetClassInfo: one NIC's sysfs attributes (null when absent) and its name. */
export interface NativeNetClass {
  name: string;
  address: string | null;
  broadcast: string | null;
  duplex: string | null;
  operstate: string | null;
  ifalias: string | null;
  mtu: number | null;
  speed: number | null;
  carrier: number | null;
  carrierChanges: number | null;
  carrierUpCount: number | null;
  carrierDownCount: number | null;
  dormant: number | null;
  flags: number | null;
  iflink: number | null;
  ifindex: number | null;
  linkMode: number | null;
  type: number | null;
  addrAssignType: number | null;
  nameAssignType: number | null;
  netdevGroup: number | null;
  devId: number | null;
  txQueueLen: number | null;
}

/** protocol -> field -> value. */
export type NativeStatGroups = Record<string, Record<string, number>>;

export interface NativeTcpStates {
  states: Record<string, number>;
  unknown: number;
  rxQueuedBytes: number;
  txQueuedBytes: number;
}

/**
 * netConnections rows, flattened 9 values per socket: fd, family, type, local ip (or the UNIX
 * path), local port, remote ip, remote port, TCP state number (0 = NONE), pid. An absent
 * address is a null ip with port 0.
 */
export type NativeConnectionRows = (number | string | null)[];

/** netIfAddrs rows, flattened 6 values per address: name, family, address, netmask, broadcast, ptp. */
export type NativeNicAddrRows = (number | string | null)[];

/** As native/core/net_extra.h ConntrackStat: net/stat/nf_conntrack summed over CPUs. */
export interface NativeConntrackStat {
  found: number;
  invalid: number;
  ignore: number;
  insert: number;
  insertFailed: number;
  drop: number;
  earlyDrop: number;
  searchRestart: number;
}

/** As native/core/net_extra.h ConntrackReading: null where the file is missing. */
export interface NativeConntrack {
  entries: number | null;
  limit: number | null;
  stat: NativeConntrackStat | null;
}

/** As native/core/net_extra.h UdpQueuesReading: null where the table is missing. */
export interface NativeUdpQueues {
  v4: { tx: number; rx: number } | null;
  v6: { tx: number; rx: number } | null;
}

export interface NativeNet {
  netIoCounters(roots: Roots): NativeNetDev;
  netIfAddrs(roots: Roots): NativeNicAddrRows;
  netIfStats(roots: Roots): NativeNicStats[];
  netIfStatsAsync(roots: Roots): Promise<NativeNicStats[]>;
  netClass(roots: Roots): NativeNetClass[];
  netClassAsync(roots: Roots): Promise<NativeNetClass[]>;
  netBondingAsync(roots: Roots): Promise<NativeBondingMaster[]>;
  /** JSON text of NativeStatGroups. */
  netSockStat(roots: Roots): string;
  /** JSON text of NativeStatGroups. */
  netNetStat(roots: Roots): string;
  netTcpStates(roots: Roots): NativeTcpStates;
  netTcpStatesAsync(roots: Roots): Promise<NativeTcpStates>;
  netConnections(roots: Roots, kind: string, pid?: number): Promise<NativeConnectionRows>;
  netConntrack(roots: Roots): NativeConntrack;
  /** 8 numbers per CPU: cpu, processed, dropped, time_squeezed, cpu_collision, received_rps, flow_limit_count, backlog_len. */
  netSoftnet(roots: Roots): Float64Array;
  /** Flat [device, count, ...]; `netlink` reads the caller's namespace by RTM_GETNEIGH instead of <procfs>/.../net/arp. */
  netArp(roots: Roots, netlink: boolean): (string | number)[];
  netUdpQueues(roots: Roots): NativeUdpQueues;
  /** Flat [device, rx_nohandler, ...]: the RTM_GETLINK dump in the caller's namespace, else <sysfs>/class/net/<if>/statistics/rx_nohandler. */
  netRxNohandler(roots: Roots): (string | number)[];
}

export const nativeNet = nativeSlice<NativeNet>();
