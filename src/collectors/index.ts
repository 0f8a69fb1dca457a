/**
 * The collector table: every collector the agent can run, with its summary and the
 * node_exporter collectors it replaces. An explicit list, no self-registration. Modules are
 * imported when the collector is first created, so a disabled collector costs nothing.
 *
 * Each module exports `create(config, logger): Collector` for its name, checked by the type of
 * `entry`'s loader: a module without it, or with another signature, does not compile.
 */
import type { Collector, CollectorEntry } from '../contract/collector.js';
import type { CollectorName } from '../contract/snapshot.js';
import type { CollectorsConfig } from '../config/types.js';
import type { Logger } from '../logger.js';

/** What each collector module exports; `() => import('./cpu.js')` is checked against it. */
interface CollectorModule<N extends CollectorName> {
  create(config: CollectorsConfig[N], logger: Logger): Collector<N> | Promise<Collector<N>>;
}

function entry<N extends CollectorName>(
  name: N,
  summary: string,
  parts: readonly string[],
  load: () => Promise<CollectorModule<N>>,
): CollectorEntry<N> {
  return {
    name,
    summary,
    parts,
    async create(config, logger) {
      const mod = await load();
      return mod.create(config, logger);
    },
  };
}

/** All collectors, in the order they are documented and rendered. */
export const COLLECTORS: readonly CollectorEntry[] = [
  entry(
    'cpu',
    'CPU times, frequencies, /proc/stat counters, load average, pressure, schedstat',
    ['cpu', 'cpufreq', 'stat', 'loadavg', 'pressure', 'schedstat'],
    () => import('./cpu.js'),
  ),
  entry('mem', '/proc/meminfo and /proc/vmstat', ['meminfo', 'vmstat'], () => import('./mem.js')),
  entry(
    'disk',
    'filesystems (statfs, stuck mounts skipped) and block device I/O',
    ['filesystem', 'diskstats', 'mdadm'],
    () => import('./disk.js'),
  ),
  entry(
    'net',
    'interface counters, sockets, protocol counters, TCP states, conntrack, softnet, ARP, UDP queues',
    ['netdev', 'sockstat', 'netstat', 'tcpstat', 'conntrack', 'softnet', 'arp', 'udp_queues'],
    () => import('./net.js'),
  ),
  entry('nic', 'interface attributes and bonding masters from sysfs', ['netclass', 'bonding'], () => import('./nic.js')),
  entry(
    'host',
    'uname, time, os-release, file descriptors, entropy, timex, hung tasks, SELinux',
    ['uname', 'time', 'os', 'filefd', 'entropy', 'timex', 'kernel_hung', 'selinux'],
    () => import('./host.js'),
  ),
  entry(
    'hardware',
    'hardware sensors: hwmon chips, thermal zones, power supplies, RAPL energy, DMI, EDAC, watchdogs, fibre channel hosts',
    ['hwmon', 'thermal_zone', 'powersupplyclass', 'rapl', 'dmi', 'edac', 'watchdog', 'fibrechannel'],
    () => import('./hardware.js'),
  ),
  entry('process', 'process counts and process-exporter compatible groups', ['processes'], () => import('./process.js')),
  entry('textfile', 'metrics from *.prom files written by scripts and cron jobs', [], () => import('./textfile.js')),
];
