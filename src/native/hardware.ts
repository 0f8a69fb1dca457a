// The hardware area's slice of the native addon (native/binding/hardware.cc).
import { nativeSlice, type NativeRoots as Roots } from './addon.js';

/**
 * Attribute files flattened 3 values per file, sorted by name: file name, content as read
 * (untrimmed; null when the read failed), errno of the failed open/read (0 when read).
 */
export type NativeSysAttrRows = (string | number | null)[];

/** As native/core/hardware.h SysClassEntry: one entry of a sysfs class directory. */
export interface NativeSysClassEntry {
  name: string;
  /** The entry's real path ('' when it cannot be resolved). */
  realPath: string;
  /** realpath(<entry>/device), null when there is none. */
  deviceRealPath: string | null;
  attrs: NativeSysAttrRows;
  /** The regular files of <entry>/device, when asked for. */
  deviceAttrs: NativeSysAttrRows;
}

export interface NativeHardware {
  hwSysClass(roots: Roots, classRel: string, withDevice: boolean): NativeSysClassEntry[];
  hwSysClassAsync(roots: Roots, classRel: string, withDevice: boolean): Promise<NativeSysClassEntry[]>;
  /** The regular files of one directory (`<sysfs>/<dirRel>`), as attrs rows. */
  hwSysDirAsync(roots: Roots, dirRel: string): Promise<NativeSysAttrRows>;
}

export const nativeHardware = nativeSlice<NativeHardware>();
