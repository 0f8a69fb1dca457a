/**
 * The host area: logged-in users (psutil `users()`), uname(2), os-release, boot time and
 * uptime, and the small kernel files node_exporter reports (`filefd`, `entropy`,
 * `time` clocksources, `pressure`).
 *
 * All synchronous: each is one small file read or one syscall. `users()` reads utmp from
 * the root file system rather than procfs, so it also has a Promise form,
 * {@link usersAsync}, that reads on the libuv thread pool.
 */
import { callNative, callNativeAsync } from './errors.js';
import { nativeHost } from './native/host.js';
import { resolveRoots, type Roots } from './roots.js';

/** Per-call override of the module-level roots (see `setRoots`). */
export interface HostRootsOption {
  roots?: Partial<Roots>;
}

// ---------------------------------------------------------------------------------------
// users

/** A logged-in user: one USER_PROCESS record of utmp (psutil `suser`). */
export interface User {
  /** Login name (`ut_user`). */
  name: string;
  /** The tty or pseudo-tty (`ut_line`, e.g. `pts/0`), null when empty. */
  terminal: string | null;
  /** Remote host (`ut_host`); `''`, `:0` and `:0.0` become `localhost`, as in psutil. */
  host: string;
  /** Login time, seconds since the epoch. */
  started: number;
  /** PID of the login process (sshd, login, ...). */
  pid: number;
}

/**
 * Users logged in now (psutil `users()`): the USER_PROCESS records of
 * `<rootfs>/run/utmp`, else `<rootfs>/var/run/utmp`, decoded with glibc's binary layout.
 * [] when there is no utmp (systemd-logind-only hosts, minimal containers).
 */
export function users(options: HostRootsOption = {}): User[] {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostUsers(roots));
}

/** {@link users}, read on the libuv thread pool. */
export function usersAsync(options: HostRootsOption = {}): Promise<User[]> {
  const roots = resolveRoots(options.roots);
  return callNativeAsync(() => nativeHost.hostUsersAsync(roots));
}

// ---------------------------------------------------------------------------------------
// uname, osRelease, hostInfo

/** uname(2) (node_exporter's `node_uname_info` labels). */
export interface Uname {
  /** `Linux`. */
  sysname: string;
  /** The host name of the UTS namespace. */
  nodename: string;
  /** Kernel release, e.g. `6.1.0-18-amd64`. */
  release: string;
  /** Kernel build version, e.g. `#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)`. */
  version: string;
  /** Hardware name, e.g. `x86_64`. */
  machine: string;
  /** NIS domain name, `(none)` when unset. */
  domainname: string;
}

/**
 * The kernel's uname(2). It describes the caller's UTS namespace (a container's own
 * host name), whatever the roots: node_exporter does the same.
 */
export function uname(): Uname {
  return splitUname(callNative(() => nativeHost.hostUname()));
}

let lastJoined = '';
let lastUname: Uname = { sysname: '', nodename: '', release: '', version: '', machine: '', domainname: '' };

/** Splits the addon's NUL-joined uname; the split is reused while uname does not change. */
function splitUname(joined: string): Uname {
  if (joined !== lastJoined) {
    const [sysname = '', nodename = '', release = '', version = '', machine = '', domainname = ''] = joined.split('\0');
    lastUname = { sysname, nodename, release, version, machine, domainname };
    lastJoined = joined;
  }
  return { ...lastUname };
}

/**
 * os-release(5) fields (node_exporter's `node_os_info` labels); null when the file does
 * not set them. `path` is the file that was read.
 */
export interface OsRelease {
  /** `ID`, e.g. `debian`. */
  id: string | null;
  /** `ID_LIKE`, space-separated, e.g. `rhel centos fedora`. */
  idLike: string | null;
  /** `NAME`. */
  name: string | null;
  /** `PRETTY_NAME`. */
  prettyName: string | null;
  /** `VERSION`. */
  version: string | null;
  /** `VERSION_ID`. */
  versionId: string | null;
  /** `VERSION_CODENAME`. */
  versionCodename: string | null;
  /** `BUILD_ID`. */
  buildId: string | null;
  /** `VARIANT`. */
  variant: string | null;
  /** `VARIANT_ID`. */
  variantId: string | null;
  /** `IMAGE_ID`. */
  imageId: string | null;
  /** `IMAGE_VERSION`. */
  imageVersion: string | null;
  path: string;
}

