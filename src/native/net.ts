// The net area's slice of the native addon (native/binding/net.cc).
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

/** /proc/net/dev: NIC names and 16 counters per NIC, in file column order. */
export interface NativeNetDev {
  names: string[];
  values: Float64Array;
}

/** One getifaddrs() row, as native/core/net_if.h NicAddr. */
export interface NativeNicAddr {
  name: string;
  family: number;
  address: string | null;
  netmask: string | null;
  broadcast: string | null;
  ptp: string | null;
}

/** As native/core/net_if.h NicStats. */
export interface NativeNicStats {
  name: string;
  isUp: boolean;
  duplex: number;
  speed: number;
  mtu: number;
  flags: string;
}

/** As native/core/net.h NetClassInfo. */
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

export interface NativeConnection {
  fd: number;
  family: number;
  type: number;
  laddr: { ip: string; port: number } | string | null;
  raddr: { ip: string; port: number } | null;
  status: string;
  pid: number | null;
}

export interface NativeNet {
  netIoCounters(roots: Roots): NativeNetDev;
  netIfAddrs(roots: Roots): NativeNicAddr[];
  netIfStats(roots: Roots): NativeNicStats[];
  netIfStatsAsync(roots: Roots): Promise<NativeNicStats[]>;
  netClass(roots: Roots): NativeNetClass[];
  netClassAsync(roots: Roots): Promise<NativeNetClass[]>;
  netSockStat(roots: Roots): NativeStatGroups;
  netNetStat(roots: Roots): NativeStatGroups;
  netTcpStates(roots: Roots): NativeTcpStates;
  netTcpStatesAsync(roots: Roots): Promise<NativeTcpStates>;
  netConnections(roots: Roots, kind: string, pid?: number): Promise<NativeConnection[]>;
}

export const nativeNet = nativeSlice<NativeNet>();
