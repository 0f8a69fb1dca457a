// The host area's slice of the native addon (native/binding/host.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/** One utmp login. */
export interface NativeUser {
  name: string;
  terminal: string | null;
  host: string;
  started: number;
  pid: number;
}

/** The os-release fields (null when absent) and the file read. */
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

/** `<procfs>/sys/fs/file-nr`. */
export interface NativeFileNr {
  allocated: number;
  unused: number;
  maximum: number;
}

export interface NativeClockSource {
  available: string[];
  current: string;
}

/** One PSI line (`total` in seconds). */
export interface NativePsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  total: number;
}

export interface NativePsiResource {
  some: NativePsiLine | null;
  full: NativePsiLine | null;
}

/** `<procfs>/pressure/*`, a resource null when its file is absent. */
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
  hostFileNr(roots: Roots): NativeFileNr;
  hostEntropyAvail(roots: Roots): number;
  hostEntropyPoolSize(roots: Roots): number | null;
  hostClockSource(roots: Roots): NativeClockSource | null;
  hostPressure(roots: Roots): NativePressure | null;
}

export const nativeHost = nativeSlice<NativeHost>();
