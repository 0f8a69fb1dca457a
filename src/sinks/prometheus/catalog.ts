/**
 * Every metric family the Prometheus sink serves, as data: name, type, help, label names
 * and the collector and part that produce it, following node_exporter (names, types,
 * units, labels) so dashboards and alerts read them unchanged. The per-collector renderers
 * (cpu.ts, mem.ts, ..., process.ts) only decide values; `npm run gen` writes the table in
 * docs/agent.md from {@link promCatalog}, and the catalog test checks the golden exposition
 * against it. Families whose names come from the kernel (meminfo, vmstat, netstat,
 * sockstat, netdev) are built by the helpers at the bottom.
 */
import type { CollectorName } from '../../contract/snapshot.js';
import type { MetricType, PromFamily } from './exposition.js';

/** Who produces a family: a collector (or the agent itself, `self`) and its part (node_exporter's collector name). */
export interface FamilySource {
  readonly collector: CollectorName | 'self';
  readonly part: string;
}

/** A catalog entry: the family and where it comes from. */
export interface CatalogFamily extends PromFamily, FamilySource {
  readonly labels: readonly string[];
}

interface Unplaced {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
}

function m(name: string, type: MetricType, help: string, labels: readonly string[] = []): Unplaced {
  return { name, type, help, labels };
}

/** Places a block of families under their collector and part. */
function part<K extends string>(
  collector: FamilySource['collector'],
  partName: string,
  defs: Record<K, Unplaced>,
): Record<K, CatalogFamily> {
  const out = {} as Record<K, CatalogFamily>;
  for (const k of Object.keys(defs) as K[]) out[k] = Object.freeze({ ...defs[k], collector, part: partName });
  return out;
}

