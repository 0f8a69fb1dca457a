// The net area's slice of the native addon (native/binding/net.cc).
import type { NetClass, NicStats } from '../net.js';
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

/** /proc/net/dev: NIC names and 16 counters per NIC, in file column order. */
export interface NativeNetDev {
  names: string[];
  values: Float64Array;
}

/** As native/core/net_if.h NicStats: a NicStats with the NIC's name and duplex as a plain number. */
export interface NativeNicStats extends Omit<NicStats, 'duplex'> {
  name: string;
  duplex: number;
}

/** As native/core/net.h NetClassInfo: the sysfs attributes of NetClass (without the derived adminState) and the NIC's name. */
export interface NativeNetClass extends Omit<NetClass, 'adminState'> {
  name: string;
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

export interface NativeNet {
  netIoCounters(roots: Roots): NativeNetDev;
  netIfAddrs(roots: Roots): NativeNicAddrRows;
  netIfStats(roots: Roots): NativeNicStats[];
  netIfStatsAsync(roots: Roots): Promise<NativeNicStats[]>;
  netClass(roots: Roots): NativeNetClass[];
  netClassAsync(roots: Roots): Promise<NativeNetClass[]>;
  /** JSON text of NativeStatGroups. */
  netSockStat(roots: Roots): string;
  /** JSON text of NativeStatGroups. */
  netNetStat(roots: Roots): string;
  netTcpStates(roots: Roots): NativeTcpStates;
  netTcpStatesAsync(roots: Roots): Promise<NativeTcpStates>;
  netConnections(roots: Roots, kind: string, pid?: number): Promise<NativeConnectionRows>;
}

export const nativeNet = nativeSlice<NativeNet>();