/**
 * The operating system's identification from `<rootfs>/etc/os-release`, else
 * `<rootfs>/usr/lib/os-release`, with shell quoting undone. Absolute symlinks are
 * resolved inside the root, so a host's `/etc/os-release -> /usr/lib/os-release` read
 * from a container under `/host` gives the host's file.
 *
 * @throws NotFoundError when neither file exists.
 */
export function osRelease(options: HostRootsOption = {}): OsRelease {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostOsRelease(roots));
}

/** uname(2) plus the boot time and uptime. */
export interface HostInfo extends Uname {
  /** The host name (uname's `nodename`). */
  hostname: string;
  /** Boot time, seconds since the epoch (`btime` of `<procfs>/stat`). */
  bootTime: number;
  /** Seconds since boot (first field of `<procfs>/uptime`). */
  uptime: number;
}

/** uname(2), host name, boot time and uptime in one call. */
export function hostInfo(options: HostRootsOption = {}): HostInfo {
  const roots = resolveRoots(options.roots);
  const [joined, bootTime, uptime] = callNative(() => nativeHost.hostInfo(roots));
  const u = splitUname(joined);
  return { hostname: u.nodename, ...u, bootTime, uptime };
}

// ---------------------------------------------------------------------------------------
// fileNr, entropy, clockSource, pressure

/** `<procfs>/sys/fs/file-nr` (node_exporter `node_filefd_allocated` / `node_filefd_maximum`). */
export interface FileNr {
  /** Allocated file handles. */
  allocated: number;
  /** Allocated but unused handles (always 0 since Linux 2.6). */
  unused: number;
  /** The system-wide limit (`fs.file-max`). */
  maximum: number;
}

/**
 * System-wide file handle usage from `<procfs>/sys/fs/file-nr`.
 *
 * @throws ParseError when the file does not hold three numbers.
 */
export function fileNr(options: HostRootsOption = {}): FileNr {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostFileNr(roots));
}

/** Bits of entropy available, `<procfs>/sys/kernel/random/entropy_avail` (node_exporter `node_entropy_available_bits`). */
export function entropyAvail(options: HostRootsOption = {}): number {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostEntropyAvail(roots));
}

/** Size of the entropy pool in bits, `<procfs>/sys/kernel/random/poolsize` (`node_entropy_pool_size_bits`); null when absent. */
export function entropyPoolSize(options: HostRootsOption = {}): number | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostEntropyPoolSize(roots));
}

/** Clock sources of `clocksource0` (node_exporter `node_time_clocksource_*_info`). */
export interface ClockSource {
  /** `available_clocksource`, e.g. `['tsc', 'hpet', 'acpi_pm']`. */
  available: string[];
  /** `current_clocksource`, e.g. `tsc`. */
  current: string;
}

/** The available and current clock sources from `<sysfs>/devices/system/clocksource/clocksource0/`; null when absent. */
export function clockSource(options: HostRootsOption = {}): ClockSource | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostClockSource(roots));
}

/** One PSI line: the share of wall time stalled, averaged over 10 s, 60 s and 300 s (in %), and the total stall time. */
export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time since boot, in seconds (the kernel prints microseconds). */
  total: number;
}

/** `some`: at least one task stalled; `full`: all non-idle tasks stalled at once. Null when the kernel does not print the line. */
export interface PsiResource {
  some: PsiLine | null;
  /** null for `cpu` before Linux 5.13. */
  full: PsiLine | null;
}

/** Pressure stall information per resource; a resource is null when its file is absent (`irq` needs Linux 6.1 and CONFIG_IRQ_TIME_ACCOUNTING). */
export interface Pressure {
  cpu: PsiResource | null;
  io: PsiResource | null;
  memory: PsiResource | null;
  /** Only a `full` line. */
  irq: PsiResource | null;
}

/**
 * Pressure stall information from `<procfs>/pressure/{cpu,io,memory,irq}` (node_exporter
 * `node_pressure_*_seconds_total`). null when the kernel has no PSI (no directory, or
 * PSI disabled with `psi=0`, where reads fail with EOPNOTSUPP).
 *
 * @throws ParseError naming the file on a malformed line.
 */
export function pressure(options: HostRootsOption = {}): Pressure | null {
  const roots = resolveRoots(options.roots);
  return callNative(() => nativeHost.hostPressure(roots));
}
