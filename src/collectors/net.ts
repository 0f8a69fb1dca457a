/**
 * The net collector: per-interface counters of /proc/net/dev (node_exporter netdev),
 * /proc/net/sockstat{,6} (sockstat), /proc/net/{netstat,snmp,snmp6} (netstat) and TCP
 * connection states (tcpstat, read on the libuv pool: the tables can be large).
 */
import type { Collector, OptionalInput } from '../contract/collector.js';
import { runParts } from '../contract/collector.js';
import type { NetDevEntry, NetReading, SockstatReading, TcpStateName } from '../contract/snapshot.js';
import type { NetCollectorConfig } from '../config/types.js';
import type { Logger } from '../logger.js';
import { netIoCounters, netStat, sockStat, tcpConnectionStatesAsync } from '../net.js';
import { DeviceFilter } from './filters.js';
import { pageSize } from '../memory.js';


/**
 * Inputs this collector may lack (docs/agent.md "Failure semantics"); the native reads skip
 * them when absent. Every other file (<procfs>/{1,self}/net/dev, sockstat, snmp, tcp) is required.
 */
export const OPTIONAL_INPUTS: readonly OptionalInput[] = [
  { part: 'sockstat', paths: ['<procfs>/*/net/sockstat6'], why: 'no IPv6 (ipv6.disable=1, CONFIG_IPV6 off)' },
  { part: 'netstat', paths: ['<procfs>/*/net/netstat', '<procfs>/*/net/snmp6'], why: 'snmp6: no IPv6; netstat (TcpExt, IpExt): very old or stripped kernels' },
  { part: 'tcpStates', paths: ['<procfs>/*/net/tcp6'], why: 'no IPv6' },
];

export function create(config: NetCollectorConfig, _logger: Logger): Collector<'net'> {
  const filter = new DeviceFilter(config.netdev.device_exclude, config.netdev.device_include);
  /** netstat's flat names by protocol and field. */
  const netstatNames = new Map<string, Map<string, string>>();
  return {
    name: 'net',
    async collect(ctx) {
      const o = { roots: ctx.roots };
      const parts = await runParts(ctx, {
        dev: config.netdev.enabled
          ? async (): Promise<NetDevEntry[]> => {
              const out: NetDevEntry[] = [];
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
      }, OPTIONAL_INPUTS);
      const reading: { -readonly [K in keyof NetReading]: NetReading[K] } = {};
      if (parts.dev) reading.dev = parts.dev;
      if (parts.sockstat) reading.sockstat = parts.sockstat;
      if (parts.netstat) reading.netstat = parts.netstat;
      if (parts.tcpStates) reading.tcpStates = parts.tcpStates;
      return reading;
    },
  };
}
