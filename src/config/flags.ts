/**
 * Command-line flags of the agent. Where they overlap with node_exporter's they have the
 * same names and meaning, so an existing DaemonSet or systemd unit switches by changing
 * the image; node_exporter flags for features hostprobe does not have are accepted with a
 * warning (they change nothing), anything else is an error with a suggestion.
 */
import { compileRegex, formatDuration, MAX_DURATION_SECONDS, parseDuration, suggest } from './spec.js';

/** A value a flag puts into the config, by key path. */
export interface Override {
  readonly path: readonly string[];
  readonly value: unknown;
  /** The flag as given, for messages. */
  readonly flag: string;
}

export interface ParsedFlags {
  configFile?: string;
  overrides: Override[];
  warnings: string[];
  help: boolean;
  version: boolean;
  /** Positional arguments (none are accepted by the agent itself). */
  positional: string[];
}

/** Thrown for a bad flag; the CLI prints it and exits 2. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/**
 * node_exporter's collector names, mapped onto our collectors' parts. Enabling a part also
 * enables its collector. `cpu` means node_exporter's cpu collector (the per-CPU times).
 */
export const NODE_EXPORTER_COLLECTORS: Readonly<Record<string, readonly string[]>> = {
  cpu: ['collectors', 'cpu', 'cpu'],
  cpufreq: ['collectors', 'cpu', 'cpufreq'],
  stat: ['collectors', 'cpu', 'stat'],
  loadavg: ['collectors', 'cpu', 'loadavg'],
  pressure: ['collectors', 'cpu', 'pressure'],
  schedstat: ['collectors', 'cpu', 'schedstat'],
  meminfo: ['collectors', 'mem', 'meminfo'],
  vmstat: ['collectors', 'mem', 'vmstat'],
  filesystem: ['collectors', 'disk', 'filesystem'],
  diskstats: ['collectors', 'disk', 'diskstats'],
  mdadm: ['collectors', 'disk', 'mdadm'],
  netdev: ['collectors', 'net', 'netdev'],
  sockstat: ['collectors', 'net', 'sockstat'],
  netstat: ['collectors', 'net', 'netstat'],
  tcpstat: ['collectors', 'net', 'tcpstat'],
  conntrack: ['collectors', 'net', 'conntrack'],
  softnet: ['collectors', 'net', 'softnet'],
  arp: ['collectors', 'net', 'arp'],
  udp_queues: ['collectors', 'net', 'udp_queues'],
  netclass: ['collectors', 'nic', 'netclass'],
  bonding: ['collectors', 'nic', 'bonding'],
  uname: ['collectors', 'host', 'uname'],
  time: ['collectors', 'host', 'time'],
  os: ['collectors', 'host', 'os'],
  filefd: ['collectors', 'host', 'filefd'],
  entropy: ['collectors', 'host', 'entropy'],
  timex: ['collectors', 'host', 'timex'],
  kernel_hung: ['collectors', 'host', 'kernel_hung'],
  selinux: ['collectors', 'host', 'selinux'],
  processes: ['collectors', 'process', 'processes'],
  hwmon: ['collectors', 'hardware', 'hwmon'],
  thermal_zone: ['collectors', 'hardware', 'thermal_zone'],
  powersupplyclass: ['collectors', 'hardware', 'powersupplyclass'],
  rapl: ['collectors', 'hardware', 'rapl'],
  dmi: ['collectors', 'hardware', 'dmi'],
  edac: ['collectors', 'hardware', 'edac'],
  watchdog: ['collectors', 'hardware', 'watchdog'],
  fibrechannel: ['collectors', 'hardware', 'fibrechannel'],
  textfile: ['collectors', 'textfile'],
};

