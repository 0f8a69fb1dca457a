/**
 * The immutable result of one poll: "read once, feed many".
 *
 * Every poll runs the enabled collectors concurrently and freezes what they read into one
 * {@link Snapshot}. The sinks (the Prometheus `/metrics` renderer in `src/sinks/prometheus/`,
 * the OTLP pusher in `src/sinks/otlp/`) render from the snapshot only: no sink ever touches
 * /proc or /sys, so every consumer of one poll sees the same values.
 *
 * Conventions for every reading below:
 * - Values are plain numbers in base units: seconds, bytes, hertz, counts. Kernel counters
 *   stay cumulative (the sinks decide between counter and gauge).
 * - Arrays are ordered the way the source lists them (per-CPU by cpu number, devices in
 *   kernel order); a sink that needs another order sorts itself.
 * - A field that is `undefined` (or absent) means "not present on this host / this kernel"
 *   or "this part of the collector is switched off": a sink emits nothing for it. It is never
 *   a placeholder for zero.
 * - Device, mount point and interface filters from the config are already applied: a sink
 *   renders every entry it is given.
 * - The objects are deep-frozen by the poller ({@link freezeSnapshot}); treat them as read-only.
 */

/** The collectors the agent runs, by config key (`collectors.<name>` in the YAML). */
export const COLLECTOR_NAMES = ['cpu', 'mem', 'disk', 'net', 'nic', 'host', 'hardware', 'process', 'textfile'] as const;
export type CollectorName = (typeof COLLECTOR_NAMES)[number];

/** How one collector fared in one poll (`node_scrape_collector_{success,duration_seconds}`). */
export interface CollectorStatus {
  /** False when the collector (or one of its enabled parts) failed or ran past its deadline. */
  readonly success: boolean;
  /** Wall time the collector took (its deadline when it timed out). */
  readonly durationSeconds: number;
  /** Why it failed: one line, for logs and the landing page. Absent on success. */
  readonly error?: string;
  /** True when the failure was the collector's deadline expiring. */
  readonly timedOut?: boolean;
  /** Polls in which this collector failed since the agent started (this one included). */
  readonly errorsTotal?: number;
}

// ---------------------------------------------------------------------------------------
// cpu: node_exporter's cpu, cpufreq, stat, loadavg (and pressure) collectors.
// ---------------------------------------------------------------------------------------

/** Cumulative CPU time per mode, in seconds (/proc/stat ÷ USER_HZ). */
export interface CpuModeTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
  /** Time running a guest; already included in `user` (as in the kernel and node_exporter). */
  readonly guest: number;
  /** Time running a niced guest; already included in `nice`. */
  readonly guestNice: number;
}

export interface CpuTimesEntry {
  /** Logical CPU number, as in /proc/stat's `cpuN`. */
  readonly cpu: number;
  readonly times: CpuModeTimes;
}

/** One logical CPU's frequency data from sysfs cpufreq (hertz). Absent files are absent fields. */
export interface CpuFreqEntry {
  readonly cpu: number;
  /** cpuinfo_cur_freq (usually root-only). */
  readonly currentHz?: number;
  readonly minHz?: number;
  readonly maxHz?: number;
  /** cpuinfo_avg_freq, newer kernels. */
  readonly averageHz?: number;
  readonly scalingCurrentHz?: number;
  readonly scalingMinHz?: number;
  readonly scalingMaxHz?: number;
  /** scaling_governor. */
  readonly governor?: string;
  /** scaling_available_governors. */
  readonly availableGovernors?: readonly string[];
}

/** /proc/stat's system-wide lines. */
export interface CpuStatReading {
  /** `ctxt`. */
  readonly contextSwitches: number;
  /** `intr`, first field (all interrupts). */
  readonly interrupts: number;
  /** `processes`: forks since boot. */
  readonly forks: number;
  readonly procsRunning: number;
  readonly procsBlocked: number;
  /** `btime`, unix seconds. */
  readonly bootTimeSeconds: number;
  /** `softirq`, first field (all softirqs). */
  readonly softirqs?: number;
}

