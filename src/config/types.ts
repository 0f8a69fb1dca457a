/**
 * The validated agent configuration. Keys mirror the YAML file (snake_case); durations are
 * seconds; regexes are their source text ('' = not set). Defaults are in src/config/schema.ts.
 */

export interface SwitchConfig {
  readonly enabled: boolean;
}

export interface CollectorBaseConfig {
  readonly enabled: boolean;
  /** Seconds; undefined = the top-level collector_timeout. */
  readonly timeout?: number;
}

export interface CpuCollectorConfig extends CollectorBaseConfig {
  readonly cpu: SwitchConfig & { readonly guest: boolean };
  readonly cpufreq: SwitchConfig;
  readonly stat: SwitchConfig;
  readonly loadavg: SwitchConfig;
  readonly pressure: SwitchConfig;
}

export interface MemCollectorConfig extends CollectorBaseConfig {
  readonly meminfo: SwitchConfig;
  readonly vmstat: SwitchConfig & { readonly fields: string };
}

export interface DiskCollectorConfig extends CollectorBaseConfig {
  readonly filesystem: SwitchConfig & {
    readonly mount_points_exclude: string;
    readonly mount_points_include: string;
    readonly fs_types_exclude: string;
    readonly fs_types_include: string;
    readonly mount_timeout: number;
  };
  readonly diskstats: SwitchConfig & { readonly device_exclude: string; readonly device_include: string; readonly udev_data_path: string };
}

export interface NetCollectorConfig extends CollectorBaseConfig {
  readonly netdev: SwitchConfig & { readonly device_exclude: string; readonly device_include: string };
  readonly sockstat: SwitchConfig;
  readonly netstat: SwitchConfig & { readonly fields: string };
  readonly tcpstat: SwitchConfig;
}

export interface NicCollectorConfig extends CollectorBaseConfig {
  readonly ignored_devices: string;
  readonly ignore_invalid_speed: boolean;
}

export interface HostCollectorConfig extends CollectorBaseConfig {
  readonly uname: SwitchConfig;
  readonly time: SwitchConfig;
  readonly os: SwitchConfig;
  readonly filefd: SwitchConfig;
  readonly entropy: SwitchConfig;
}

/** process-exporter's process_names item. */
export interface ProcessGroupConfig {
  readonly name?: string;
  readonly comm?: readonly string[];
  readonly exe?: readonly string[];
  readonly cmdline?: readonly string[];
}

export interface ProcessCollectorConfig extends CollectorBaseConfig {
  readonly processes: SwitchConfig;
  readonly groups: readonly ProcessGroupConfig[];
  readonly max_groups: number;
  readonly overflow_group: string;
  readonly remove_empty_groups: boolean;
  readonly children: boolean;
  readonly threads: boolean;
  readonly threads_wchan: boolean;
  readonly recheck_with_time_limit: number;
  readonly top: { readonly count: number; readonly by: 'cpu' | 'memory' };
}

export interface TextfileCollectorConfig extends CollectorBaseConfig {
  /** Directories (or glob patterns of directories) whose `*.prom` files are served. */
  readonly directories: readonly string[];
}

export interface CollectorsConfig {
  readonly cpu: CpuCollectorConfig;
  readonly mem: MemCollectorConfig;
  readonly disk: DiskCollectorConfig;
  readonly net: NetCollectorConfig;
  readonly nic: NicCollectorConfig;
  readonly host: HostCollectorConfig;
  readonly process: ProcessCollectorConfig;
  readonly textfile: TextfileCollectorConfig;
}

export interface HttpConfig {
  readonly enabled: boolean;
  readonly address: string;
  readonly port: number;
  readonly path: string;
  readonly web_config_file: string;
  /** Seconds: a scrape is served a snapshot at most this old, polling when the latest is older (0 = always poll). */
  readonly max_snapshot_age: number;
  readonly limits: {
    readonly max_concurrent_requests: number;
    readonly header_timeout: number;
    readonly request_timeout: number;
  };
}

export interface AgentConfig {
  readonly poll_interval: number;
  readonly collector_timeout: number;
  readonly paths: { readonly procfs: string; readonly sysfs: string; readonly rootfs: string };
  readonly labels: Readonly<Record<string, string>>;
  readonly log: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly format: 'logfmt' | 'json' };
  readonly http: HttpConfig;
  readonly collectors: CollectorsConfig;
  /**
   * The OTLP section as src/config/otlp.ts normalised it (its own type), or the raw object
   * when that module is not there.
   */
  readonly otlp: unknown;
}