/** Our own collector names (whole collectors). `cpu` is taken by node_exporter's meaning above. */
export const OWN_COLLECTORS: Readonly<Record<string, readonly string[]>> = {
  mem: ['collectors', 'mem'],
  disk: ['collectors', 'disk'],
  net: ['collectors', 'net'],
  nic: ['collectors', 'nic'],
  host: ['collectors', 'host'],
  hardware: ['collectors', 'hardware'],
  process: ['collectors', 'process'],
};

/**
 * node_exporter collectors hostprobe does not have: accepted, with a warning when enabled.
 * With NODE_EXPORTER_COLLECTORS this covers every collector of node_exporter 1.12.1 on Linux
 * (test/e2e/node-exporter-fixtures.test.ts checks it against its --help).
 */
export const FOREIGN_COLLECTORS: readonly string[] = [
  'bcache',
  'bcachefs',
  'btrfs',
  'buddyinfo',
  'cgroups',
  'cpu_vulnerabilities',
  'devstat',
  'dmmultipath',
  'drbd',
  'drm',
  'ethtool',
  'infiniband',
  'interrupts',
  'ipvs',
  'ksmd',
  'lnstat',
  'logind',
  'meminfo_numa',
  'mountstats',
  'network_route',
  'nfs',
  'nfsd',
  'ntp',
  'nvme',
  'nvmesubsystem',
  'pcidevice',
  'perf',
  'qdisc',
  'runit',
  'selinux',
  'slabinfo',
  'softirqs',
  'supervisord',
  'swap',
  'sysctl',
  'systemd',
  'tapestats',
  'wifi',
  'xfrm',
  'xfs',
  'zfs',
  'zoneinfo',
  'netclass_rtnl',
];

type Kind = 'string' | 'regex' | 'duration' | 'int' | 'bool' | 'path';

interface FlagDef {
  readonly path?: readonly string[];
  readonly kind: Kind;
  readonly help: string;
  /** Sets another key too (e.g. include clears the exclude default). */
  readonly also?: (v: unknown) => Override[];
}

function clear(path: string[], flag: string): Override {
  return { path, value: '', flag };
}