export interface LoadAverageReading {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

/** One resource's pressure stall information (/proc/pressure/<resource>). */
export interface PressureEntry {
  readonly resource: 'cpu' | 'io' | 'memory' | 'irq';
  /** `some total`, in seconds. */
  readonly someTotalSeconds: number;
  /** `full total`, in seconds (absent for cpu on older kernels). */
  readonly fullTotalSeconds?: number;
}

export interface CpuReading {
  /** Per logical CPU (sub-switch `cpu`). */
  readonly perCpu?: readonly CpuTimesEntry[];
  /** Per logical CPU frequencies (sub-switch `cpufreq`). */
  readonly freq?: readonly CpuFreqEntry[];
  /** Sub-switch `stat`. */
  readonly stat?: CpuStatReading;
  /** Sub-switch `loadavg`. */
  readonly load?: LoadAverageReading;
  /** Sub-switch `pressure`; absent when the kernel has no PSI. */
  readonly pressure?: readonly PressureEntry[];
  /** Number of logical CPUs (for OTLP's system.cpu.logical.count). */
  readonly logicalCount?: number;
  /** Sub-switch `cpu`: /sys/devices/system/cpu/isolated; absent when the file is. */
  readonly isolated?: readonly number[];
  /** Sub-switch `cpu`: thermal_throttle counts per package and per (package, core). */
  readonly throttles?: CpuThrottlesReading;
  /** `collectors.cpu.stat.softirq`: /proc/stat's softirq line per vector. */
  readonly softirqVectors?: readonly { readonly vector: string; readonly count: number }[];
  /** `collectors.cpu.cpu.info`: /proc/cpuinfo per processor and the first one's filtered flags and bugs. */
  readonly info?: CpuInfoReading;
  /** Sub-switch `schedstat`: /proc/schedstat per CPU; absent when the kernel has none. */
  readonly schedstat?: readonly SchedstatEntry[];
}

export interface CpuInfoReading {
  readonly cpus: readonly {
    readonly package: string;
    readonly core: string;
    readonly cpu: string;
    readonly vendor: string;
    readonly family: string;
    readonly model: string;
    readonly modelName: string;
    readonly microcode: string;
    readonly stepping: string;
    readonly cachesize: string;
  }[];
  /** Only with an include regex set (node_exporter serves none without one). */
  readonly flags?: readonly string[];
  readonly bugs?: readonly string[];
}

export interface CpuThrottlesReading {
  readonly packages: readonly { readonly package: number; readonly count: number }[];
  readonly cores: readonly { readonly package: number; readonly core: number; readonly count: number }[];
}

/** One cpuN line of /proc/schedstat, in seconds and timeslices. */
export interface SchedstatEntry {
  readonly cpu: string;
  readonly runningSeconds: number;
  readonly waitingSeconds: number;
  readonly timeslices: number;
}

// ---------------------------------------------------------------------------------------
// mem: meminfo and vmstat.
// ---------------------------------------------------------------------------------------

/** One /proc/meminfo line. */
export interface MeminfoField {
  /** The kernel's field name, exactly as in the file: `MemTotal`, `Active(anon)`, `HugePages_Total`. */
  readonly name: string;
  /** Bytes for kB fields (kB × 1024); a plain count for fields without a unit (HugePages_*). */
  readonly value: number;
  /** Whether the kernel gave the field in kB (→ bytes) or as a count. */
  readonly unit: 'bytes' | 'count';
}

/** psutil's virtual_memory(), bytes. */
export interface VirtualMemoryReading {
  readonly total: number;
  readonly available: number;
  readonly used: number;
  readonly free: number;
  readonly active: number;
  readonly inactive: number;
  readonly buffers: number;
  readonly cached: number;
  readonly shared: number;
  readonly slab: number;
  /** SReclaimable (bytes). */
  readonly slabReclaimable?: number;
  /** SUnreclaim (bytes). */
  readonly slabUnreclaimable?: number;
}

/** psutil's swap_memory(): bytes, and sin/sout as cumulative bytes swapped in/out. */
export interface SwapReading {
  readonly total: number;
  readonly used: number;
  readonly free: number;
  readonly sin: number;
  readonly sout: number;
}

export interface MemReading {
  /** Every /proc/meminfo field, in file order (sub-switch `meminfo`). */
  readonly meminfo?: readonly MeminfoField[];
  /** psutil-style summary, derived from meminfo (for OTLP's system.memory.usage states). */
  readonly virtual?: VirtualMemoryReading;
  readonly swap?: SwapReading;
  /** Every /proc/vmstat field by its kernel name, raw values (sub-switch `vmstat`). */
  readonly vmstat?: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------
// disk: filesystem and diskstats.
// ---------------------------------------------------------------------------------------

export interface FilesystemEntry {
  /** The mount's source (`/dev/sda1`, `tmpfs`). */
  readonly device: string;
  /** Mount point with the rootfs prefix stripped, as node_exporter reports it. */
  readonly mountpoint: string;
  readonly fstype: string;
  /** Device numbers from mountinfo (strings, as node_exporter's labels). */
  readonly major: string;
  readonly minor: string;
  /** `ro` in the mount or super options (or `emergency_ro`). */
  readonly readonly: boolean;
  /** Mount options, for OTLP's `mode` (rw/ro). */
  readonly options?: string;
  /**
   * True when statfs failed or the mount is stuck (a statfs that did not return in time and is
   * skipped until it does). Then the size fields below are absent.
   */
  readonly deviceError: boolean;
  /** True while the mount is marked stuck. */
  readonly stuck?: boolean;
  /** Why statfs failed. */
  readonly error?: string;
  readonly sizeBytes?: number;
  /** Free for root (bfree × bsize). */
  readonly freeBytes?: number;
  /** Free for unprivileged users (bavail × bsize). */
  readonly availBytes?: number;
  readonly files?: number;
  readonly filesFree?: number;
}

/** One /proc/diskstats line, converted to bytes and seconds. */
export interface DiskIoEntry {
  readonly device: string;
  readonly major?: number;
  readonly minor?: number;
  readonly readsCompleted: number;
  readonly readsMerged: number;
  readonly readBytes: number;
  readonly readTimeSeconds: number;
  readonly writesCompleted: number;
  readonly writesMerged: number;
  readonly writtenBytes: number;
  readonly writeTimeSeconds: number;
  readonly ioInProgress: number;
  readonly ioTimeSeconds: number;
  readonly ioTimeWeightedSeconds: number;
  /** Kernel 4.18+. */
  readonly discardsCompleted?: number;
  readonly discardsMerged?: number;
  /** Sectors (node_exporter reports sectors here, not bytes). */
  readonly discardedSectors?: number;
  readonly discardTimeSeconds?: number;
  /** Kernel 5.5+. */
  readonly flushRequests?: number;
  readonly flushTimeSeconds?: number;
}

/** Static facts about a block device (node_disk_info and the udev-derived families). */
export interface DiskInfoEntry {
  readonly device: string;
  readonly major: string;
  readonly minor: string;
  /** `/sys/block/<dev>/queue/rotational` ("0"/"1"), when present. */
  readonly rotational?: string;
  /** udev ID_MODEL, ID_SERIAL_SHORT (or SCSI_IDENT_SERIAL / ID_SERIAL), ID_WWN, ID_REVISION, ID_PATH. */
  readonly model?: string;
  readonly serial?: string;
  readonly wwn?: string;
  readonly revision?: string;
  readonly path?: string;
  /** udev ID_FS_* of a device that holds a file system (node_disk_filesystem_info). */
  readonly filesystem?: { readonly type: string; readonly usage: string; readonly uuid: string; readonly version: string };
  /** udev DM_* of a device-mapper device, and its slaves (node_disk_device_mapper_*). */
  readonly deviceMapper?: {
    readonly name: string;
    readonly uuid: string;
    readonly vgName: string;
    readonly lvName: string;
    readonly lvLayer: string;
    readonly backingDevices: readonly string[];
  };
  /** udev ID_ATA_* of an ATA disk (node_disk_ata_*), the numeric ones present. */
  readonly ata?: { readonly writeCache?: number; readonly writeCacheEnabled?: number; readonly rotationRateRpm?: number };
}

export interface DiskReading {
  /** Mounted filesystems after the mount point / fs type filters (sub-switch `filesystem`). */
  readonly filesystems?: readonly FilesystemEntry[];
  /** Block devices after the device filter (sub-switch `diskstats`). */
  readonly io?: readonly DiskIoEntry[];
  readonly info?: readonly DiskInfoEntry[];
  /** Software RAID (sub-switch `mdadm`); absent when there is no /proc/mdstat. */
  readonly md?: MdReading;
}

/** One md device of /proc/mdstat (node_md_{state,disks,disks_required,blocks,blocks_synced}). */
export interface MdStatEntry {
  readonly device: string;
  /** The kernel's state word, or recovering / resyncing / checking / reshaping while a sync runs. */
  readonly activityState: string;
  readonly disksActive: number;
  readonly disksFailed: number;
  readonly disksSpare: number;
  readonly disksRequired: number;
  readonly blocks: number;
  readonly blocksSynced: number;
}

/** One array of <sysfs>/block/md<n>/md (node_md_raid_disks, node_md_degraded). */
export interface MdRaidEntry {
  readonly device: string;
  /** raid_disks; absent for containers or when the file is empty. */
  readonly raidDisks?: number;
  readonly degraded: number;
}

export interface MdReading {
  readonly stats: readonly MdStatEntry[];
  readonly raids: readonly MdRaidEntry[];
}

// ---------------------------------------------------------------------------------------
// net: netdev, sockstat, netstat, tcpstat.
// ---------------------------------------------------------------------------------------

/** Every /proc/net/dev column for one interface. */
export interface NetDevEntry {
  readonly device: string;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrs: number;
  readonly rxDrop: number;
  readonly rxFifo: number;
  readonly rxFrame: number;
  readonly rxCompressed: number;
  readonly rxMulticast: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrs: number;
  readonly txDrop: number;
  readonly txFifo: number;
  readonly txColls: number;
  readonly txCarrier: number;
  readonly txCompressed: number;
  /** rx_nohandler (node_exporter's netlink mode; absent when not read or the kernel lacks it). */
  readonly rxNohandler?: number;
}

/** /proc/net/sockstat and sockstat6. */
export interface SockstatReading {
  /** `sockets: used`. */
  readonly socketsUsed?: number;
  /**
   * Per protocol line, keyed by the file's protocol name (`TCP`, `UDP`, `UDPLITE`, `RAW`,
   * `FRAG`, and `TCP6` … from sockstat6), each field raw as in the file (`inuse`, `orphan`,
   * `tw`, `alloc`, `mem` in pages, `memory`).
   */
  readonly protocols: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Page size in bytes, for `mem` → bytes. */
  readonly pageSize: number;
}

/** TCP connection counts by state (IPv4 + IPv6), node_exporter's state names. */
export type TcpStateName =
  | 'established'
  | 'syn_sent'
  | 'syn_recv'
  | 'fin_wait1'
  | 'fin_wait2'
  | 'time_wait'
  | 'close'
  | 'close_wait'
  | 'last_ack'
  | 'listen'
  | 'closing';

export interface NetReading {
  /** After the interface filter (sub-switch `netdev`). */
  readonly dev?: readonly NetDevEntry[];
  /** Sub-switch `sockstat`. */
  readonly sockstat?: SockstatReading;
  /**
   * Every counter of /proc/net/{netstat,snmp,snmp6}, keyed `<Proto>_<Field>` (`Tcp_CurrEstab`,
   * `TcpExt_ListenDrops`, `Ip6_InOctets`), unfiltered (sub-switch `netstat`; the Prometheus sink
   * applies node_exporter's field regex).
   */
  readonly netstat?: Readonly<Record<string, number>>;
  /** Sub-switch `tcpstat`: connection count per state (states with no connection are 0). */
  readonly tcpStates?: Readonly<Record<TcpStateName, number>>;
  /** Sub-switch `conntrack`: each part absent when its file is (nf_conntrack not loaded). */
  readonly conntrack?: ConntrackReading;
  /** Sub-switch `softnet`: one entry per CPU line of /proc/net/softnet_stat. */
  readonly softnet?: readonly SoftnetEntry[];
  /** Sub-switch `arp`: IPv4 neighbour entries per device, after the device filter. */
  readonly arp?: readonly { readonly device: string; readonly entries: number }[];
  /** Sub-switch `udp_queues`: bytes queued in UDP sockets per family (absent: no such table). */
  readonly udpQueues?: { readonly v4?: UdpQueuesEntry; readonly v6?: UdpQueuesEntry };
}

/** nf_conntrack_count / _max and /proc/net/stat/nf_conntrack summed over CPUs. */
export interface ConntrackReading {
  readonly entries?: number;
  readonly limit?: number;
  readonly stat?: {
    readonly found: number;
    readonly invalid: number;
    readonly ignore: number;
    readonly insert: number;
    readonly insertFailed: number;
    readonly drop: number;
    readonly earlyDrop: number;
    readonly searchRestart: number;
  };
}

/** One CPU's /proc/net/softnet_stat counters (0 for columns the kernel does not print). */
export interface SoftnetEntry {
  readonly cpu: number;
  readonly processed: number;
  readonly dropped: number;
  readonly timeSqueezed: number;
  readonly cpuCollision: number;
  readonly receivedRps: number;
  readonly flowLimitCount: number;
  readonly backlogLen: number;
}

/** Summed tx_queue / rx_queue bytes of /proc/net/udp or udp6. */
export interface UdpQueuesEntry {
  readonly tx: number;
  readonly rx: number;
}

// ---------------------------------------------------------------------------------------
// nic: netclass (sysfs /sys/class/net/<if>/*).
// ---------------------------------------------------------------------------------------

export interface NicEntry {
  readonly device: string;
  readonly address?: string;
  readonly broadcast?: string;
  readonly duplex?: string;
  readonly operstate?: string;
  /** "up" or "down", from the IFF_UP bit of `flags`. */
  readonly adminstate?: string;
  readonly ifalias?: string;
  /** Link speed in bytes/s (Mb/s × 125000); a negative value is the kernel's "unknown" (-1 → -125000). */
  readonly speedBytes?: number;
  readonly mtu?: number;
  readonly txQueueLength?: number;
  readonly carrier?: number;
  readonly carrierChanges?: number;
  readonly carrierUpChanges?: number;
  readonly carrierDownChanges?: number;
  readonly dormant?: number;
  readonly flags?: number;
  readonly ifindex?: number;
  readonly iflink?: number;
  readonly linkMode?: number;
  /** `type` (ARPHRD_*). */
  readonly protocolType?: number;
  readonly addrAssignType?: number;
  readonly nameAssignType?: number;
  readonly netDevGroup?: number;
  readonly devId?: number;
}

/** One bonding master (node_exporter bonding). */
export interface BondingReading {
  readonly master: string;
  /** Configured slaves. */
  readonly slaves: number;
  /** Slaves whose MII status is up. */
  readonly active: number;
}

export interface NicReading {
  /** Interfaces after the ignored-devices filter ([] when the netclass part is off). */
  readonly interfaces: readonly NicEntry[];
  /** Bonding masters; absent when the part is off or the host has no bonding driver. */
  readonly bonding?: readonly BondingReading[];
}

// ---------------------------------------------------------------------------------------
// host: uname, time, os, filefd, entropy.
// ---------------------------------------------------------------------------------------

export interface UnameReading {
  readonly sysname: string;
  readonly nodename: string;
  readonly release: string;
  readonly version: string;
  readonly machine: string;
  readonly domainname: string;
}

export interface TimeReading {
  /** Wall clock at the poll, unix seconds with sub-second precision. */
  readonly nowSeconds: number;
  /** Abbreviation of the local zone (`UTC`, `CET`). */
  readonly timeZone: string;
  /** Offset from UTC in seconds (east positive). */
  readonly timeZoneOffsetSeconds: number;
  /** /sys/devices/system/clocksource/clocksource<N>. */
  readonly clocksources?: readonly {
    readonly device: string;
    readonly available: readonly string[];
    readonly current: string;
  }[];
}

/** /etc/os-release (under rootfs), fields by their os-release names in camelCase. */
export interface OsReleaseReading {
  readonly name?: string;
  readonly id?: string;
  readonly idLike?: string;
  readonly prettyName?: string;
  readonly version?: string;
  readonly versionId?: string;
  readonly versionCodename?: string;
  readonly buildId?: string;
  readonly variant?: string;
  readonly variantId?: string;
  readonly imageId?: string;
  readonly imageVersion?: string;
}

export interface HostReading {
  /** Sub-switch `uname`. */
  readonly uname?: UnameReading;
  /** Sub-switch `time`. */
  readonly time?: TimeReading;
  /** Sub-switch `os`. */
  readonly os?: OsReleaseReading;
  /** Sub-switch `filefd`: /proc/sys/fs/file-nr. */
  readonly filefd?: { readonly allocated: number; readonly maximum: number };
  /** Sub-switch `entropy`. */
  readonly entropy?: { readonly availableBits: number; readonly poolSizeBits?: number };
  /** Seconds since boot, when known (for OTLP's system.uptime). */
  readonly uptimeSeconds?: number;
  /** /etc/machine-id under rootfs (for OTLP's host.id). */
  readonly machineId?: string;
  /** Sub-switch `timex`: adjtimex(2) converted as node_exporter does. */
  readonly timex?: TimexReading;
  /** Sub-switch `kernel_hung`; absent when the kernel has no hung_task_detect_count. */
  readonly kernelHungTasks?: number;
  /** Sub-switch `selinux`; modes are 1 enforcing, 0 permissive, -1 disabled. */
  readonly selinux?: { readonly enabled: boolean; readonly configMode: number; readonly currentMode: number };
}

/** node_exporter's timex values, in its units (seconds, ratio, hertz). */
export interface TimexReading {
  readonly syncStatus: number;
  readonly offsetSeconds: number;
  readonly frequencyAdjustmentRatio: number;
  readonly maxerrorSeconds: number;
  readonly estimatedErrorSeconds: number;
  readonly status: number;
  readonly loopTimeConstant: number;
  readonly tickSeconds: number;
  readonly ppsFrequencyHertz: number;
  readonly ppsJitterSeconds: number;
  readonly ppsShiftSeconds: number;
  readonly ppsStabilityHertz: number;
  readonly ppsJitterTotal: number;
  readonly ppsCalibrationTotal: number;
  readonly ppsErrorTotal: number;
  readonly ppsStabilityExceededTotal: number;
  readonly taiOffsetSeconds: number;
}

// ---------------------------------------------------------------------------------------
// hardware: hwmon, thermal_zone, powersupplyclass (src/collectors/hardware.ts).
// ---------------------------------------------------------------------------------------

/** One hwmon sensor (`temp1`, `fan2`, `in0`, `beep_enable0`, ...) and its files' contents. */
export interface HwmonSensorReading {
  /** `<type><N>` (node_exporter's sensor label). */
  readonly sensor: string;
  /** `temp`, `fan`, `in`, `power`, `curr`, `energy`, `pwm`, `humidity`, `intrusion`, `freq`, ... */
  readonly type: string;
  /** Property (`input`, `max`, `label`, ...; `''` for the bare `<type><N>` file) → content, newlines trimmed. */
  readonly props: Readonly<Record<string, string>>;
}

/** One hwmon chip after the chip filter, its sensors after the sensor filter (sorted by name). */
export interface HwmonChipReading {
  /** node_exporter's chip label (`platform_coretemp_0`, ...). */
  readonly chip: string;
  /** The chip's `name` file, cleaned (node_hwmon_chip_names); absent without one. */
  readonly chipName?: string;
  readonly sensors: readonly HwmonSensorReading[];
}

export interface ThermalZoneReading {
  readonly zone: string;
  readonly type: string;
  readonly celsius: number;
}

export interface CoolingDeviceReading {
  readonly name: string;
  readonly type: string;
  readonly curState: number;
  readonly maxState: number;
}

/** One power supply after the ignored-supplies filter, attributes in the kernel's units. */
export interface PowerSupplyReading {
  readonly name: string;
  /** `capacity_level`, `manufacturer`, `status`, `type`, ... (the library's POWER_SUPPLY_STRING_ATTRS). */
  readonly strings: Readonly<Record<string, string>>;
  /** `capacity`, `energy_now` (µWh), `voltage_now` (µV), `temp` (0.1 °C), ... (POWER_SUPPLY_NUMERIC_ATTRS). */
  readonly values: Readonly<Record<string, number>>;
}

/** One RAPL zone (node_rapl_<name>_joules_total). */
export interface RaplZoneReading {
  readonly name: string;
  readonly index: number;
  /** node_exporter's path label: <sysfs>/class/powercap/<entry>, as configured (not resolved). */
  readonly path: string;
  readonly joules: number;
}

/** One watchdog of /sys/class/watchdog; absent fields had no file. */
export interface WatchdogReading {
  readonly name: string;
  readonly bootstatus?: number;
  readonly fwVersion?: number;
  readonly nowayout?: number;
  readonly timeleft?: number;
  readonly timeout?: number;
  readonly pretimeout?: number;
  readonly accessCs0?: number;
  readonly options?: string;
  readonly identity?: string;
  readonly state?: string;
  readonly status?: string;
  readonly pretimeoutGovernor?: string;
}

/** One EDAC memory controller (node_edac_*). */
export interface EdacControllerReading {
  readonly controller: string;
  readonly correctable: number;
  readonly uncorrectable: number;
  /** Errors not attributed to a csrow (node_exporter's csrow="unknown"). */
  readonly correctableNoInfo: number;
  readonly uncorrectableNoInfo: number;
  readonly csrows: readonly {
    readonly csrow: string;
    readonly correctable: number;
    readonly uncorrectable: number;
    readonly channels: readonly {
      readonly channel: string;
      /** node_exporter's dimm_label: the file with `#` removed, `_` before csrow/channel; `unknown` without one. */
      readonly dimmLabel: string;
      readonly correctable: number;
      readonly uncorrectable?: number;
    }[];
  }[];
}

export interface HardwareReading {
  /** Sub-switch `hwmon` (absent when <sysfs>/class/hwmon does not exist). */
  readonly hwmon?: readonly HwmonChipReading[];
  /** Sub-switch `thermal_zone`. */
  readonly thermalZones?: readonly ThermalZoneReading[];
  readonly coolingDevices?: readonly CoolingDeviceReading[];
  /** Sub-switch `powersupplyclass` (absent when <sysfs>/class/power_supply does not exist). */
  readonly powerSupplies?: readonly PowerSupplyReading[];
  /** Sub-switch `rapl` (absent when <sysfs>/class/powercap does not exist). */
  readonly rapl?: readonly RaplZoneReading[];
  /** Sub-switch `dmi`: node_dmi_info's labels (absent when <sysfs>/class/dmi does not exist). */
  readonly dmi?: Readonly<Record<string, string>>;
  /** Sub-switch `edac` ([] without EDAC controllers). */
  readonly edac?: readonly EdacControllerReading[];
  /** Sub-switch `watchdog` (absent when <sysfs>/class/watchdog does not exist). */
  readonly watchdogs?: readonly WatchdogReading[];
  /** Sub-switch `fibrechannel` (absent when <sysfs>/class/fc_host does not exist). */
  readonly fibreChannel?: readonly FibreChannelHostReading[];
}

/** One fibre channel host (node_exporter fibrechannel). */
export interface FibreChannelHostReading {
  readonly name: string;
  /** speed, port_state, port_type, port_id, port_name, fabric_name, ... (absent files left out). */
  readonly strings: Readonly<Record<string, string>>;
  /** statistics/<file> counters by file name (absent files and 2^64-1 left out). */
  readonly counters: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------
// process: node_processes_* and process-exporter compatible groups. Built by the process
// collector (src/collectors/process.ts); the shape is the contract both sinks render from.
// ---------------------------------------------------------------------------------------

/** node_exporter's processes collector. */
export interface ProcessesSummary {
  readonly pids: number;
  readonly threads: number;
  readonly maxThreads?: number;
  readonly maxProcesses?: number;
  /** Process count by one-letter state (`R`, `S`, `D`, `Z`, `I`, `T`, ...). */
  readonly states: Readonly<Record<string, number>>;
  /** Thread count by one-letter state. */
  readonly threadStates?: Readonly<Record<string, number>>;
}

/** One process-exporter group (`namedprocess_namegroup_*{groupname}`). Counters never go backwards. */
export interface ProcessGroupReading {
  readonly name: string;
  readonly numProcs: number;
  readonly numThreads: number;
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly majorPageFaults: number;
  readonly minorPageFaults: number;
  readonly voluntaryContextSwitches: number;
  readonly nonvoluntaryContextSwitches: number;
  readonly residentBytes: number;
  readonly virtualBytes: number;
  readonly swappedBytes: number;
  readonly proportionalResidentBytes?: number;
  readonly proportionalSwappedBytes?: number;
  readonly openFds: number;
  /** max(open fds / soft limit) over members. */
  readonly worstFdRatio: number;
  /** Unix seconds. */
  readonly oldestStartTimeSeconds: number;
  /** Thread count by process-exporter's state names (Running, Sleeping, Waiting, Zombie, Other). */
  readonly states: Readonly<Record<string, number>>;
  /** Threads per wait channel, counted as process-exporter does (threads_wchan). */
  readonly wchans?: Readonly<Record<string, number>>;
  /** The threads of multi-threaded members by thread name (process-exporter's thread_* families). */
  readonly threads?: readonly ProcessThreadGroupReading[];
}

/** The threads of a group sharing one thread name. Counters never go backwards while the group lives. */
export interface ProcessThreadGroupReading {
  readonly name: string;
  /** Live threads with this name. */
  readonly count: number;
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly majorPageFaults: number;
  readonly minorPageFaults: number;
  readonly voluntaryContextSwitches: number;
  readonly nonvoluntaryContextSwitches: number;
}

/** One of the optional top-N processes (by cpu or memory), with its pid. */
export interface TopProcessReading {
  readonly pid: number;
  readonly name: string;
  readonly by: 'cpu' | 'memory';
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly residentBytes: number;
  readonly virtualBytes: number;
}

export interface ProcessReading {
  /** Sub-switch `processes`. */
  readonly summary?: ProcessesSummary;
  /** Configured groups (empty groups removed; overflow folded into the overflow group). */
  readonly groups?: readonly ProcessGroupReading[];
  readonly top?: readonly TopProcessReading[];
  /** Processes skipped because they vanished mid-read or access was denied (cumulative). */
  readonly skipped?: { readonly vanished: number; readonly denied: number };
}

// ---------------------------------------------------------------------------------------
// The agent itself.
// ---------------------------------------------------------------------------------------

/** One sample of a runtime metric family (prom-client's JSON form). */
export interface RuntimeSample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  /** For histogram/summary parts: the full sample name (`..._bucket`, `..._sum`, `..._count`). */
  readonly metricName?: string;
}

/** One of the agent's own runtime metric families (prom-client's default metrics: `process_*`, `nodejs_*`). */
export interface RuntimeFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
  readonly values: readonly RuntimeSample[];
}

export interface AgentSelfReading {
  readonly version: string;
  readonly revision: string;
  readonly nodeVersion: string;
  /** When the agent started, unix seconds. */
  readonly startTimeSeconds: number;
  /** Unix seconds of the last poll in which every enabled collector succeeded (0 = never). */
  readonly lastSuccessfulPollSeconds: number;
  /** Polls run since start (including this one). */
  readonly polls: number;
  /** The agent's process metrics, as prom-client's default metrics give them. */
  readonly runtime: readonly RuntimeFamily[];
}

// ---------------------------------------------------------------------------------------
// The snapshot.
// ---------------------------------------------------------------------------------------

/** A Prometheus metric type (a textfile's `# TYPE`; the Prometheus sink's families). */
export type MetricType = 'counter' | 'gauge' | 'untyped' | 'histogram' | 'summary';

/** One family of a textfile, as parsed (src/collectors/textfile/parse.ts). */
export interface TextfileFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: readonly { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly value: number }[];
}

