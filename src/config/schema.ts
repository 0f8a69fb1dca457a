/**
 * The agent's configuration schema, as data (see src/config/spec.ts). Defaults live here
 * (and, for the otlp: section, in src/config/otlp.ts) and nowhere else: the built-in default
 * config, config/hostprobe.yaml's values, the JSON Schemas in config/schema/, the config's
 * TypeScript type (src/config/types.ts) and docs/agent.md all follow this table.
 */
import { OTLP_SPEC } from './otlp.js';
import { toJsonSchema, type BooleanSpec, type DurationSpec, type ObjectSpec, type Spec } from './spec.js';

/** The default port: next to node_exporter's 9100 (and not process-exporter's 9256). */
export const DEFAULT_PORT = 9110;

// node_exporter 1.12.1's default exclusions (collector/filesystem_linux.go, diskstats_linux.go).
export const NODE_EXPORTER_MOUNT_POINTS_EXCLUDE =
  '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)';
export const NODE_EXPORTER_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$';
export const NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE = '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';
export const NODE_EXPORTER_NETSTAT_FIELDS =
  '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$';
export const NODE_EXPORTER_VMSTAT_FIELDS = '^(oom_kill|pgpg|pswp|pg.*fault).*';

const LABEL_NAME = { source: '^[a-zA-Z_][a-zA-Z0-9_]*$', what: 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)' };

// The helpers keep their fields' literal types (const type parameters), so the config's
// TypeScript type can be inferred from CONFIG_SPEC.

type SwitchFields = { readonly enabled: BooleanSpec & { readonly default: boolean } };

/** A part of a collector that can be switched off, with its own settings. */
function sw(
  description: string,
  defaultOn?: boolean,
): { readonly kind: 'object'; readonly description: string; readonly fields: SwitchFields };
function sw<const M extends Readonly<Record<string, Spec>>>(
  description: string,
  defaultOn: boolean,
  more: M,
): { readonly kind: 'object'; readonly description: string; readonly fields: SwitchFields & M };
function sw(description: string, defaultOn = true, more: Readonly<Record<string, Spec>> = {}): ObjectSpec {
  return {
    kind: 'object',
    description,
    fields: {
      enabled: { kind: 'boolean', default: defaultOn, description: `Serve this part (default ${defaultOn}).` },
      ...more,
    },
  };
}

/** A collector: on or off, its own timeout, its parts and settings. */
function collector<const F extends Readonly<Record<string, Spec>>>(
  description: string,
  defaultOn: boolean,
  fields: F,
): {
  readonly kind: 'object';
  readonly description: string;
  readonly fields: SwitchFields & { readonly timeout: DurationSpec } & F;
} {
  return {
    kind: 'object',
    description,
    fields: {
      enabled: { kind: 'boolean', default: defaultOn, description: `Run this collector (default ${defaultOn}).` },
      timeout: {
        kind: 'duration',
        minimum: 0.001,
        description: 'Deadline for this collector in one poll (default: collector_timeout).',
      },
      ...fields,
    },
  };
}

const processGroup = {
  kind: 'object',
  description:
    "One process group, process-exporter's process_names item: matchers are ANDed, the entries of comm and exe are ORed, every cmdline regex must match.",
  fields: {
    name: {
      kind: 'string',
      minLength: 1,
      description:
        'Group name template ({{.Comm}}, {{.ExeBase}}, {{.ExeFull}}, {{.Username}}, {{.Matches.<name>}}, {{.PID}}, {{.StartTime}}); default {{.ExeBase}}.',
    },
    comm: { kind: 'stringOrList', description: 'Process names (/proc/<pid>/comm, 15 characters).' },
    exe: { kind: 'stringOrList', description: "argv[0]; matched on the basename unless the entry contains a '/'." },
    cmdline: {
      kind: 'array',
      items: { kind: 'regex' },
      description: 'Regexes over the space-joined command line; named captures become {{.Matches.<name>}}.',
    },
  },
} as const satisfies ObjectSpec;

