// The host area's slice of the native addon (native/binding/host.cc).
import type { ClockSource, FileNr, OsRelease, Pressure, User } from '../host.js';
import type { Roots } from '../roots.js';
import { nativeSlice } from './addon.js';

export interface NativeHost {
  hostUsers(roots: Roots): User[];
  hostUsersAsync(roots: Roots): Promise<User[]>;
  /** sysname, nodename, release, version, machine, domainname joined by NUL. */
  hostUname(): string;
  hostOsRelease(roots: Roots): OsRelease;
  /** [hostUname()'s string, bootTime, uptime] */
  hostInfo(roots: Roots): [string, number, number];
  hostFileNr(roots: Roots): FileNr;
  hostEntropyAvail(roots: Roots): number;
  hostEntropyPoolSize(roots: Roots): number | null;
  hostClockSource(roots: Roots): ClockSource | null;
  hostPressure(roots: Roots): Pressure | null;
}

export const nativeHost = nativeSlice<NativeHost>();