/** Flags with a value (or booleans), by name without the leading `--`. */
export const FLAGS: Readonly<Record<string, FlagDef>> = {
  'config.file': { kind: 'path', help: 'YAML config file (default: built-in defaults).' },
  'web.listen-address': { kind: 'string', help: 'Address to listen on, [host]:port (default :9110).' },
  'web.telemetry-path': { kind: 'string', path: ['http', 'path'], help: 'Path of the metrics endpoint (default /metrics).' },
  'web.config.file': { kind: 'path', path: ['http', 'web_config_file'], help: 'exporter-toolkit web config (TLS, basic auth).' },
  'web.max-requests': {
    kind: 'int',
    path: ['http', 'limits', 'max_concurrent_requests'],
    help: 'Maximum concurrent requests; more get 503 (0 = unlimited).',
  },
  'web.max-snapshot-age': {
    kind: 'duration',
    path: ['http', 'max_snapshot_age'],
    help: 'A scrape polls when the latest poll is older (default 500ms; 0 = every scrape polls).',
  },
  'path.procfs': { kind: 'path', path: ['paths', 'procfs'], help: 'procfs mount point (default /proc).' },
  'path.sysfs': { kind: 'path', path: ['paths', 'sysfs'], help: 'sysfs mount point (default /sys).' },
  'path.rootfs': { kind: 'path', path: ['paths', 'rootfs'], help: 'rootfs mount point (default /).' },
  'poll.interval': { kind: 'duration', path: ['poll_interval'], help: 'Poll interval (default 15s).' },
  'collector.timeout': { kind: 'duration', path: ['collector_timeout'], help: 'Default collector deadline (default 10s).' },
  'log.level': { kind: 'string', path: ['log', 'level'], help: 'debug, info, warn or error.' },
  'log.format': { kind: 'string', path: ['log', 'format'], help: 'logfmt or json.' },
  'collector.filesystem.mount-points-exclude': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'mount_points_exclude'],
    help: 'Regex of mount points to leave out.',
  },
  'collector.filesystem.mount-points-include': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'mount_points_include'],
    help: 'Regex of the only mount points to serve.',
    also: () => [clear(['collectors', 'disk', 'filesystem', 'mount_points_exclude'], 'collector.filesystem.mount-points-include')],
  },
  'collector.filesystem.fs-types-exclude': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'fs_types_exclude'],
    help: 'Regex of filesystem types to leave out.',
  },
  'collector.filesystem.fs-types-include': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'fs_types_include'],
    help: 'Regex of the only filesystem types to serve.',
    also: () => [clear(['collectors', 'disk', 'filesystem', 'fs_types_exclude'], 'collector.filesystem.fs-types-include')],
  },
  'collector.filesystem.mount-timeout': {
    kind: 'duration',
    path: ['collectors', 'disk', 'filesystem', 'mount_timeout'],
    help: 'statfs time after which a mount is marked stuck (default 5s).',
  },
  'collector.textfile.directory': {
    kind: 'path',
    path: ['collectors', 'textfile', 'directories'],
    help: 'Directory (or glob) of *.prom files to serve; repeat for several.',
  },
  'path.udev.data': {
    kind: 'path',
    path: ['collectors', 'disk', 'diskstats', 'udev_data_path'],
    help: "udev's database directory (default <rootfs>/run/udev/data).",
  },
  'collector.diskstats.device-exclude': {
    kind: 'regex',
    path: ['collectors', 'disk', 'diskstats', 'device_exclude'],
    help: 'Regex of block devices to leave out.',
  },
  'collector.diskstats.device-include': {
    kind: 'regex',
    path: ['collectors', 'disk', 'diskstats', 'device_include'],
    help: 'Regex of the only block devices to serve.',
    also: () => [clear(['collectors', 'disk', 'diskstats', 'device_exclude'], 'collector.diskstats.device-include')],
  },
  'collector.netdev.device-exclude': {
    kind: 'regex',
    path: ['collectors', 'net', 'netdev', 'device_exclude'],
    help: 'Regex of interfaces to leave out of node_network_*_total.',
  },
  'collector.netdev.device-include': {
    kind: 'regex',
    path: ['collectors', 'net', 'netdev', 'device_include'],
    help: 'Regex of the only interfaces to serve in node_network_*_total.',
  },
  'collector.arp.device-exclude': {
    kind: 'regex',
    path: ['collectors', 'net', 'arp', 'device_exclude'],
    help: 'Regex of interfaces to leave out of node_arp_entries.',
  },
  'collector.arp.device-include': {
    kind: 'regex',
    path: ['collectors', 'net', 'arp', 'device_include'],
    help: 'Regex of the only interfaces to serve in node_arp_entries.',
  },
  'collector.arp.netlink': {
    kind: 'bool',
    path: ['collectors', 'net', 'arp', 'netlink'],
    help: 'Read ARP entries by netlink (RTM_GETNEIGH) instead of /proc/net/arp.',
  },
  'collector.netdev.netlink': {
    kind: 'bool',
    path: ['collectors', 'net', 'netdev', 'netlink'],
    help: 'Serve node_network_receive_nohandler_total (netlink RTM_GETLINK, as node_exporter).',
  },
  'collector.netclass.ignored-devices': {
    kind: 'regex',
    path: ['collectors', 'nic', 'ignored_devices'],
    help: 'Regex of interfaces to leave out of the netclass metrics.',
  },
  'collector.netclass.ignore-invalid-speed': {
    kind: 'bool',
    path: ['collectors', 'nic', 'ignore_invalid_speed'],
    help: 'Leave out node_network_speed_bytes when the speed is unknown.',
  },
  'collector.netstat.fields': {
    kind: 'regex',
    path: ['collectors', 'net', 'netstat', 'fields'],
    help: 'Regex of netstat fields to serve.',
  },
  'collector.vmstat.fields': {
    kind: 'regex',
    path: ['collectors', 'mem', 'vmstat', 'fields'],
    help: 'Regex of vmstat fields to serve.',
  },
  'collector.hwmon.chip-include': {
    kind: 'regex',
    path: ['collectors', 'hardware', 'hwmon', 'chip_include'],
    help: 'Regex of the only hwmon chips to serve.',
  },
  'collector.hwmon.chip-exclude': {
    kind: 'regex',
    path: ['collectors', 'hardware', 'hwmon', 'chip_exclude'],
    help: 'Regex of hwmon chips to leave out.',
  },
  'collector.hwmon.sensor-include': {
    kind: 'regex',
    path: ['collectors', 'hardware', 'hwmon', 'sensor_include'],
    help: 'Regex of the only hwmon sensors to serve, matched against "<chip>;<sensor>".',
  },
  'collector.hwmon.sensor-exclude': {
    kind: 'regex',
    path: ['collectors', 'hardware', 'hwmon', 'sensor_exclude'],
    help: 'Regex of hwmon sensors to leave out, matched against "<chip>;<sensor>".',
  },
  'collector.powersupply.ignored-supplies': {
    kind: 'regex',
    path: ['collectors', 'hardware', 'powersupplyclass', 'ignored_supplies'],
    help: 'Regex of power supplies to leave out of node_power_supply_*.',
  },
  'collector.rapl.enable-zone-label': {
    kind: 'bool',
    path: ['collectors', 'hardware', 'rapl', 'enable_zone_label'],
    help: 'One node_rapl_joules_total family with a rapl_zone label.',
  },
  'collector.cpu.guest': { kind: 'bool', path: ['collectors', 'cpu', 'cpu', 'guest'], help: 'Serve node_cpu_guest_seconds_total.' },
  'collector.stat.softirq': {
    kind: 'bool',
    path: ['collectors', 'cpu', 'stat', 'softirq'],
    help: 'Serve node_softirqs_total{vector} from /proc/stat.',
  },
  'collector.cpu.info': { kind: 'bool', path: ['collectors', 'cpu', 'cpu', 'info'], help: 'Serve node_cpu_info from /proc/cpuinfo.' },
  'collector.cpu.info.flags-include': {
    kind: 'regex',
    path: ['collectors', 'cpu', 'cpu', 'info_flags_include'],
    help: "Regex of the first CPU's flags to serve as node_cpu_flag_info (turns cpu.info on).",
  },
  'collector.cpu.info.bugs-include': {
    kind: 'regex',
    path: ['collectors', 'cpu', 'cpu', 'info_bugs_include'],
    help: "Regex of the first CPU's bugs to serve as node_cpu_bug_info (turns cpu.info on).",
  },
  // node_exporter's deprecated aliases.
  'collector.filesystem.ignored-mount-points': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'mount_points_exclude'],
    help: 'Deprecated alias of --collector.filesystem.mount-points-exclude.',
  },
  'collector.filesystem.ignored-fs-types': {
    kind: 'regex',
    path: ['collectors', 'disk', 'filesystem', 'fs_types_exclude'],
    help: 'Deprecated alias of --collector.filesystem.fs-types-exclude.',
  },
  'collector.diskstats.ignored-devices': {
    kind: 'regex',
    path: ['collectors', 'disk', 'diskstats', 'device_exclude'],
    help: 'Deprecated alias of --collector.diskstats.device-exclude.',
  },
  'collector.netdev.device-blacklist': {
    kind: 'regex',
    path: ['collectors', 'net', 'netdev', 'device_exclude'],
    help: 'Deprecated alias of --collector.netdev.device-exclude.',
  },
  'collector.netdev.device-whitelist': {
    kind: 'regex',
    path: ['collectors', 'net', 'netdev', 'device_include'],
    help: 'Deprecated alias of --collector.netdev.device-include.',
  },
};