export const CATALOG = {
  // ---- exporter self (node_exporter's names where they exist) -------------------------
  ...part('self', 'self', {
    scrapeCollectorDuration: m('node_scrape_collector_duration_seconds', 'gauge', 'node_exporter: Duration of a collector scrape.', [
      'collector',
    ]),
    scrapeCollectorSuccess: m('node_scrape_collector_success', 'gauge', 'node_exporter: Whether a collector succeeded.', ['collector']),
    collectorErrors: m(
      'hostprobe_collector_errors_total',
      'counter',
      'Polls in which a collector failed (a required file missing, unreadable or malformed, a value out of its domain, its deadline passed).',
      ['collector'],
    ),
    buildInfo: m(
      'hostprobe_build_info',
      'gauge',
      "A metric with a constant '1' value labeled by version, revision, nodeversion, goos and goarch from which hostprobe was built.",
      ['version', 'revision', 'nodeversion', 'goos', 'goarch'],
    ),
    pollDuration: m('hostprobe_poll_duration_seconds', 'gauge', 'Duration of the poll this exposition comes from.'),
    pollTimestamp: m('hostprobe_poll_timestamp_seconds', 'gauge', 'When the poll this exposition comes from started, unix seconds.'),
    lastSuccessfulPoll: m(
      'hostprobe_last_successful_poll_timestamp_seconds',
      'gauge',
      'When the last poll in which every collector succeeded started, unix seconds (0 = never).',
    ),
    polls: m('hostprobe_polls_total', 'counter', 'Polls run since the agent started.'),
    configLastReloadSuccessful: m(
      'hostprobe_config_last_reload_successful',
      'gauge',
      'Whether the last configuration reload attempt was successful.',
    ),
    configLastReloadSuccessTimestamp: m(
      'hostprobe_config_last_reload_success_timestamp_seconds',
      'gauge',
      'Timestamp of the last successful configuration reload (the start until the first reload), unix seconds.',
    ),
  }),

  // ---- cpu ----------------------------------------------------------------------------
  ...part('cpu', 'cpu', {
    cpuSeconds: m('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.', ['cpu', 'mode']),
    cpuGuestSeconds: m('node_cpu_guest_seconds_total', 'counter', 'Seconds the CPUs spent in guests (VMs) for each mode.', ['cpu', 'mode']),
  }),
  ...part('cpu', 'cpufreq', {
    cpuFrequency: m('node_cpu_frequency_hertz', 'gauge', 'Current CPU thread frequency in hertz.', ['cpu']),
    cpuFrequencyMin: m('node_cpu_frequency_min_hertz', 'gauge', 'Minimum CPU thread frequency in hertz.', ['cpu']),
    cpuFrequencyMax: m('node_cpu_frequency_max_hertz', 'gauge', 'Maximum CPU thread frequency in hertz.', ['cpu']),
    cpuFrequencyAvg: m('node_cpu_frequency_avg_hertz', 'gauge', 'Average CPU thread frequency in hertz, as the hardware reports it.', [
      'cpu',
    ]),
    cpuScalingFrequency: m('node_cpu_scaling_frequency_hertz', 'gauge', 'Current scaled CPU thread frequency in hertz.', ['cpu']),
    cpuScalingFrequencyMin: m('node_cpu_scaling_frequency_min_hertz', 'gauge', 'Minimum scaled CPU thread frequency in hertz.', ['cpu']),
    cpuScalingFrequencyMax: m('node_cpu_scaling_frequency_max_hertz', 'gauge', 'Maximum scaled CPU thread frequency in hertz.', ['cpu']),
    cpuScalingGovernor: m('node_cpu_scaling_governor', 'gauge', 'Current enabled CPU frequency governor.', ['cpu', 'governor']),
  }),
  ...part('cpu', 'stat', {
    contextSwitches: m('node_context_switches_total', 'counter', 'Total number of context switches.'),
    interrupts: m('node_intr_total', 'counter', 'Total number of interrupts serviced.'),
    forks: m('node_forks_total', 'counter', 'Total number of forks.'),
    bootTime: m('node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.'),
    procsRunning: m('node_procs_running', 'gauge', 'Number of processes in runnable state.'),
    procsBlocked: m('node_procs_blocked', 'gauge', 'Number of processes blocked waiting for I/O to complete.'),
  }),
  ...part('cpu', 'loadavg', {
    load1: m('node_load1', 'gauge', '1m load average.'),
    load5: m('node_load5', 'gauge', '5m load average.'),
    load15: m('node_load15', 'gauge', '15m load average.'),
  }),
  ...part('cpu', 'pressure', {
    pressureCpuWaiting: m(
      'node_pressure_cpu_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited for CPU time',
    ),
    pressureCpuStalled: m(
      'node_pressure_cpu_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to CPU congestion',
    ),
    pressureIoWaiting: m(
      'node_pressure_io_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited due to IO congestion',
    ),
    pressureIoStalled: m(
      'node_pressure_io_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to IO congestion',
    ),
    pressureMemoryWaiting: m(
      'node_pressure_memory_waiting_seconds_total',
      'counter',
      'Total time in seconds that processes have waited for memory',
    ),
    pressureMemoryStalled: m(
      'node_pressure_memory_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to memory congestion',
    ),
    pressureIrqStalled: m(
      'node_pressure_irq_stalled_seconds_total',
      'counter',
      'Total time in seconds no process could make progress due to IRQ congestion',
    ),
  }),
  ...part('cpu', 'stat', {
    softirqs: m('node_softirqs_total', 'counter', 'Number of softirq calls.', ['vector']),
  }),
  ...part('cpu', 'cpu', {
    cpuInfo: m('node_cpu_info', 'gauge', 'CPU information from /proc/cpuinfo.', [
      'package',
      'core',
      'cpu',
      'vendor',
      'family',
      'model',
      'model_name',
      'microcode',
      'stepping',
      'cachesize',
    ]),
    cpuFlagInfo: m('node_cpu_flag_info', 'gauge', 'The `flags` field of CPU information from /proc/cpuinfo taken from the first core.', [
      'flag',
    ]),
    cpuBugInfo: m('node_cpu_bug_info', 'gauge', 'The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.', [
      'bug',
    ]),
    cpuIsolated: m('node_cpu_isolated', 'gauge', 'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.', [
      'cpu',
    ]),
    cpuCoreThrottles: m('node_cpu_core_throttles_total', 'counter', 'Number of times this CPU core has been throttled.', [
      'package',
      'core',
    ]),
    cpuPackageThrottles: m('node_cpu_package_throttles_total', 'counter', 'Number of times this CPU package has been throttled.', [
      'package',
    ]),
  }),
  ...part('cpu', 'schedstat', {
    schedstatRunning: m('node_schedstat_running_seconds_total', 'counter', 'Number of seconds CPU spent running a process.', ['cpu']),
    schedstatWaiting: m('node_schedstat_waiting_seconds_total', 'counter', 'Number of seconds spent by processing waiting for this CPU.', [
      'cpu',
    ]),
    schedstatTimeslices: m('node_schedstat_timeslices_total', 'counter', 'Number of timeslices executed by CPU.', ['cpu']),
  }),

  // ---- filesystem -----------------------------------------------------------------------
  ...part('disk', 'filesystem', {
    fsSize: m('node_filesystem_size_bytes', 'gauge', 'Filesystem size in bytes.', ['device', 'device_error', 'fstype', 'mountpoint']),
    fsFree: m('node_filesystem_free_bytes', 'gauge', 'Filesystem free space in bytes.', ['device', 'device_error', 'fstype', 'mountpoint']),
    fsAvail: m('node_filesystem_avail_bytes', 'gauge', 'Filesystem space available to non-root users in bytes.', [
      'device',
      'device_error',
      'fstype',
      'mountpoint',
    ]),
    fsFiles: m('node_filesystem_files', 'gauge', 'Filesystem total file nodes.', ['device', 'device_error', 'fstype', 'mountpoint']),
    fsFilesFree: m('node_filesystem_files_free', 'gauge', 'Filesystem total free file nodes.', [
      'device',
      'device_error',
      'fstype',
      'mountpoint',
    ]),
    fsReadonly: m('node_filesystem_readonly', 'gauge', 'Filesystem read-only status.', ['device', 'device_error', 'fstype', 'mountpoint']),
    fsDeviceError: m('node_filesystem_device_error', 'gauge', 'Whether an error occurred while getting statistics for the given device.', [
      'device',
      'device_error',
      'fstype',
      'mountpoint',
    ]),
    fsMountInfo: m('node_filesystem_mount_info', 'gauge', 'Filesystem mount information.', ['device', 'major', 'minor', 'mountpoint']),
    fsPurgeable: m('node_filesystem_purgeable_bytes', 'gauge', 'Filesystem space available including purgeable space (MacOS specific).', [
      'device',
      'device_error',
      'fstype',
      'mountpoint',
    ]),
  }),

  // ---- mdadm ----------------------------------------------------------------------------
  ...part('disk', 'mdadm', {
    mdState: m('node_md_state', 'gauge', 'Indicates the state of md-device.', ['device', 'state']),
    mdDisks: m('node_md_disks', 'gauge', 'Number of active/failed/spare disks of device.', ['device', 'state']),
    mdDisksRequired: m('node_md_disks_required', 'gauge', 'Total number of disks of device.', ['device']),
    mdBlocks: m('node_md_blocks', 'gauge', 'Total number of blocks on device.', ['device']),
    mdBlocksSynced: m('node_md_blocks_synced', 'gauge', 'Number of blocks synced on device.', ['device']),
    mdRaidDisks: m('node_md_raid_disks', 'gauge', 'Number of raid disks on device.', ['device']),
    mdDegraded: m('node_md_degraded', 'gauge', 'Number of degraded disks on device.', ['device']),
  }),

  // ---- diskstats ------------------------------------------------------------------------
  ...part('disk', 'diskstats', {
    diskReads: m('node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.', ['device']),
    diskReadsMerged: m('node_disk_reads_merged_total', 'counter', 'The total number of reads merged.', ['device']),
    diskReadBytes: m('node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.', ['device']),
    diskReadTime: m('node_disk_read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', ['device']),
    diskWrites: m('node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.', ['device']),
    diskWritesMerged: m('node_disk_writes_merged_total', 'counter', 'The number of writes merged.', ['device']),
    diskWrittenBytes: m('node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.', ['device']),
    diskWriteTime: m('node_disk_write_time_seconds_total', 'counter', 'This is the total number of seconds spent by all writes.', [
      'device',
    ]),
    diskIoNow: m('node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', ['device']),
    diskIoTime: m('node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', ['device']),
    diskIoTimeWeighted: m('node_disk_io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', ['device']),
    diskDiscards: m('node_disk_discards_completed_total', 'counter', 'The total number of discards completed successfully.', ['device']),
    diskDiscardsMerged: m('node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', ['device']),
    diskDiscardedSectors: m('node_disk_discarded_sectors_total', 'counter', 'The total number of sectors discarded successfully.', [
      'device',
    ]),
    diskDiscardTime: m('node_disk_discard_time_seconds_total', 'counter', 'This is the total number of seconds spent by all discards.', [
      'device',
    ]),
    diskFlushes: m('node_disk_flush_requests_total', 'counter', 'The total number of flush requests completed successfully', ['device']),
    diskFlushTime: m(
      'node_disk_flush_requests_time_seconds_total',
      'counter',
      'This is the total number of seconds spent by all flush requests.',
      ['device'],
    ),
    diskInfo: m('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.', [
      'device',
      'major',
      'minor',
      'path',
      'wwn',
      'model',
      'serial',
      'revision',
      'rotational',
    ]),
    diskFilesystemInfo: m('node_disk_filesystem_info', 'gauge', 'Info about disk filesystem.', [
      'device',
      'type',
      'usage',
      'uuid',
      'version',
    ]),
    diskDeviceMapperInfo: m('node_disk_device_mapper_info', 'gauge', 'Info about disk device mapper.', [
      'device',
      'name',
      'uuid',
      'vg_name',
      'lv_name',
      'lv_layer',
    ]),
    diskDeviceMapperBacking: m(
      'node_disk_device_mapper_backing_device_info',
      'gauge',
      'Info about the underlying block devices of a device mapper device.',
      ['device', 'backing_device'],
    ),
    diskAtaWriteCache: m('node_disk_ata_write_cache', 'gauge', 'ATA disk has a write cache.', ['device']),
    diskAtaWriteCacheEnabled: m('node_disk_ata_write_cache_enabled', 'gauge', 'ATA disk has its write cache enabled.', ['device']),
    diskAtaRotationRate: m('node_disk_ata_rotation_rate_rpm', 'gauge', 'ATA disk rotation rate in RPMs (0 for SSDs).', ['device']),
  }),

  // ---- textfile --------------------------------------------------------------------------
  ...part('textfile', 'textfile', {
    textfileMtime: m('node_textfile_mtime_seconds', 'gauge', 'Unixtime mtime of textfiles successfully read.', ['file']),
    textfileScrapeError: m('node_textfile_scrape_error', 'gauge', '1 if there was an error opening or reading a file, 0 otherwise', []),
  }),

  // ---- netdev (names built by netdevDef) ----------------------------------------------
  // ---- netclass -----------------------------------------------------------------------
  ...part('nic', 'netclass', {
    netUp: m('node_network_up', 'gauge', "Value is 1 if operstate is 'up', 0 otherwise.", ['device']),
    netInfo: m('node_network_info', 'gauge', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', [
      'address',
      'adminstate',
      'broadcast',
      'device',
      'duplex',
      'ifalias',
      'operstate',
    ]),
    netAddressAssignType: m('node_network_address_assign_type', 'gauge', 'Network device property: address_assign_type', ['device']),
    netCarrier: m('node_network_carrier', 'gauge', 'Network device property: carrier', ['device']),
    netCarrierChanges: m('node_network_carrier_changes_total', 'counter', 'Network device property: carrier_changes_total', ['device']),
    netCarrierUpChanges: m('node_network_carrier_up_changes_total', 'counter', 'Network device property: carrier_up_changes_total', [
      'device',
    ]),
    netCarrierDownChanges: m('node_network_carrier_down_changes_total', 'counter', 'Network device property: carrier_down_changes_total', [
      'device',
    ]),
    netDeviceId: m('node_network_device_id', 'gauge', 'Network device property: device_id', ['device']),
    netDormant: m('node_network_dormant', 'gauge', 'Network device property: dormant', ['device']),
    netFlags: m('node_network_flags', 'gauge', 'Network device property: flags', ['device']),
    netIfaceId: m('node_network_iface_id', 'gauge', 'Network device property: iface_id', ['device']),
    netIfaceLink: m('node_network_iface_link', 'gauge', 'Network device property: iface_link', ['device']),
    netIfaceLinkMode: m('node_network_iface_link_mode', 'gauge', 'Network device property: iface_link_mode', ['device']),
    netMtu: m('node_network_mtu_bytes', 'gauge', 'Network device property: mtu_bytes', ['device']),
    netNameAssignType: m('node_network_name_assign_type', 'gauge', 'Network device property: name_assign_type', ['device']),
    netDevGroup: m('node_network_net_dev_group', 'gauge', 'Network device property: net_dev_group', ['device']),
    netProtocolType: m('node_network_protocol_type', 'gauge', 'Network device property: protocol_type', ['device']),
    netSpeed: m('node_network_speed_bytes', 'gauge', 'Network device property: speed_bytes', ['device']),
    netTxQueueLength: m('node_network_transmit_queue_length', 'gauge', 'Network device property: transmit_queue_length', ['device']),
  }),

  // ---- bonding ------------------------------------------------------------------------
  ...part('nic', 'bonding', {
    bondingActive: m('node_bonding_active', 'gauge', 'Number of active slaves per bonding interface.', ['master']),
    bondingSlaves: m('node_bonding_slaves', 'gauge', 'Number of configured slaves per bonding interface.', ['master']),
  }),

  // ---- sockstat / tcpstat ---------------------------------------------------------------
  ...part('net', 'sockstat', {
    sockstatSocketsUsed: m('node_sockstat_sockets_used', 'gauge', 'Number of IPv4 sockets in use.'),
  }),
  ...part('net', 'tcpstat', {
    tcpConnectionStates: m('node_tcp_connection_states', 'gauge', 'Number of connection states.', ['state']),
  }),

  // ---- conntrack / softnet / arp / udp_queues --------------------------------------------
  ...part('net', 'conntrack', {
    conntrackEntries: m('node_nf_conntrack_entries', 'gauge', 'Number of currently allocated flow entries for connection tracking.'),
    conntrackEntriesLimit: m('node_nf_conntrack_entries_limit', 'gauge', 'Maximum size of connection tracking table.'),
    conntrackStatFound: m('node_nf_conntrack_stat_found', 'gauge', 'Number of searched entries which were successful.'),
    conntrackStatInvalid: m('node_nf_conntrack_stat_invalid', 'gauge', 'Number of packets seen which can not be tracked.'),
    conntrackStatIgnore: m(
      'node_nf_conntrack_stat_ignore',
      'gauge',
      'Number of packets seen which are already connected to a conntrack entry.',
    ),
    conntrackStatInsert: m('node_nf_conntrack_stat_insert', 'gauge', 'Number of entries inserted into the list.'),
    conntrackStatInsertFailed: m(
      'node_nf_conntrack_stat_insert_failed',
      'gauge',
      'Number of entries for which list insertion was attempted but failed.',
    ),
    conntrackStatDrop: m('node_nf_conntrack_stat_drop', 'gauge', 'Number of packets dropped due to conntrack failure.'),
    conntrackStatEarlyDrop: m(
      'node_nf_conntrack_stat_early_drop',
      'gauge',
      'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.',
    ),
    conntrackStatSearchRestart: m(
      'node_nf_conntrack_stat_search_restart',
      'gauge',
      'Number of conntrack table lookups which had to be restarted due to hashtable resizes.',
    ),
  }),
  ...part('net', 'softnet', {
    softnetProcessed: m('node_softnet_processed_total', 'counter', 'Number of processed packets', ['cpu']),
    softnetDropped: m('node_softnet_dropped_total', 'counter', 'Number of dropped packets', ['cpu']),
    softnetTimesSqueezed: m('node_softnet_times_squeezed_total', 'counter', 'Number of times processing packets ran out of quota', ['cpu']),
    softnetCpuCollision: m(
      'node_softnet_cpu_collision_total',
      'counter',
      'Number of collision occur while obtaining device lock while transmitting',
      ['cpu'],
    ),
    softnetReceivedRps: m('node_softnet_received_rps_total', 'counter', 'Number of times cpu woken up received_rps', ['cpu']),
    softnetFlowLimitCount: m('node_softnet_flow_limit_count_total', 'counter', 'Number of times flow limit has been reached', ['cpu']),
    softnetBacklogLen: m('node_softnet_backlog_len', 'gauge', 'Softnet backlog status', ['cpu']),
  }),
  ...part('net', 'arp', {
    arpEntries: m('node_arp_entries', 'gauge', 'ARP entries by device', ['device']),
  }),
  ...part('net', 'udp_queues', {
    udpQueues: m('node_udp_queues', 'gauge', 'Number of allocated memory in the kernel for UDP datagrams in bytes.', ['queue', 'ip']),
  }),

  // ---- host -----------------------------------------------------------------------------
  ...part('host', 'uname', {
    unameInfo: m('node_uname_info', 'gauge', 'Labeled system information as provided by the uname system call.', [
      'domainname',
      'machine',
      'nodename',
      'release',
      'sysname',
      'version',
    ]),
  }),
  ...part('host', 'time', {
    timeSeconds: m('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).'),
    timeZoneOffset: m('node_time_zone_offset_seconds', 'gauge', 'System time zone offset in seconds.', ['time_zone']),
    clocksourceAvailable: m(
      'node_time_clocksource_available_info',
      'gauge',
      "Available clocksources read from '/sys/devices/system/clocksource'.",
      ['clocksource', 'device'],
    ),
    clocksourceCurrent: m(
      'node_time_clocksource_current_info',
      'gauge',
      "Current clocksource read from '/sys/devices/system/clocksource'.",
      ['clocksource', 'device'],
    ),
  }),
  ...part('host', 'os', {
    osInfo: m(
      'node_os_info',
      'gauge',
      "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
      [
        'build_id',
        'id',
        'id_like',
        'image_id',
        'image_version',
        'name',
        'pretty_name',
        'variant',
        'variant_id',
        'version',
        'version_codename',
        'version_id',
      ],
    ),
    osVersion: m('node_os_version', 'gauge', 'Metric containing the major.minor part of the OS version.', ['id', 'id_like', 'name']),
  }),
  ...part('host', 'filefd', {
    filefdAllocated: m('node_filefd_allocated', 'gauge', 'File descriptor statistics: allocated.'),
    filefdMaximum: m('node_filefd_maximum', 'gauge', 'File descriptor statistics: maximum.'),
  }),
  ...part('host', 'entropy', {
    entropyAvailable: m('node_entropy_available_bits', 'gauge', 'Bits of available entropy.'),
    entropyPoolSize: m('node_entropy_pool_size_bits', 'gauge', 'Bits of entropy pool.'),
  }),
  ...part('host', 'timex', {
    timexSyncStatus: m('node_timex_sync_status', 'gauge', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).'),
    timexOffset: m('node_timex_offset_seconds', 'gauge', 'Time offset in between local system and reference clock.'),
    timexFrequency: m('node_timex_frequency_adjustment_ratio', 'gauge', 'Local clock frequency adjustment.'),
    timexMaxerror: m('node_timex_maxerror_seconds', 'gauge', 'Maximum error in seconds.'),
    timexEstimatedError: m('node_timex_estimated_error_seconds', 'gauge', 'Estimated error in seconds.'),
    timexStatus: m('node_timex_status', 'gauge', 'Value of the status array bits.'),
    timexLoopTimeConstant: m('node_timex_loop_time_constant', 'gauge', 'Phase-locked loop time constant.'),
    timexTick: m('node_timex_tick_seconds', 'gauge', 'Seconds between clock ticks.'),
    timexPpsFrequency: m('node_timex_pps_frequency_hertz', 'gauge', 'Pulse per second frequency.'),
    timexPpsJitter: m('node_timex_pps_jitter_seconds', 'gauge', 'Pulse per second jitter.'),
    timexPpsShift: m('node_timex_pps_shift_seconds', 'gauge', 'Pulse per second interval duration.'),
    timexPpsStability: m('node_timex_pps_stability_hertz', 'gauge', 'Pulse per second stability, average of recent frequency changes.'),
    timexPpsJitterTotal: m('node_timex_pps_jitter_total', 'counter', 'Pulse per second count of jitter limit exceeded events.'),
    timexPpsCalibrationTotal: m('node_timex_pps_calibration_total', 'counter', 'Pulse per second count of calibration intervals.'),
    timexPpsErrorTotal: m('node_timex_pps_error_total', 'counter', 'Pulse per second count of calibration errors.'),
    timexPpsStabilityExceededTotal: m(
      'node_timex_pps_stability_exceeded_total',
      'counter',
      'Pulse per second count of stability limit exceeded events.',
    ),
    timexTaiOffset: m('node_timex_tai_offset_seconds', 'gauge', 'International Atomic Time (TAI) offset.'),
  }),
  ...part('host', 'kernel_hung', {
    kernelHungTasks: m(
      'node_kernel_hung_tasks_total',
      'counter',
      'Total number of tasks that have been detected as hung since the system booted.',
    ),
  }),
  ...part('host', 'selinux', {
    selinuxEnabled: m('node_selinux_enabled', 'gauge', 'SELinux is enabled, 1 is true, 0 is false'),
    selinuxConfigMode: m('node_selinux_config_mode', 'gauge', 'Configured SELinux enforcement mode'),
    selinuxCurrentMode: m('node_selinux_current_mode', 'gauge', 'Current SELinux enforcement mode'),
  }),

  // ---- process (node_exporter processes, process-exporter groups, top-N) ----------------
  // node_exporter processes
  ...part('process', 'processes', {
    processesThreads: m('node_processes_threads', 'gauge', 'Allocated threads in system'),
    processesMaxThreads: m('node_processes_max_threads', 'gauge', 'Limit of threads in the system'),
    processesPids: m('node_processes_pids', 'gauge', 'Number of PIDs'),
    processesMaxProcesses: m('node_processes_max_processes', 'gauge', 'Number of max PIDs limit'),
    processesState: m('node_processes_state', 'gauge', 'Number of processes in each state.', ['state']),
    processesThreadsState: m('node_processes_threads_state', 'gauge', 'Number of threads in each state.', ['thread_state']),
  }),
  // process-exporter groups
  ...part('process', 'groups', {
    groupNumProcs: m('namedprocess_namegroup_num_procs', 'gauge', 'number of processes in this group', ['groupname']),
    groupCpuSeconds: m('namedprocess_namegroup_cpu_seconds_total', 'counter', 'Cpu user usage in seconds', ['groupname', 'mode']),
    groupReadBytes: m('namedprocess_namegroup_read_bytes_total', 'counter', 'number of bytes read by this group', ['groupname']),
    groupWriteBytes: m('namedprocess_namegroup_write_bytes_total', 'counter', 'number of bytes written by this group', ['groupname']),
    groupMajorPageFaults: m('namedprocess_namegroup_major_page_faults_total', 'counter', 'Major page faults', ['groupname']),
    groupMinorPageFaults: m('namedprocess_namegroup_minor_page_faults_total', 'counter', 'Minor page faults', ['groupname']),
    groupContextSwitches: m('namedprocess_namegroup_context_switches_total', 'counter', 'Context switches', ['groupname', 'ctxswitchtype']),
    groupMemoryBytes: m('namedprocess_namegroup_memory_bytes', 'gauge', 'number of bytes of memory in use', ['groupname', 'memtype']),
    groupOpenFiledesc: m('namedprocess_namegroup_open_filedesc', 'gauge', 'number of open file descriptors for this group', ['groupname']),
    groupWorstFdRatio: m(
      'namedprocess_namegroup_worst_fd_ratio',
      'gauge',
      'the worst (closest to 1) ratio between open fds and max fds among all procs in this group',
      ['groupname'],
    ),
    groupOldestStartTime: m(
      'namedprocess_namegroup_oldest_start_time_seconds',
      'gauge',
      'start time in seconds since 1970/01/01 of oldest process in group',
      ['groupname'],
    ),
    groupNumThreads: m('namedprocess_namegroup_num_threads', 'gauge', 'Number of threads', ['groupname']),
    groupStates: m('namedprocess_namegroup_states', 'gauge', 'Number of processes in states Running, Sleeping, Waiting, Zombie, or Other', [
      'groupname',
      'state',
    ]),
    groupThreadsWchan: m('namedprocess_namegroup_threads_wchan', 'gauge', 'Number of threads in this group waiting on each wchan', [
      'groupname',
      'wchan',
    ]),
    groupThreadCount: m('namedprocess_namegroup_thread_count', 'gauge', 'Number of threads in this group with same threadname', [
      'groupname',
      'threadname',
    ]),
    groupThreadCpu: m('namedprocess_namegroup_thread_cpu_seconds_total', 'counter', 'Cpu user/system usage in seconds', [
      'groupname',
      'threadname',
      'mode',
    ]),
    groupThreadIo: m('namedprocess_namegroup_thread_io_bytes_total', 'counter', 'number of bytes read/written by these threads', [
      'groupname',
      'threadname',
      'iomode',
    ]),
    groupThreadMajor: m('namedprocess_namegroup_thread_major_page_faults_total', 'counter', 'Major page faults for these threads', [
      'groupname',
      'threadname',
    ]),
    groupThreadMinor: m('namedprocess_namegroup_thread_minor_page_faults_total', 'counter', 'Minor page faults for these threads', [
      'groupname',
      'threadname',
    ]),
    groupThreadCtx: m('namedprocess_namegroup_thread_context_switches_total', 'counter', 'Context switches for these threads', [
      'groupname',
      'threadname',
      'ctxswitchtype',
    ]),
  }),
  // hostprobe
  ...part('process', 'top', {
    processTopCpuSeconds: m(
      'hostprobe_process_top_cpu_seconds_total',
      'counter',
      'CPU seconds of one of the top processes (collectors.process.top), by mode.',
      ['pid', 'name', 'mode'],
    ),
    processTopMemoryBytes: m(
      'hostprobe_process_top_memory_bytes',
      'gauge',
      'Memory of one of the top processes (collectors.process.top), by type.',
      ['pid', 'name', 'memtype'],
    ),
  }),
  ...part('process', 'processes', {
    processSkipped: m(
      'hostprobe_process_skipped_total',
      'counter',
      'Processes skipped by the process collector because they vanished mid-read or access was denied.',
      ['reason'],
    ),
  }),

  // ---- hardware (node_exporter hwmon, thermal_zone, powersupplyclass, rapl, dmi, edac, watchdog)
  ...part('hardware', 'hwmon', {
    hwmonChipNames: m('node_hwmon_chip_names', 'gauge', 'Annotation metric for human-readable chip names', ['chip', 'chip_name']),
    hwmonSensorLabel: m('node_hwmon_sensor_label', 'gauge', 'Label for given chip and sensor', ['chip', 'sensor', 'label']),
    hwmonBeepEnabled: m('node_hwmon_beep_enabled', 'gauge', 'Hardware beep enabled', ['chip', 'sensor']),
    hwmonVoltageRegulatorVersion: m('node_hwmon_voltage_regulator_version', 'gauge', 'Hardware voltage regulator', ['chip', 'sensor']),
    hwmonUpdateInterval: m('node_hwmon_update_interval_seconds', 'gauge', 'Hardware monitor update interval', ['chip', 'sensor']),
  }),
  ...part('hardware', 'thermal_zone', {
    thermalZoneTemp: m('node_thermal_zone_temp', 'gauge', 'Zone temperature in Celsius', ['zone', 'type']),
    coolingDeviceCurState: m('node_cooling_device_cur_state', 'gauge', 'Current throttle state of the cooling device', ['name', 'type']),
    coolingDeviceMaxState: m('node_cooling_device_max_state', 'gauge', 'Maximum throttle state of the cooling device', ['name', 'type']),
  }),
  ...part('hardware', 'rapl', {
    raplJoules: m('node_rapl_joules_total', 'counter', 'Current RAPL value in joules', ['index', 'path', 'rapl_zone']),
  }),
  ...part('hardware', 'dmi', {
    dmiInfo: m(
      'node_dmi_info',
      'gauge',
      "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.",
      [
        'bios_date',
        'bios_release',
        'bios_vendor',
        'bios_version',
        'board_asset_tag',
        'board_name',
        'board_serial',
        'board_vendor',
        'board_version',
        'chassis_asset_tag',
        'chassis_serial',
        'chassis_vendor',
        'chassis_version',
        'product_family',
        'product_name',
        'product_serial',
        'product_sku',
        'product_uuid',
        'product_version',
        'system_vendor',
      ],
    ),
  }),
  ...part('hardware', 'edac', {
    edacCorrectable: m('node_edac_correctable_errors_total', 'counter', 'Total correctable memory errors.', ['controller']),
    edacUncorrectable: m('node_edac_uncorrectable_errors_total', 'counter', 'Total uncorrectable memory errors.', ['controller']),
    edacCsrowCorrectable: m('node_edac_csrow_correctable_errors_total', 'counter', 'Total correctable memory errors for this csrow.', [
      'controller',
      'csrow',
    ]),
    edacCsrowUncorrectable: m(
      'node_edac_csrow_uncorrectable_errors_total',
      'counter',
      'Total uncorrectable memory errors for this csrow.',
      ['controller', 'csrow'],
    ),
    edacChannelCorrectable: m(
      'node_edac_channel_correctable_errors_total',
      'counter',
      'Total correctable memory errors for this channel.',
      ['controller', 'csrow', 'channel', 'dimm_label'],
    ),
    edacChannelUncorrectable: m(
      'node_edac_channel_uncorrectable_errors_total',
      'counter',
      'Total uncorrectable memory errors for this channel.',
      ['controller', 'csrow', 'channel', 'dimm_label'],
    ),
  }),
  ...part('hardware', 'fibrechannel', {
    fcInfo: m('node_fibrechannel_info', 'gauge', 'Non-numeric data from /sys/class/fc_host/<host>, value is always 1.', [
      'dev_loss_tmo',
      'fabric_name',
      'fc_host',
      'port_id',
      'port_name',
      'port_state',
      'port_type',
      'speed',
      'supported_classes',
      'supported_speeds',
      'symbolic_name',
    ]),
    fcDumpedFrames: m('node_fibrechannel_dumped_frames_total', 'counter', 'Number of dumped frames', ['fc_host']),
    fcErrorFrames: m('node_fibrechannel_error_frames_total', 'counter', 'Number of errors in frames', ['fc_host']),
    fcInvalidCrcCount: m('node_fibrechannel_invalid_crc_total', 'counter', 'Invalid Cyclic Redundancy Check count', ['fc_host']),
    fcRxFrames: m('node_fibrechannel_rx_frames_total', 'counter', 'Number of frames received', ['fc_host']),
    fcRxWords: m('node_fibrechannel_rx_words_total', 'counter', 'Number of words received by host port', ['fc_host']),
    fcTxFrames: m('node_fibrechannel_tx_frames_total', 'counter', 'Number of frames transmitted by host port', ['fc_host']),
    fcTxWords: m('node_fibrechannel_tx_words_total', 'counter', 'Number of words transmitted by host port', ['fc_host']),
    fcSecondsSinceLastReset: m(
      'node_fibrechannel_seconds_since_last_reset_total',
      'counter',
      'Number of seconds since last host port reset',
      ['fc_host'],
    ),
    fcInvalidTxWordCount: m('node_fibrechannel_invalid_tx_words_total', 'counter', 'Number of invalid words transmitted by host port', [
      'fc_host',
    ]),
    fcLinkFailureCount: m('node_fibrechannel_link_failure_total', 'counter', 'Number of times the host port link has failed', ['fc_host']),
    fcLossOfSyncCount: m(
      'node_fibrechannel_loss_of_sync_total',
      'counter',
      'Number of failures on either bit or transmission word boundaries',
      ['fc_host'],
    ),
    fcLossOfSignalCount: m('node_fibrechannel_loss_of_signal_total', 'counter', 'Number of times signal has been lost', ['fc_host']),
    fcNosCount: m('node_fibrechannel_nos_total', 'counter', 'Number Not_Operational Primitive Sequence received by host port', ['fc_host']),
    fcFcpPacketAborts: m('node_fibrechannel_fcp_packet_aborts_total', 'counter', 'Number of aborted packets', ['fc_host']),
  }),
  ...part('hardware', 'watchdog', {
    watchdogBootstatus: m('node_watchdog_bootstatus', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/bootstatus', ['name']),
    watchdogFwVersion: m('node_watchdog_fw_version', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/fw_version', ['name']),
    watchdogNowayout: m('node_watchdog_nowayout', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/nowayout', ['name']),
    watchdogTimeleft: m('node_watchdog_timeleft_seconds', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/timeleft', ['name']),
    watchdogTimeout: m('node_watchdog_timeout_seconds', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/timeout', ['name']),
    watchdogPretimeout: m('node_watchdog_pretimeout_seconds', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/pretimeout', ['name']),
    watchdogAccessCs0: m('node_watchdog_access_cs0', 'gauge', 'Value of /sys/class/watchdog/<watchdog>/access_cs0', ['name']),
    watchdogInfo: m('node_watchdog_info', 'gauge', 'Info of /sys/class/watchdog/<watchdog>', [
      'name',
      'options',
      'identity',
      'state',
      'status',
      'pretimeout_governor',
    ]),
  }),
  ...part('hardware', 'powersupplyclass', {
    powerSupplyInfo: m('node_power_supply_info', 'gauge', 'info of /sys/class/power_supply/<power_supply>.', [
      'power_supply',
      'capacity_level',
      'charge_type',
      'health',
      'manufacturer',
      'model_name',
      'scope',
      'serial_number',
      'status',
      'technology',
      'type',
      'usb_type',
    ]),
  }),
} as const satisfies Record<string, CatalogFamily>;

// ---- families named after kernel fields -------------------------------------------------

const cache = new Map<string, CatalogFamily>();

function cached(src: FamilySource, name: string, type: MetricType, help: string, labels: readonly string[] = []): CatalogFamily {
  let d = cache.get(name);
  if (!d) {
    d = Object.freeze({ name, type, help, labels, collector: src.collector, part: src.part });
    cache.set(name, d);
  }
  return d;
}

const MEMINFO: FamilySource = { collector: 'mem', part: 'meminfo' };
const VMSTAT: FamilySource = { collector: 'mem', part: 'vmstat' };
const NETSTAT: FamilySource = { collector: 'net', part: 'netstat' };
const SOCKSTAT: FamilySource = { collector: 'net', part: 'sockstat' };
const NETDEV: FamilySource = { collector: 'net', part: 'netdev' };
const HWMON: FamilySource = { collector: 'hardware', part: 'hwmon' };
const RAPL: FamilySource = { collector: 'hardware', part: 'rapl' };
const POWER_SUPPLY: FamilySource = { collector: 'hardware', part: 'powersupplyclass' };

/**
 * A cache of defs by the raw kernel field, so the hot path (~700 lookups a poll) neither
 * builds the metric name string nor hashes it again: the field strings come from the
 * readings and usually are the same string objects poll after poll.
 */
function fieldCache(make: (field: string) => CatalogFamily): (field: string) => CatalogFamily {
  const byField = new Map<string, CatalogFamily>();
  return (field) => {
    let d = byField.get(field);
    if (!d) byField.set(field, (d = make(field)));
    return d;
  };
}

const meminfoBytes = fieldCache((field) => {
  const key = field.replace(/\((.*)\)/, '_$1');
  return cached(MEMINFO, `node_memory_${key}_bytes`, 'gauge', `Memory information field ${key}_bytes.`);
});
const meminfoCount = fieldCache((field) => {
  const key = field.replace(/\((.*)\)/, '_$1');
  return cached(MEMINFO, `node_memory_${key}`, 'gauge', `Memory information field ${key}.`);
});

/** node_memory_<Field>[_bytes]: `(anon)` → `_anon`; kB fields get `_bytes`, counts (HugePages_*) do not. */
export function meminfoDef(field: string, bytes: boolean): CatalogFamily {
  return bytes ? meminfoBytes(field) : meminfoCount(field);
}

/** node_vmstat_<field>, untyped like node_exporter's. */
export const vmstatDef: (field: string) => CatalogFamily = fieldCache((field) =>
  cached(VMSTAT, `node_vmstat_${field}`, 'untyped', `/proc/vmstat information field ${field}.`),
);

/** node_netstat_<Proto>_<Field>, untyped like node_exporter's. `key` is `<Proto>_<Field>`. */
export const netstatDef: (key: string) => CatalogFamily = fieldCache((key) =>
  cached(NETSTAT, `node_netstat_${key}`, 'untyped', `Statistic ${key.replace('_', '')}.`),
);

const sockstatByProtocol = new Map<string, (field: string) => CatalogFamily>();

/** node_sockstat_<PROTO>_<field>. */
export function sockstatDef(protocol: string, field: string): CatalogFamily {
  let f = sockstatByProtocol.get(protocol);
  if (!f) {
    f = fieldCache((fd) => cached(SOCKSTAT, `node_sockstat_${protocol}_${fd}`, 'gauge', `Number of ${protocol} sockets in state ${fd}.`));
    sockstatByProtocol.set(protocol, f);
  }
  return f(field);
}

/** The /proc/net/dev columns, in NetDevEntry order, with node_exporter's metric stems. */
/** The netdev counter that /proc/net/dev lacks (node_network_receive_nohandler_total). */
export const NETDEV_NOHANDLER = 'receive_nohandler';

export const NETDEV_COLUMNS = [
  ['rxBytes', 'receive_bytes'],
  ['rxPackets', 'receive_packets'],
  ['rxErrs', 'receive_errs'],
  ['rxDrop', 'receive_drop'],
  ['rxFifo', 'receive_fifo'],
  ['rxFrame', 'receive_frame'],
  ['rxCompressed', 'receive_compressed'],
  ['rxMulticast', 'receive_multicast'],
  ['txBytes', 'transmit_bytes'],
  ['txPackets', 'transmit_packets'],
  ['txErrs', 'transmit_errs'],
  ['txDrop', 'transmit_drop'],
  ['txFifo', 'transmit_fifo'],
  ['txColls', 'transmit_colls'],
  ['txCarrier', 'transmit_carrier'],
  ['txCompressed', 'transmit_compressed'],
] as const;

/** node_network_<stem>_total. */
export const netdevDef: (stem: string) => CatalogFamily = fieldCache((stem) =>
  cached(NETDEV, `node_network_${stem}_total`, 'counter', `Network device statistic ${stem}.`, ['device']),
);

/** A catalog row: a family, or a pattern (`<Field>` standing for kernel field names) whose members are built at render time. */
export interface CatalogRow {
  readonly family: CatalogFamily;
  readonly pattern: boolean;
}

/**
 * Every family the sink can serve, for docs (`npm run gen`) and tests: the fixed families,
 * every /proc/net/dev column, and one pattern row per kernel-named kind, built by the same
 * helpers the renderers call. The families of textfile `*.prom` files and the runtime's
 * own (`process_*`, `nodejs_*`, `hostprobe_otlp_*`) are not in it: they name themselves.
 */
export function promCatalog(): CatalogRow[] {
  const fixed = (family: CatalogFamily): CatalogRow => ({ family, pattern: false });
  const pattern = (family: CatalogFamily): CatalogRow => ({ family, pattern: true });
  return [
    ...Object.values(CATALOG).map(fixed),
    pattern(meminfoDef('<Field>', true)),
    pattern(meminfoDef('<Field>', false)),
    pattern(vmstatDef('<field>')),
    ...NETDEV_COLUMNS.map(([, stem]) => fixed(netdevDef(stem))),
    // Not a /proc/net/dev column: from netlink (RTM_GETLINK) or sysfs statistics/rx_nohandler.
    fixed(netdevDef(NETDEV_NOHANDLER)),
    pattern(sockstatDef('<PROTO>', '<field>')),
    pattern(netstatDef('<Proto>_<Field>')),
    pattern(
      hwmonDef(
        'node_hwmon_<sensor>_<unit>',
        'gauge',
        'Hardware monitor for &lt;sensor&gt; (&lt;file&gt;), named as node_exporter names it.',
      ),
    ),
    pattern(cached(RAPL, 'node_rapl_<zone>_joules_total', 'counter', 'Current RAPL &lt;zone&gt; value in joules', ['index', 'path'])),
    pattern(powerSupplyDef('<attribute>')),
  ];
}

/**
 * A node_hwmon_* family named after a sensor file (node_hwmon_temp_crit_celsius,
 * node_hwmon_pwm_auto_point1_pwm, ...), with node_exporter's HELP for it. Labels chip, sensor.
 */
export function hwmonDef(name: string, type: MetricType, help: string): CatalogFamily {
  return cached(HWMON, name, type, help, ['chip', 'sensor']);
}

/** node_rapl_<zone>_joules_total: one RAPL zone's energy counter. Labels index, path. */
export const raplZoneDef: (zone: string) => CatalogFamily = fieldCache((zone) =>
  cached(RAPL, `node_rapl_${zone.replace(/[^a-zA-Z0-9_:]/g, '_')}_joules_total`, 'counter', `Current RAPL ${zone} value in joules`, [
    'index',
    'path',
  ]),
);

/** node_power_supply_<name>: one numeric attribute of a power supply. Label power_supply. */
export const powerSupplyDef: (name: string) => CatalogFamily = fieldCache((name) =>
  cached(POWER_SUPPLY, `node_power_supply_${name}`, 'gauge', `${name} value of /sys/class/power_supply/<power_supply>.`, ['power_supply']),
);
