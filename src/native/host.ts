// The host area's slice of the native addon (native/binding/host.cc).
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

export interface NativeUser {
  name: string;
  terminal: string | null;
  host: string;
  started: number;
  pid: number;
}

export interface NativeOsRelease {
  id: string | null;
  idLike: string | null;
  name: string | null;
  prettyName: string | null;
  version: string | null;
  versionId: string | null;
  versionCodename: string | null;
  buildId: string | null;
  variant: string | null;
  variantId: string | null;
  imageId: string | null;
  imageVersion: string | null;
  path: string;
}

export interface NativePsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** seconds */
  total: number;
}

export interface NativePsiResource {
  some: NativePsiLine | null;
  full: NativePsiLine | null;
}

export interface NativePressure {
  cpu: NativePsiResource | null;
  io: NativePsiResource | null;
  memory: NativePsiResource | null;
  irq: NativePsiResource | null;
}

export interface NativeHost {
  hostUsers(roots: Roots): NativeUser[];
  hostUsersAsync(roots: Roots): Promise<NativeUser[]>;
  /** sysname, nodename, release, version, machine, domainname joined by NUL. */
  hostUname(): string;
  hostOsRelease(roots: Roots): NativeOsRelease;
  /** [hostUname()'s string, bootTime, uptime] */
  hostInfo(roots: Roots): [string, number, number];
  hostFileNr(roots: Roots): { allocated: number; unused: number; maximum: number };
  hostEntropyAvail(roots: Roots): number;
  hostEntropyPoolSize(roots: Roots): number | null;
  hostClockSource(roots: Roots): { available: string[]; current: string } | null;
  hostPressure(roots: Roots): NativePressure | null;
}

export const nativeHost = nativeSlice<NativeHost>();
