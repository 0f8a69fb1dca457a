/**
 * The net collector: per-interface counters of /proc/net/dev (node_exporter netdev),
 * /proc/net/sockstat{,6} (sockstat), /proc/net/{netstat,snmp,snmp6} (netstat), TCP
 * connection states (tcpstat, read on the libuv pool: the tables can be large), connection
 * tracking (conntrack), /proc/net/softnet_stat (softnet), ARP entries per device (arp) and
 * the UDP socket queues (udp_queues).
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type {
  ConntrackReading,
  NetDevEntry,
  NetReading,
  SockstatReading,
  SoftnetEntry,
  TcpStateName,
  UdpQueuesEntry,
} from '../contract/snapshot.js';
import type { NetCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import {
  arpEntries,
  conntrack,
  netIoCounters,
  netRxNohandler,
  netStat,
  sockStat,
  softnetStat,
  tcpConnectionStatesAsync,
  udpQueues,
} from '../net.js';
import { DeviceFilter } from './filters.js';
import { pageSize } from '../memory.js';

/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"); the native reads skip
 * them when absent. Every other file (<procfs>/{1,self}/net/dev, sockstat, snmp, tcp,
 * softnet_stat, arp when it is read rather than dumped by netlink, and <sysfs>/class/net when
 * rx_nohandler comes from sysfs) is required.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  { part: 'sockstat', paths: ['<procfs>/*/net/sockstat6'], why: 'no IPv6 (ipv6.disable=1, CONFIG_IPV6 off)' },
  {
    part: 'netstat',
    paths: ['<procfs>/*/net/netstat', '<procfs>/*/net/snmp6'],
    why: 'snmp6: no IPv6; netstat (TcpExt, IpExt): very old or stripped kernels',
  },
  { part: 'tcpStates', paths: ['<procfs>/*/net/tcp6'], why: 'no IPv6' },
  {
    part: 'conntrack',
    paths: [
      '<procfs>/sys/net/netfilter/nf_conntrack_count',
      '<procfs>/sys/net/netfilter/nf_conntrack_max',
      '<procfs>/*/net/stat/nf_conntrack',
    ],
    why: 'nf_conntrack not loaded (no firewall or NAT rule uses it): no node_nf_conntrack_* series',
  },
  {
    part: 'udpQueues',
    paths: ['<procfs>/*/net/udp', '<procfs>/*/net/udp6'],
    why: 'no IPv6 (udp6), or no IPv4 (udp): no node_udp_queues series for that family',
  },
];

export function create(config: NetCollectorConfig, _logger: Logger): Collector<'net'> {
  const filter = new DeviceFilter(config.netdev.device_exclude, config.netdev.device_include);
  const arpFilter = new DeviceFilter(config.arp.device_exclude, config.arp.device_include);
  /** netstat's flat names by protocol and field. */
  const netstatNames = new Map<string, Map<string, string>>();
  return {
    name: 'net',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(
        ctx,
        {
          dev: config.netdev.enabled
            ? async (): Promise<NetDevEntry[]> => {
                const out: NetDevEntry[] = [];
                const nohandler = config.netdev.netlink ? netRxNohandler(o) : undefined;
                for (const [device, c] of Object.entries(netIoCounters({ ...o, perNic: true }))) {
                  if (filter.ignored(device)) continue;
                  out.push({
                    device,
                    rxBytes: c.rx.bytes,
                    rxPackets: c.rx.packets,
                    rxErrs: c.rx.errs,
                    rxDrop: c.rx.drop,
                    rxFifo: c.rx.fifo,
                    rxFrame: c.rx.frame,
                    rxCompressed: c.rx.compressed,
                    rxMulticast: c.rx.multicast,
                    txBytes: c.tx.bytes,
                    txPackets: c.tx.packets,
                    txErrs: c.tx.errs,
                    txDrop: c.tx.drop,
                    txFifo: c.tx.fifo,
                    txColls: c.tx.colls,
                    txCarrier: c.tx.carrier,
                    txCompressed: c.tx.compressed,
                    ...(nohandler && Object.hasOwn(nohandler, device) ? { rxNohandler: nohandler[device] as number } : {}),
                  });
                }
                return out;
              }
            : undefined,
          sockstat: config.sockstat.enabled
            ? async (): Promise<SockstatReading> => {
                const s = sockStat(o);
                const protocols: Record<string, Record<string, number>> = {};
                for (const [proto, fields] of Object.entries(s)) if (proto !== 'sockets') protocols[proto] = fields;
                const used = s.sockets?.used;
                return { ...(used !== undefined ? { socketsUsed: used } : {}), protocols, pageSize: pageSize() };
              }
            : undefined,
          netstat: config.netstat.enabled
            ? async (): Promise<Record<string, number>> => {
                // ~400 counters per poll: the `${proto}_${field}` names are made once, not per poll.
                const out: Record<string, number> = {};
                const all = netStat(o);
                for (const proto in all) {
                  let names = netstatNames.get(proto);
                  if (!names) netstatNames.set(proto, (names = new Map()));
                  const fields = all[proto] as Record<string, number>;
                  for (const field in fields) {
                    let key = names.get(field);
                    if (key === undefined) names.set(field, (key = `${proto}_${field}`));
                    out[key] = fields[field] as number;
                  }
                }
                return out;
              }
            : undefined,
          tcpStates: config.tcpstat.enabled
            ? async (): Promise<Record<TcpStateName, number>> => ({ ...(await tcpConnectionStatesAsync(o)).states })
            : undefined,
          conntrack: config.conntrack.enabled
            ? async (): Promise<ConntrackReading> => {
                const c = conntrack(o);
                return {
                  ...(c.entries !== null ? { entries: c.entries } : {}),
                  ...(c.limit !== null ? { limit: c.limit } : {}),
                  ...(c.stat !== null ? { stat: c.stat } : {}),
                };
              }
            : undefined,
          softnet: config.softnet.enabled ? async (): Promise<SoftnetEntry[]> => softnetStat(o) : undefined,
          arp: config.arp.enabled
            ? async (): Promise<{ device: string; entries: number }[]> => {
                const out: { device: string; entries: number }[] = [];
                for (const [device, entries] of Object.entries(arpEntries({ ...o, netlink: config.arp.netlink }))) {
                  if (!arpFilter.ignored(device)) out.push({ device, entries });
                }
                return out;
              }
            : undefined,
          udpQueues: config.udp_queues.enabled
            ? async (): Promise<{ v4?: UdpQueuesEntry; v6?: UdpQueuesEntry }> => {
                const q = udpQueues(o);
                return { ...(q.v4 ? { v4: q.v4 } : {}), ...(q.v6 ? { v6: q.v6 } : {}) };
              }
            : undefined,
        },
        OPTIONAL_INPUTS,
      );
      const reading: { -readonly [K in keyof NetReading]: NetReading[K] } = {};
      if (parts.dev) reading.dev = parts.dev;
      if (parts.sockstat) reading.sockstat = parts.sockstat;
      if (parts.netstat) reading.netstat = parts.netstat;
      if (parts.tcpStates) reading.tcpStates = parts.tcpStates;
      if (parts.conntrack) reading.conntrack = parts.conntrack;
      if (parts.softnet) reading.softnet = parts.softnet;
      if (parts.arp) reading.arp = parts.arp;
      if (parts.udpQueues) reading.udpQueues = parts.udpQueues;
      return reading;
    },
  };
}