/** The textfile collector: metrics from `*.prom` files (node_exporter textfile). */
export interface TextfileReading {
  /** The families of every file read without error, merged by name. */
  readonly families: readonly TextfileFamily[];
  /** node_textfile_mtime_seconds: each file read without error, by path. */
  readonly files: readonly { readonly file: string; readonly mtimeSeconds: number }[];
  /** node_textfile_scrape_error: a directory or file could not be read or parsed. */
  readonly error: boolean;
}

/** The typed reading of each collector; a disabled collector, or one that failed outright, has none. */
export interface Readings {
  readonly cpu?: CpuReading;
  readonly mem?: MemReading;
  readonly disk?: DiskReading;
  readonly net?: NetReading;
  readonly nic?: NicReading;
  readonly host?: HostReading;
  readonly hardware?: HardwareReading;
  readonly process?: ProcessReading;
  readonly textfile?: TextfileReading;
}

export type ReadingOf<N extends CollectorName> = NonNullable<Readings[N]>;

export interface Snapshot {
  /** Poll sequence number, from 1. */
  readonly seq: number;
  /** When the poll started, unix milliseconds. */
  readonly timestamp: number;
  /** Wall time of the whole poll, seconds. */
  readonly durationSeconds: number;
  /** One entry per collector that was enabled for this poll. */
  readonly collectors: Readonly<Partial<Record<CollectorName, CollectorStatus>>>;
  /**
   * Readings. A collector that failed may still have a partial reading (the parts that
   * succeeded), as node_exporter publishes what a failing collector sent before its error.
   */
  readonly readings: Readings;
  /** Static labels from the config, added to every series. */
  readonly labels: Readonly<Record<string, string>>;
  readonly self: AgentSelfReading;
}

/** Deep-freezes a snapshot (and everything in it) and returns it. */
export function freezeSnapshot(s: Snapshot): Snapshot {
  deepFreeze(s);
  return s;
}

function deepFreeze(o: unknown): void {
  if (o === null || typeof o !== 'object' || Object.isFrozen(o)) return;
  Object.freeze(o);
  // No Object.values array per object: vmstat and netstat are records of ~400 numbers.
  if (Array.isArray(o)) {
    for (const v of o) if (v !== null && typeof v === 'object') deepFreeze(v);
    return;
  }
  const r = o as Record<string, unknown>;
  for (const k in r) {
    const v = r[k];
    if (v !== null && typeof v === 'object') deepFreeze(v);
  }
}