/** The whole agent config. */
export const CONFIG_SPEC = {
  kind: 'object',
  description: 'hostprobe agent configuration',
  fields: {
    poll_interval: {
      kind: 'duration',
      default: 15,
      minimum: 0.05,
      description:
        'How often the collectors run on their own (OTLP push, process tracking); a scrape polls when the latest poll is older than http.max_snapshot_age.',
    },
    collector_timeout: {
      kind: 'duration',
      default: 10,
      minimum: 0.001,
      description: 'Default deadline of each collector in a poll; a collector past it is reported failed for that poll.',
    },
    paths: {
      kind: 'object',
      description: 'Where the host is mounted (node_exporter --path.*).',
      fields: {
        procfs: { kind: 'string', minLength: 1, default: '/proc', description: 'procfs mount point.' },
        sysfs: { kind: 'string', minLength: 1, default: '/sys', description: 'sysfs mount point.' },
        rootfs: {
          kind: 'string',
          minLength: 1,
          default: '/',
          description: "The host's root file system; stripped from mount point labels.",
        },
      },
    },
    labels: {
      kind: 'map',
      keyPattern: LABEL_NAME,
      values: { kind: 'string' },
      description: 'Static labels added to every series.',
    },
    log: {
      kind: 'object',
      fields: {
        level: { kind: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info', description: 'Log level.' },
        format: { kind: 'string', enum: ['logfmt', 'json'], default: 'logfmt', description: 'Log line format.' },
      },
    },
    http: {
      kind: 'object',
      description: 'The /metrics listener.',
      fields: {
        enabled: { kind: 'boolean', default: true, description: 'Serve HTTP (false: OTLP push only).' },
        address: {
          kind: 'string',
          default: '',
          description: "Address to listen on; '' means every interface.",
        },
        port: {
          kind: 'number',
          integer: true,
          minimum: 0,
          maximum: 65535,
          default: DEFAULT_PORT,
          description: `TCP port (default ${DEFAULT_PORT}; node_exporter uses 9100).`,
        },
        path: {
          kind: 'string',
          default: '/metrics',
          pattern: { source: '^/', what: 'a path starting with /' },
          description: 'Path of the metrics endpoint.',
        },
        web_config_file: {
          kind: 'string',
          default: '',
          description: "exporter-toolkit web config (TLS, basic auth), as node_exporter's --web.config.file.",
        },
        max_snapshot_age: {
          kind: 'duration',
          default: 0.5,
          minimum: 0,
          description:
            'A scrape is served a snapshot at most this old: an older one makes the scrape run a poll (shared by concurrent scrapes). 0 = every scrape polls.',
        },
        limits: {
          kind: 'object',
          notAbove: [['header_timeout', 'request_timeout']],
          fields: {
            max_concurrent_requests: {
              kind: 'number',
              integer: true,
              minimum: 0,
              default: 40,
              description: 'Requests served at once; more get 503 (0 = unlimited). node_exporter --web.max-requests.',
            },
            header_timeout: {
              kind: 'duration',
              default: 10,
              minimum: 0.001,
              description: 'Time a client has to send its request headers.',
            },
            request_timeout: {
              kind: 'duration',
              default: 30,
              minimum: 0.001,
              description: 'Time a client has to send the whole request.',
            },
          },
        },
      },
    },
    collectors: {
      kind: 'object',
      description: 'The collectors and their parts; each part is named after the node_exporter collector it replaces.',
      fields: {
        cpu: collector('CPU times, frequencies, /proc/stat, load average, pressure, schedstat.', true, {
          cpu: sw('node_cpu_seconds_total (node_exporter cpu).', true, {
            guest: { kind: 'boolean', default: true, description: 'Also node_cpu_guest_seconds_total.' },
            info: {
              kind: 'boolean',
              default: false,
              description: 'Also node_cpu_info from /proc/cpuinfo (node_exporter --collector.cpu.info).',
            },
            info_flags_include: {
              kind: 'regex',
              default: '',
              description:
                "node_cpu_flag_info for the first CPU's flags matching this (--collector.cpu.info.flags-include); setting it turns info on.",
            },
            info_bugs_include: {
              kind: 'regex',
              default: '',
              description:
                "node_cpu_bug_info for the first CPU's bugs matching this (--collector.cpu.info.bugs-include); setting it turns info on.",
            },
          }),
          cpufreq: sw('node_cpu_*frequency* and governors (node_exporter cpufreq).'),
          stat: sw('context switches, interrupts, forks, procs running/blocked, boot time (node_exporter stat).', true, {
            softirq: {
              kind: 'boolean',
              default: false,
              description: 'Also node_softirqs_total{vector} (node_exporter --collector.stat.softirq).',
            },
          }),
          loadavg: sw('node_load1/5/15 (node_exporter loadavg).'),
          pressure: sw('node_pressure_* (node_exporter pressure).'),
          schedstat: sw('node_schedstat_* from /proc/schedstat (node_exporter schedstat).'),
        }),
        mem: collector('/proc/meminfo and /proc/vmstat.', true, {
          meminfo: sw('Every node_memory_* field (node_exporter meminfo).'),
          vmstat: sw('node_vmstat_* (node_exporter vmstat).', true, {
            fields: {
              kind: 'regex',
              default: NODE_EXPORTER_VMSTAT_FIELDS,
              description: 'vmstat fields to serve (node_exporter --collector.vmstat.fields).',
            },
          }),
        }),
        disk: collector('Filesystems and block devices.', true, {
          filesystem: {
            kind: 'object',
            description: 'node_filesystem_* (node_exporter filesystem).',
            exclusive: [
              ['mount_points_exclude', 'mount_points_include'],
              ['fs_types_exclude', 'fs_types_include'],
            ],
            fields: {
              enabled: { kind: 'boolean', default: true, description: 'Serve this part (default true).' },
              mount_points_exclude: {
                kind: 'regex',
                default: NODE_EXPORTER_MOUNT_POINTS_EXCLUDE,
                description: 'Mount points to leave out (setting mount_points_include clears this default).',
              },
              mount_points_include: { kind: 'regex', default: '', description: 'Only these mount points.' },
              fs_types_exclude: {
                kind: 'regex',
                default: NODE_EXPORTER_FS_TYPES_EXCLUDE,
                description: 'Filesystem types to leave out (setting fs_types_include clears this default).',
              },
              fs_types_include: { kind: 'regex', default: '', description: 'Only these filesystem types.' },
              mount_timeout: {
                kind: 'duration',
                default: 5,
                minimum: 0.001,
                description: 'A statfs slower than this marks the mount stuck; it is skipped (device_error 1) until the call returns.',
              },
            },
          },
          diskstats: {
            kind: 'object',
            description: 'node_disk_* (node_exporter diskstats).',
            exclusive: [['device_exclude', 'device_include']],
            fields: {
              enabled: { kind: 'boolean', default: true, description: 'Serve this part (default true).' },
              device_exclude: {
                kind: 'regex',
                default: NODE_EXPORTER_DISKSTATS_DEVICE_EXCLUDE,
                description: 'Block devices to leave out (partitions, ram, loop by default).',
              },
              device_include: { kind: 'regex', default: '', description: 'Only these block devices.' },
              udev_data_path: {
                kind: 'string',
                default: '',
                description:
                  "udev's database directory, for node_disk_info's model, serial, wwn, path and revision and the node_disk_{filesystem,device_mapper,ata}_* families (node_exporter --path.udev.data); empty: <rootfs>/run/udev/data.",
              },
            },
          },
          mdadm: sw('node_md_* from /proc/mdstat and <sysfs>/block/md*/md (node_exporter mdadm).'),
        }),
        net: collector('Interface counters and the network stack.', true, {
          netdev: {
            kind: 'object',
            description: 'node_network_*_total (node_exporter netdev).',
            exclusive: [['device_exclude', 'device_include']],
            fields: {
              enabled: { kind: 'boolean', default: true, description: 'Serve this part (default true).' },
              device_exclude: { kind: 'regex', default: '', description: 'Interfaces to leave out.' },
              device_include: { kind: 'regex', default: '', description: 'Only these interfaces.' },
              netlink: {
                kind: 'boolean',
                default: true,
                description:
                  "Also serve node_network_receive_nohandler_total, as node_exporter's netlink mode (--collector.netdev.netlink): one RTM_GETLINK dump of the agent's own network namespace, or <sysfs>/class/net/<if>/statistics/rx_nohandler when procfs is another namespace's. The other counters come from /proc/net/dev either way.",
              },
            },
          },
          sockstat: sw('node_sockstat_* (node_exporter sockstat).'),
          netstat: sw('node_netstat_* (node_exporter netstat).', true, {
            fields: {
              kind: 'regex',
              default: NODE_EXPORTER_NETSTAT_FIELDS,
              description: 'Fields to serve (node_exporter --collector.netstat.fields).',
            },
          }),
          tcpstat: sw('node_tcp_connection_states (node_exporter tcpstat, off there by default).'),
          conntrack: sw('node_nf_conntrack_* (node_exporter conntrack).'),
          softnet: sw('node_softnet_* (node_exporter softnet).'),
          arp: {
            kind: 'object',
            description: 'node_arp_entries (node_exporter arp).',
            exclusive: [['device_exclude', 'device_include']],
            fields: {
              enabled: { kind: 'boolean', default: true, description: 'Serve this part (default true).' },
              device_exclude: {
                kind: 'regex',
                default: '',
                description: 'Interfaces to leave out (node_exporter --collector.arp.device-exclude).',
              },
              device_include: {
                kind: 'regex',
                default: '',
                description: 'Only these interfaces (node_exporter --collector.arp.device-include).',
              },
              netlink: {
                kind: 'boolean',
                default: true,
                description:
                  "Read the neighbour table by a netlink RTM_GETNEIGH dump of the agent's own network namespace instead of <procfs>/.../net/arp (node_exporter --collector.arp.netlink).",
              },
            },
          },
          udp_queues: sw('node_udp_queues (node_exporter udp_queues).'),
        }),
        nic: collector('Interface attributes from sysfs (node_exporter netclass).', true, {
          ignored_devices: {
            kind: 'regex',
            default: '^$',
            description: 'Interfaces to leave out (node_exporter --collector.netclass.ignored-devices).',
          },
          ignore_invalid_speed: {
            kind: 'boolean',
            default: false,
            description: 'Leave out node_network_speed_bytes when the kernel reports an unknown speed.',
          },
          netclass: sw('node_network_up, _info, _speed_bytes, _mtu_bytes, ... (node_exporter netclass).'),
          bonding: sw('node_bonding_slaves, node_bonding_active (node_exporter bonding).'),
        }),
        host: collector('uname, time, os-release, file descriptors, entropy, timex, hung tasks, SELinux.', true, {
          uname: sw('node_uname_info (node_exporter uname).'),
          time: sw('node_time_* (node_exporter time).'),
          os: sw('node_os_info, node_os_version (node_exporter os).'),
          filefd: sw('node_filefd_* (node_exporter filefd).'),
          entropy: sw('node_entropy_* (node_exporter entropy).'),
          timex: sw('node_timex_* from adjtimex(2) (node_exporter timex).'),
          kernel_hung: sw('node_kernel_hung_tasks_total (node_exporter kernel_hung).'),
          selinux: sw('node_selinux_* (node_exporter selinux).'),
        }),
        hardware: collector('Hardware from sysfs: hwmon, thermal zones, power supplies, RAPL, DMI, watchdogs.', true, {
          hwmon: sw('node_hwmon_* (node_exporter hwmon).', true, {
            chip_include: {
              kind: 'regex',
              default: '',
              description: 'Only these hwmon chips (node_exporter --collector.hwmon.chip-include).',
            },
            chip_exclude: {
              kind: 'regex',
              default: '',
              description: 'hwmon chips to leave out (node_exporter --collector.hwmon.chip-exclude).',
            },
            sensor_include: {
              kind: 'regex',
              default: '',
              description: 'Only these sensors, matched against "<chip>;<sensor>" (node_exporter --collector.hwmon.sensor-include).',
            },
            sensor_exclude: {
              kind: 'regex',
              default: '',
              description: 'Sensors to leave out, matched against "<chip>;<sensor>" (node_exporter --collector.hwmon.sensor-exclude).',
            },
          }),
          thermal_zone: sw('node_thermal_zone_temp, node_cooling_device_* (node_exporter thermal_zone).'),
          powersupplyclass: sw('node_power_supply_* (node_exporter powersupplyclass).', true, {
            ignored_supplies: {
              kind: 'regex',
              default: '^$',
              description: 'Power supplies to leave out (node_exporter --collector.powersupply.ignored-supplies).',
            },
          }),
          rapl: sw('node_rapl_*_joules_total (node_exporter rapl).', true, {
            enable_zone_label: {
              kind: 'boolean',
              default: false,
              description:
                'One node_rapl_joules_total family with a rapl_zone label instead of one family per zone (node_exporter --collector.rapl.enable-zone-label).',
            },
          }),
          dmi: sw('node_dmi_info (node_exporter dmi).'),
          edac: sw('node_edac_* (node_exporter edac).'),
          watchdog: sw('node_watchdog_* (node_exporter watchdog).'),
          fibrechannel: sw('node_fibrechannel_* from <sysfs>/class/fc_host (node_exporter fibrechannel).'),
        }),
        process: collector('node_processes_* and process-exporter compatible groups.', false, {
          processes: sw('node_processes_* (node_exporter processes).'),
          groups: {
            kind: 'array',
            items: processGroup,
            description: "process-exporter's process_names: the first matching group wins.",
          },
          max_groups: {
            kind: 'number',
            integer: true,
            minimum: 1,
            default: 200,
            description: 'Cap on the number of groups; processes beyond it go to the overflow group.',
          },
          overflow_group: {
            kind: 'string',
            minLength: 1,
            default: 'other',
            description: 'Name of the group that takes processes beyond max_groups.',
          },
          remove_empty_groups: {
            kind: 'boolean',
            default: true,
            description: 'Drop a group when its last member exits.',
          },
          children: {
            kind: 'boolean',
            default: true,
            description: "Count an unmatched process in its nearest grouped ancestor's group (process-exporter -children).",
          },
          threads: {
            kind: 'boolean',
            default: true,
            description:
              "namedprocess_namegroup_thread_*: the members' threads by thread name, as process-exporter's -threads (three files read per thread of every multi-threaded member each poll).",
          },
          threads_wchan: {
            kind: 'boolean',
            default: true,
            description:
              "namedprocess_namegroup_threads_wchan: the members' threads per wait channel, as process-exporter (one file read per thread of every member each poll).",
          },
          recheck_with_time_limit: {
            kind: 'duration',
            default: 0,
            minimum: 0,
            description: 'Re-match a process during its first seconds (wrappers that exec); 0 = match once.',
          },
          top: {
            kind: 'object',
            description: 'Also serve the top processes, with a pid label.',
            fields: {
              count: { kind: 'number', integer: true, minimum: 0, maximum: 100, default: 0, description: 'How many (0 = off).' },
              by: { kind: 'string', enum: ['cpu', 'memory'], default: 'cpu', description: 'Ranking.' },
            },
          },
        }),
        textfile: collector('Metrics from *.prom files written by scripts and cron jobs (node_exporter textfile).', true, {
          directories: {
            kind: 'array',
            items: { kind: 'string', minLength: 1 },
            description:
              "Directories (or glob patterns of directories) whose *.prom files are served, as node_exporter's --collector.textfile.directory; none by default.",
          },
        }),
      },
    },
    otlp: OTLP_SPEC,
  },
} as const satisfies ObjectSpec;

/** The JSON Schema shipped as config/schema/hostprobe.schema.json (generated from CONFIG_SPEC). */
export function agentJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/hostprobe/hostprobe/config/schema/hostprobe.schema.json',
    title: 'hostprobe agent configuration',
    ...toJsonSchema(CONFIG_SPEC),
  };
}

/**
 * The JSON Schema shipped as config/schema/otlp.schema.json (generated from OTLP_SPEC, the
 * otlp: section; hostprobe.schema.json refers to it).
 */
export function otlpJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'otlp.schema.json',
    title: 'hostprobe otlp section',
    ...toJsonSchema(OTLP_SPEC),
  };
}