/** node_exporter flags hostprobe accepts and ignores (with a warning), so unit files keep working. */
const IGNORED_FLAGS: Readonly<Record<string, 'bool' | 'value'>> = {
  'web.disable-exporter-metrics': 'bool',
  'web.systemd-socket': 'bool',
  'runtime.gomaxprocs': 'value',
  'collector.filesystem.stat-workers': 'value',
  'collector.netdev.address-info': 'bool',
  'collector.netdev.label-ifalias': 'bool',
  'collector.netclass.netlink': 'bool',
  'web.max-requests-in-flight': 'value',
  // The options of node_exporter 1.12.1's collectors hostprobe does not have (yet), so that
  // its end-to-end-test.sh flags and existing unit files are accepted as they are.
  'collector.bcache.priorityStats': 'bool',
  'collector.ethtool.device-include': 'value',
  'collector.ethtool.device-exclude': 'value',
  'collector.ethtool.metrics-include': 'value',
  'collector.infiniband.device-include': 'value',
  'collector.infiniband.device-exclude': 'value',
  'collector.interrupts.name-include': 'value',
  'collector.interrupts.name-exclude': 'value',
  'collector.interrupts.include-zeros': 'bool',
  'collector.ipvs.backend-labels': 'value',
  'collector.netclass_rtnl.with-stats': 'bool',
  'collector.netdev.enable-detailed-metrics': 'bool',
  'collector.ntp.server': 'value',
  'collector.ntp.server-port': 'value',
  'collector.ntp.protocol-version': 'value',
  'collector.ntp.server-is-local': 'bool',
  'collector.ntp.ip-ttl': 'value',
  'collector.ntp.max-distance': 'value',
  'collector.ntp.local-offset-tolerance': 'value',
  'collector.pcidevice.idsfile': 'value',
  'collector.pcidevice.names': 'bool',
  'collector.perf.cpus': 'value',
  'collector.perf.tracepoint': 'value',
  'collector.perf.disable-hardware-profilers': 'bool',
  'collector.perf.hardware-profilers': 'value',
  'collector.perf.disable-software-profilers': 'bool',
  'collector.perf.software-profilers': 'value',
  'collector.perf.disable-cache-profilers': 'bool',
  'collector.perf.cache-profilers': 'value',
  'collector.qdisc.fixtures': 'value',
  'collector.qdisc.device-include': 'value',
  'collector.qdisc.device-exclude': 'value',
  'collector.runit.servicedir': 'value',
  'collector.slabinfo.slabs-include': 'value',
  'collector.slabinfo.slabs-exclude': 'value',
  'collector.supervisord.url': 'value',
  'collector.sysctl.include': 'value',
  'collector.sysctl.include-info': 'value',
  'collector.systemd.unit-include': 'value',
  'collector.systemd.unit-exclude': 'value',
  'collector.systemd.enable-task-metrics': 'bool',
  'collector.systemd.enable-restarts-metrics': 'bool',
  'collector.systemd.enable-start-time-metrics': 'bool',
  'collector.tapestats.ignored-devices': 'value',
  'collector.wifi.fixtures': 'value',
  // Their hidden, deprecated aliases.
  'collector.qdisk.device-include': 'value',
  'collector.qdisk.device-exclude': 'value',
  'collector.systemd.private': 'bool',
  'collector.systemd.unit-whitelist': 'value',
  'collector.systemd.unit-blacklist': 'value',
};

