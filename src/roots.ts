/**
 * Where the library reads the kernel's accounting. Point these at a host's
 * /proc, /sys and / mounted into a container (for example /host/proc) to report the
 * host, or at fixture trees in tests.
 */
export interface Roots {
  /** procfs mount, default "/proc". */
  readonly procfs: string;
  /** sysfs mount, default "/sys". */
  readonly sysfs: string;
  /** The root file system the mount points are relative to, default "/". */
  readonly rootfs: string;
}

export const DEFAULT_ROOTS: Roots = Object.freeze({ procfs: '/proc', sysfs: '/sys', rootfs: '/' });

let current: Roots = DEFAULT_ROOTS;

/** Sets the roots used by the module-level functions (like psutil.PROCFS_PATH, for all three). */
export function setRoots(roots: Partial<Roots>): void {
  current = Object.freeze({ ...current, ...roots });
}

/** The roots the module-level functions currently read from. */
export function getRoots(): Roots {
  return current;
}

/** Resolves an optional per-call override against the current module-level roots. */
export function resolveRoots(roots?: Partial<Roots>): Roots {
  return roots ? { ...current, ...roots } : current;
}