function convert(name: string, kind: Kind, raw: string): unknown {
  switch (kind) {
    case 'regex':
      try {
        compileRegex(raw);
      } catch (e) {
        throw new FlagError(`--${name}: invalid regular expression ${JSON.stringify(raw)}: ${(e as Error).message}`);
      }
      return raw;
    case 'duration': {
      const d = parseDuration(raw) ?? (/^\d+(\.\d+)?$/.test(raw) ? Number(raw) : undefined);
      if (d === undefined) throw new FlagError(`--${name}: expected a duration such as "15s" or "500ms", got ${JSON.stringify(raw)}`);
      if (d > MAX_DURATION_SECONDS)
        throw new FlagError(
          `--${name}: ${JSON.stringify(raw)} is longer than a timer can hold; expected at most ${formatDuration(MAX_DURATION_SECONDS)}`,
        );
      return d;
    }
    case 'int': {
      if (!/^\d+$/.test(raw)) throw new FlagError(`--${name}: expected a non-negative integer, got ${JSON.stringify(raw)}`);
      return Number(raw);
    }
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new FlagError(`--${name}: expected true or false, got ${JSON.stringify(raw)}`);
    case 'path':
    case 'string':
      return raw;
  }
}

/** Splits `[host]:port`, `host:port`, `:port` (node_exporter's --web.listen-address). */
export function parseListenAddress(s: string): { address: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d{1,5})$/.exec(s);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new FlagError(`--web.listen-address: expected [host]:port such as ":9110" or "127.0.0.1:9110", got ${JSON.stringify(s)}`);
  }
  return { address: m[1] ?? m[2] ?? '', port };
}

function allFlagNames(): string[] {
  const names = [...Object.keys(FLAGS), ...Object.keys(IGNORED_FLAGS), 'help', 'version', 'collector.disable-defaults'];
  for (const c of [...Object.keys(NODE_EXPORTER_COLLECTORS), ...Object.keys(OWN_COLLECTORS)]) {
    names.push(`collector.${c}`, `no-collector.${c}`);
  }
  return names;
}

/** Parses the agent's argv (without the node/script prefix and without a subcommand). */
export function parseAgentFlags(argv: readonly string[]): ParsedFlags {
  const out: ParsedFlags = { overrides: [], warnings: [], help: false, version: false, positional: [] };
  const enables: { name: string; on: boolean; flag: string }[] = [];
  let disableDefaults = false;
  const textfileDirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (arg === '--version' || arg === '-v') {
      out.version = true;
      continue;
    }
    if (!arg.startsWith('-')) {
      out.positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new FlagError(`--${name} needs a value`);
      i++;
      return next;
    };

    if (name === 'collector.disable-defaults') {
      disableDefaults = inline === undefined ? true : convert(name, 'bool', inline) === true;
      continue;
    }
    const col = /^(no-)?collector\.([a-z0-9_]+)$/.exec(name);
    if (col && !FLAGS[name]) {
      const cname = col[2] as string;
      let on = !col[1];
      if (inline !== undefined) on = on === (convert(name, 'bool', inline) === true);
      if (NODE_EXPORTER_COLLECTORS[cname] || OWN_COLLECTORS[cname]) {
        enables.push({ name: cname, on, flag: arg });
        continue;
      }
      if (FOREIGN_COLLECTORS.includes(cname)) {
        if (on) out.warnings.push(`${arg}: node_exporter's ${cname} collector is not provided by hostprobe; ignored`);
        continue;
      }
      const s = suggest(name, allFlagNames());
      throw new FlagError(`unknown flag ${arg}${s ? `; did you mean --${s}?` : ''}`);
    }
    const ign = IGNORED_FLAGS[name] ?? (name.startsWith('no-') ? IGNORED_FLAGS[name.slice(3)] : undefined);
    if (ign) {
      if (ign === 'value' && inline === undefined) takeValue();
      out.warnings.push(`--${name} is a node_exporter flag hostprobe does not use; ignored`);
      continue;
    }
    let def = FLAGS[name];
    let negated = false;
    if (!def && name.startsWith('no-') && FLAGS[name.slice(3)]?.kind === 'bool') {
      def = FLAGS[name.slice(3)];
      negated = true;
    }
    if (!def) {
      const s = suggest(name, allFlagNames());
      throw new FlagError(`unknown flag ${arg}${s ? `; did you mean --${s}?` : ''}`);
    }
    const fname = negated ? name.slice(3) : name;
    let value: unknown;
    if (def.kind === 'bool') {
      value = inline === undefined ? !negated : (convert(fname, 'bool', inline) as boolean) !== negated;
    } else {
      if (negated) throw new FlagError(`--${name}: not a boolean flag`);
      inline = takeValue();
      value = convert(fname, def.kind, inline);
    }
    if (fname === 'config.file') {
      out.configFile = value as string;
      continue;
    }
    if (fname === 'web.listen-address') {
      const { address, port } = parseListenAddress(value as string);
      out.overrides.push({ path: ['http', 'address'], value: address, flag: arg }, { path: ['http', 'port'], value: port, flag: arg });
      continue;
    }
    if (fname === 'log.level' && !['debug', 'info', 'warn', 'error'].includes(value as string)) {
      throw new FlagError(`--log.level: expected one of debug, info, warn, error, got ${JSON.stringify(value)}`);
    }
    if (fname === 'log.format' && !['logfmt', 'json'].includes(value as string)) {
      throw new FlagError(`--log.format: expected logfmt or json, got ${JSON.stringify(value)}`);
    }
    if (fname === 'web.telemetry-path' && !(value as string).startsWith('/')) {
      throw new FlagError(`--web.telemetry-path: expected a path starting with /, got ${JSON.stringify(value)}`);
    }
    if (fname === 'collector.textfile.directory') {
      // Repeatable, as in node_exporter 1.8+: the directories add up.
      textfileDirs.push(value as string);
      continue;
    }
    if (def.path) out.overrides.push({ path: def.path, value, flag: arg });
    if (def.also) out.overrides.push(...def.also(value));
  }
  if (textfileDirs.length) {
    out.overrides.push({ path: ['collectors', 'textfile', 'directories'], value: textfileDirs, flag: '--collector.textfile.directory' });
  }

  if (disableDefaults) {
    // Every part off, then the explicitly enabled ones back on (node_exporter semantics).
    for (const path of Object.values(NODE_EXPORTER_COLLECTORS)) {
      out.overrides.push({ path: [...path, 'enabled'], value: false, flag: '--collector.disable-defaults' });
    }
  }
  for (const e of enables) {
    const sub = NODE_EXPORTER_COLLECTORS[e.name];
    const whole = OWN_COLLECTORS[e.name];
    const path = (sub ?? whole) as readonly string[];
    out.overrides.push({ path: [...path, 'enabled'], value: e.on, flag: e.flag });
    if (e.on && sub && sub.length === 3) {
      // Enabling a part enables the collector that holds it.
      out.overrides.push({ path: [...sub.slice(0, 2), 'enabled'], value: true, flag: e.flag });
    }
  }
  return out;
}

/** Help text for the agent's flags. */
export function agentFlagsHelp(): string {
  const lines: string[] = [];
  const pad = (s: string): string => (s.length >= 46 ? s + '\n' + ' '.repeat(50) : s.padEnd(48));
  for (const [name, def] of Object.entries(FLAGS)) {
    if (def.help.startsWith('Deprecated')) continue;
    const arg = def.kind === 'bool' ? `--[no-]${name}` : `--${name}=${def.kind === 'regex' ? 'REGEX' : def.kind.toUpperCase()}`;
    lines.push('  ' + pad(arg) + def.help);
  }
  lines.push('  ' + pad('--[no-]collector.<name>') + 'Enable or disable a collector part, by its node_exporter name:');
  lines.push(' '.repeat(50) + Object.keys(NODE_EXPORTER_COLLECTORS).join(', '));
  lines.push(' '.repeat(50) + 'or a whole collector: ' + Object.keys(OWN_COLLECTORS).join(', ') + ' (and cpu via the config file).');
  lines.push('  ' + pad('--collector.disable-defaults') + 'Disable every part not enabled explicitly by a flag.');
  return lines.join('\n');
}
